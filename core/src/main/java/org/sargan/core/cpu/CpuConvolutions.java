package org.sargan.core.cpu;

import java.util.Arrays;
import org.sargan.core.ConvGeometry;
import org.sargan.core.ConvSpec;

/**
 * Convolutions as matrix multiplies (x (N, Cin, H, W), w (Cout, Cin, KH, KW)):
 * <pre>
 *   cols = im2col(x_n)            (Cin*KH*KW, Ho*Wo)   the input patch under each output pixel, as a column
 *   y_n  = W * cols               (Cout, Ho*Wo)         forward, one product per image
 *   dW   = [dy_1 .. dy_N] * [cols_1 .. cols_N]^T        weight gradient: one product, the batch in its inner dimension
 *   dx_n = col2im(W^T * dy_n)                           input gradient (scatter-add of the patches)
 * </pre>
 * A 1x1 stride-1 unpadded convolution skips im2col (the image already is the matrix). No im2col buffer is made,
 * except for the input gradient of strided layers (dcols, one image at a time). With SIMD the forward reads im2col
 * where it lies ({@link ImageForward}: rows a multiple of the vector length, or stride-1 rows on the padded grid);
 * otherwise the products pack im2col panels from the image, gathered from a padded copy ({@link PaddedImages}:
 * strided and narrow layers, and every weight gradient) or copied in runs ({@link #im2colPanels}). Tiny outputs go
 * through {@link SmallImageConvolutions}, layers with one to four output channels through
 * {@link FewChannelConvolutions}, wide stride-1 layers with up to 64 through {@link DirectConvolutions}. Work is
 * split by images and output elements only, so results do not depend on the thread count.
 */
final class CpuConvolutions {
    private CpuConvolutions() {
    }

    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        if (SmallImageConvolutions.applies(g)) {
            return SmallImageConvolutions.forward(x, wt, g);
        }
        // wide rows: four-channel direct blocks (2-4 channels padded to four, each image vector read once for all)
        if (DirectConvolutions.applies(g) && g.cout() > 1) {
            return DirectConvolutions.forward(x, wt, g);
        }
        if (WINOGRAD && WinogradConvolutions.applies(g)) {
            return WinogradConvolutions.forward(x, wt, g);
        }
        // SIMD first: PhaseWinograd's vector constants need the jdk.incubator.vector module to load at all
        if (PHASE_WINOGRAD && SIMD && PhaseWinograd.applies(g)) {
            return PhaseWinograd.forward(x, wt, g);
        }
        return FewChannelConvolutions.applies(g) ? FewChannelConvolutions.forward(x, wt, g) : forwardPerImage(x, wt, g);
    }

    /** Whether wide stride-1 3x3 layers use {@link WinogradConvolutions} ({@code -Dsargan.winograd=false}: GEMMs). */
    static final boolean WINOGRAD = !"false".equals(System.getProperty("sargan.winograd"));
    /**
     * Whether 4x4 stride-2 layers use {@link PhaseWinograd} and their input gradients {@link PhaseWinogradTransposed}
     * ({@code -Dsargan.phaseWinograd=false}: GEMMs).
     */
    static final boolean PHASE_WINOGRAD = !"false".equals(System.getProperty("sargan.phaseWinograd"));
    private static final boolean SIMD = SimdSupport.enabled();

    /** One GEMM per image (and column range), the weights packed once: for images of many output pixels. */
    static float[] forwardPerImage(float[] x, float[] wt, ConvGeometry g) {
        float[] y = ArrayPool.dirty(g.n() * g.cout() * g.outPixels());
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        int pixels = g.outPixels();
        // W (Cout x patch) is the left operand of every image's product: pack it once. Then one task per image
        // and column range, each reading its columns of im2col(x) where they lie (readsImage, readsPitched) or
        // packing them from the image: no im2col buffer, and images run in parallel without a barrier between them.
        Gemm.PackedA w = Gemm.pack(Gemm.DEFAULT_KERNEL, g.cout(), g.patch(), wt, 0, g.patch(), 1);
        if (ImageForward.readsImage(g)) {
            ImageForward.forwardFromImages(x, w, g, y);
            w.free();
            return y;
        }
        if (ImageForward.readsPitched(g)) {
            ImageForward.forwardPitched(x, w, g, y);
            w.free();
            return y;
        }
        boolean gather = PaddedImages.gathers(g);
        Taps taps = g.isPointwise() || gather ? null : Taps.of(g);
        int[] tapOffsets = gather ? PaddedImages.tapOffsets(g) : null;
        if (gather) {
            PaddedImages.inGroups(x, g, PaddedImages.parallelGroup(), (xps, lo, hi) ->
                    forEachColumnRange(hi - lo, pixels, (i, j0, j1) -> Gemm.multiplyColumns(w,
                            PaddedImages.gatherPanels(xps[lo + i], g, tapOffsets), y, (lo + i) * outSize, pixels, j0,
                            j1, false)));
        } else {
            forEachColumnRange(g.n(), pixels, (img, j0, j1) -> {
                Gemm.BPanels b = g.isPointwise() ? Gemm.strided(x, img * inSize, pixels, 1)
                        : im2colPanels(x, img * inSize, g, taps);
                Gemm.multiplyColumns(w, b, y, img * outSize, pixels, j0, j1, false);
            });
        }
        w.free();
        return y;
    }

    /** One task of {@link #forEachColumnRange}: columns [j0, j1) of image img's product. */
    @FunctionalInterface
    interface ColumnRange {
        void run(int img, int j0, int j1);
    }

    /**
     * The split of the per-image products: each image's columns in ranges of whole GEMM panels, about four per
     * image (at least four panels each), all images' ranges in one parallel loop with no barrier between images.
     */
    static void forEachColumnRange(int images, int columns, ColumnRange task) {
        int nr = Gemm.panelWidth();
        int chunk = Math.max(4 * nr, (columns / 4 + nr - 1) / nr * nr);
        int perImage = (columns + chunk - 1) / chunk;
        Parallel.forEach(images * perImage, t -> {
            int j0 = (t % perImage) * chunk;
            task.run(t / perImage, j0, Math.min(columns, j0 + chunk));
        });
    }

    /**
     * Where each kernel tap reads, worked out once per convolution instead of with integer divisions for every run
     * of every panel: tap k = (ci, ky, kx) reads plane ci at offset (ky, kx), and for kernel column kx the output
     * columns [lo[kx], hi[kx]) fall inside the image (0 <= ox*stride - pad + kx < w).
     */
    record Taps(int[] plane, int[] ky, int[] kx, int[] lo, int[] hi) {
        static Taps of(ConvGeometry g) {
            int patch = g.patch();
            int[] plane = new int[patch];
            int[] ky = new int[patch];
            int[] kx = new int[patch];
            for (int k = 0; k < patch; k++) {
                plane[k] = k / (g.kh() * g.kw()) * g.inPixels();
                ky[k] = k % (g.kh() * g.kw()) / g.kw();
                kx[k] = k % g.kw();
            }
            int s = g.stride();
            int[] lo = new int[g.kw()];
            int[] hi = new int[g.kw()];
            for (int c = 0; c < g.kw(); c++) {
                int shift = c - g.pad();
                lo[c] = shift >= 0 ? 0 : (-shift + s - 1) / s;
                hi[c] = Math.max(lo[c], (g.w() - shift + s - 1) / s);
            }
            return new Taps(plane, ky, kx, lo, hi);
        }
    }

    /** The im2col matrix of one image (patch x outPixels) as GEMM panels, read straight from the image. */
    static Gemm.BPanels im2colPanels(float[] x, int xOff, ConvGeometry g) {
        return im2colPanels(x, xOff, g, Taps.of(g));
    }

    static Gemm.BPanels im2colPanels(float[] x, int xOff, ConvGeometry g, Taps taps) {
        int wo = g.wo();
        return (bp, pc, kc, jc, nc, nr) -> {
            // a panel's columns split into output-row segments: the same for every tap, so found once per panel
            int[] segStart = new int[nr + 1];
            int[] segOy = new int[nr + 1];
            int[] segOx = new int[nr + 1];
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int segs = 0;
                for (int done = 0; done < nn; segs++) {
                    int j = jc + jr + done;
                    segStart[segs] = done;
                    segOy[segs] = j / wo;
                    segOx[segs] = j - segOy[segs] * wo;
                    done += Math.min(nn - done, wo - segOx[segs]);
                }
                segStart[segs] = nn;
                for (int p = 0; p < kc; p++) {
                    int k = pc + p;
                    int ky = taps.ky()[k];
                    int kx = taps.kx()[k];
                    int plane = xOff + taps.plane()[k];
                    int dst = jr * kc + p * nr;
                    for (int sg = 0; sg < segs; sg++) {
                        int done = segStart[sg];
                        int len = segStart[sg + 1] - done;
                        int iy = segOy[sg] * g.stride() - g.pad() + ky;
                        if (iy < 0 || iy >= g.h()) {
                            Arrays.fill(bp, dst + done, dst + done + len, 0f);
                        } else {
                            rowTaps(x, plane + iy * g.w(), g, kx, taps.lo()[kx], taps.hi()[kx], segOx[sg], len, bp,
                                    dst + done);
                        }
                    }
                    Arrays.fill(bp, dst + nn, dst + nr, 0f);
                }
            }
        };
    }

    static float[] inputGrad(float[] gy, float[] wt, ConvGeometry g) {
        if (SmallImageConvolutions.applies(g)) {
            return SmallImageConvolutions.inputGrad(gy, wt, g);
        }
        // SIMD first, as in the forward: the class's vector constants need the jdk.incubator.vector module
        if (PHASE_WINOGRAD && SIMD && PhaseWinogradTransposed.applies(g)) {
            return PhaseWinogradTransposed.inputGrad(gy, wt, g);
        }
        return inputGradPerImage(gy, wt, g);
    }

    static float[] inputGradPerImage(float[] gy, float[] wt, ConvGeometry g) {
        // the transposed convolution has cin output channels: with few of them (an image's 3 or 10) its GEMM is too
        // thin, and the dcols + col2im route is faster
        if (g.stride() == 1 && g.kh() == g.kw() && g.pad() <= g.kh() - 1 && !g.isPointwise() && g.cin() >= 16) {
            return inputGradAsConv(gy, wt, g);
        }
        return inputGradByColumns(gy, wt, g);
    }

    /** dx = col2im(W^T * dy) one image at a time: the dcols route, for any geometry. */
    static float[] inputGradByColumns(float[] gy, float[] wt, ConvGeometry g) {
        boolean gather = Col2imStride2.applies(g);
        // the gathering col2im writes every element of dx; the scatter-add needs it zeroed
        float[] dx = gather ? ArrayPool.dirty(g.n() * g.cin() * g.inPixels())
                : ArrayPool.zeroed(g.n() * g.cin() * g.inPixels());
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        // the product overwrites every element of dcols
        float[] dcols = g.isPointwise() ? null : ArrayPool.dirty(g.patch() * g.outPixels());
        // W^T (patch x Cout): element (i, k) = w[k * patch + i], packed once for the batch
        Gemm.PackedA wT = Gemm.pack(Gemm.DEFAULT_KERNEL, g.patch(), g.cout(), wt, 0, 1, g.patch());
        for (int img = 0; img < g.n(); img++) {
            float[] c = dcols != null ? dcols : dx;
            int cOff = dcols != null ? 0 : img * inSize;
            Gemm.multiply(wT, g.outPixels(), gy, img * outSize, g.outPixels(), 1, c, cOff, g.outPixels(), false);
            if (gather) {
                Col2imStride2.col2im(dcols, g, dx, img * inSize);
            } else if (dcols != null) {
                col2im(dcols, g, dx, img * inSize);
            }
        }
        ArrayPool.give(dcols);
        wT.free();
        return dx;
    }

    /**
     * For stride 1 the input gradient is itself a convolution: of dy with the kernel flipped in space and its
     * channel roles swapped, padded by k - 1 - pad. Running it through the forward path avoids the dcols buffer and
     * the scatter-add of col2im, except where the forward would not read its image in place and the depth is large
     * ({@link #COLUMNS_MIN_DEPTH}).
     */
    private static float[] inputGradAsConv(float[] gy, float[] wt, ConvGeometry g) {
        int k = g.kh();
        ConvGeometry t = new ConvGeometry(g.n(), g.cout(), g.ho(), g.wo(), g.cin(), k, k, 1, k - 1 - g.pad(), g.h(),
                g.w());
        boolean direct = DirectConvolutions.applies(t);
        boolean winograd = !direct && WINOGRAD && WinogradConvolutions.applies(t);
        if (!direct && !winograd && SIMD && !ImageForward.readsImage(t) && g.cout() >= COLUMNS_MIN_DEPTH) {
            return inputGradByColumns(gy, wt, g);
        }
        float[] flipped = ArrayPool.dirty(wt.length);
        for (int co = 0; co < g.cout(); co++) {
            for (int ci = 0; ci < g.cin(); ci++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        flipped[((ci * g.cout() + co) * k + ky) * k + kx] =
                                wt[((co * g.cin() + ci) * k + (k - 1 - ky)) * k + (k - 1 - kx)];
                    }
                }
            }
        }
        float[] dx = direct ? DirectConvolutions.forward(gy, flipped, t)
                : winograd ? WinogradConvolutions.forward(gy, flipped, t)
                : forwardPerImage(gy, flipped, t);
        ArrayPool.give(flipped);
        return dx;
    }

    /**
     * Output channels (the dcols product's depth) from which a stride-1 input gradient whose transposed convolution
     * would not read its image in place ({@link ImageForward#readsImage} false: the padded grid of
     * {@link ImageForward#forwardPitched}, or gathered panels) goes through dcols + col2im instead: that product has
     * no padding to compute (its columns are the output gradient's own pixels). Only the padded-grid case was
     * measured, the only one in SARGAN at batch 8 (harness, AMD Zen 5, 2 threads): the
     * SARB's at 64 px, [8,256,16,16] -> 18x18 with 256 channels, 9.2-10.1 -> 6.7-7.1 ms; with 64 channels
     * ([8,64,16,16] -> [8,256,18,18]) 2.2-3.0 against 2.7-3.0, so not there.
     */
    static final int COLUMNS_MIN_DEPTH = 256;

    /**
     * dW = dY * cols^T as ONE product over the whole batch: its inner dimension runs over every (image, output
     * pixel), so each weight's sum is one chain of multiply-adds of length N*Ho*Wo, stored once. (One product per
     * image, accumulated, had chains of Ho*Wo: 4 for a 2x2 output, and C written N times.)
     */
    static float[] weightGrad(float[] x, float[] gy, ConvGeometry g) {
        // before the direct route: the generator's first layer (10 -> 64, 7x7) 7.5 -> 6.4 ms at 64 px, 27.3 -> 22.4
        // at 128 px (harness, AMD Zen 5, 2 threads)
        if (WeightGradFromTaps.applies(g) && g.patch() > NARROW_PATCH) {
            return WeightGradFromTaps.weightGrad(x, gy, g);
        }
        if (DirectConvolutions.appliesToWeightGrad(g)) {
            return DirectConvolutions.weightGrad(x, gy, g);
        }
        if (FewChannelConvolutions.applies(g)) {
            return FewChannelConvolutions.weightGrad(x, gy, g);
        }
        if (SmallImageConvolutions.applies(g)) {
            return SmallImageConvolutions.weightGrad(x, gy, g);
        }
        if (!g.isPointwise() && g.patch() <= NARROW_PATCH) {
            return weightGradNarrow(x, gy, g);
        }
        if (!g.isPointwise()) {
            return weightGradInGroups(x, gy, g);
        }
        int pixels = g.outPixels();
        int depth = g.n() * pixels;
        int cout = g.cout();
        // dY as a (Cout x N*pixels) matrix: column (image, pixel)
        float[] dy = ArrayPool.dirty(cout * depth);
        Parallel.forEach(cout, co -> {
            for (int img = 0; img < g.n(); img++) {
                System.arraycopy(gy, (img * cout + co) * pixels, dy, co * depth + img * pixels, pixels);
            }
        });
        Gemm.PackedA a = Gemm.pack(Gemm.DEFAULT_KERNEL, cout, depth, dy, 0, depth, 1);
        float[] dw = ArrayPool.dirty(cout * g.patch());
        Gemm.multiply(a, g.patch(), pointwiseTransposedPanels(x, g), dw, 0, g.patch(), false);
        ArrayPool.give(dy);
        a.free();
        return dw;
    }

    /**
     * The same product over groups of two images ({@link PaddedImages#inGroups}), each added into dW in turn: the
     * padded copies and dY's rearranged columns exist for one group at a time, not for the whole batch (a chain of
     * multiply-adds per group instead of per batch: at least two images of 64+ output pixels here).
     */
    private static float[] weightGradInGroups(float[] x, float[] gy, ConvGeometry g) {
        float[] dw = ArrayPool.dirty(g.cout() * g.patch());
        int[] tapOffsets = PaddedImages.tapOffsets(g);
        PaddedImages.inGroups(x, g, PaddedImages.GROUP, (xps, lo, hi) ->
                groupProduct(xps, gy, g, tapOffsets, lo, hi, dw, lo > 0));
        return dw;
    }

    /**
     * One image group's share of dW: dW (+)= dY of images lo..hi, as a (Cout x images*pixels) matrix with column
     * (image, pixel), times their transposed im2col rows gathered from the padded copies xps[lo..hi).
     */
    private static void groupProduct(float[][] xps, float[] gy, ConvGeometry g, int[] tapOffsets, int lo, int hi,
            float[] dw, boolean accumulate) {
        int pixels = g.outPixels();
        int cout = g.cout();
        int depth = (hi - lo) * pixels;
        float[] dy = ArrayPool.dirty(cout * depth);
        Parallel.forEach(cout, co -> {
            for (int img = lo; img < hi; img++) {
                System.arraycopy(gy, (img * cout + co) * pixels, dy, co * depth + (img - lo) * pixels, pixels);
            }
        });
        Gemm.PackedA a = Gemm.pack(Gemm.DEFAULT_KERNEL, cout, depth, dy, 0, depth, 1);
        Gemm.BPanels all = PaddedImages.gatherTransposedPanels(xps, g, tapOffsets);
        int k0 = lo * pixels;
        Gemm.multiply(a, g.patch(), (bp, pc, kc, jc, nc, nr) -> all.pack(bp, k0 + pc, kc, jc, nc, nr), dw, 0,
                g.patch(), accumulate);
        ArrayPool.give(dy);
        a.free();
    }

    /**
     * Weight gradients with at most this many columns (the patch: the discriminator's first layer, 3 x 4 x 4 = 48)
     * go through {@link #weightGradNarrow}.
     */
    static final int NARROW_PATCH = 64;

    /**
     * {@link #weightGradInGroups} for a narrow dW (few columns, many rows of k): there each group's product is too
     * small to split well (1-2 panels of columns, so split by rows, and every task gathered the same B panels again;
     * 27 GFLOP/s for the 3 -> 64 4x4 layer at 64 px). Here the groups themselves run in parallel, each product on
     * one thread into a partial dW of its own, and the partials are added in group order: the groups are fixed
     * ({@link PaddedImages#GROUP}), so the result does not depend on the thread count.
     */
    private static float[] weightGradNarrow(float[] x, float[] gy, ConvGeometry g) {
        int group = PaddedImages.GROUP;
        int groups = (g.n() + group - 1) / group;
        int[] tapOffsets = PaddedImages.tapOffsets(g);
        float[][] partial = new float[groups][];
        Parallel.forEach(groups, t -> {
            int lo = t * group;
            int hi = Math.min(g.n(), lo + group);
            float[][] xps = new float[g.n()][];
            for (int img = lo; img < hi; img++) {
                xps[img] = PaddedImages.padded(x, img, g);
            }
            // inside a parallel task the rearranging, the packing and the product all run on this thread
            partial[t] = ArrayPool.dirty(g.cout() * g.patch());
            groupProduct(xps, gy, g, tapOffsets, lo, hi, partial[t], false);
            for (int img = lo; img < hi; img++) {
                ArrayPool.give(xps[img]);
            }
        });
        float[] dw = partial[0];
        for (int t = 1; t < groups; t++) {
            float[] p = partial[t];
            for (int i = 0; i < dw.length; i++) {
                dw[i] += p[i];
            }
            ArrayPool.give(p);
        }
        return dw;
    }

    /** The reference route: one product per image, accumulated into dW (kept to check the batched one against). */
    static float[] weightGradPerImage(float[] x, float[] gy, ConvGeometry g) {
        float[] dw = ArrayPool.zeroed(g.cout() * g.patch());
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        int pixels = g.outPixels();
        for (int img = 0; img < g.n(); img++) {
            ConvGeometry one = new ConvGeometry(1, g.cin(), g.h(), g.w(), g.cout(), g.kh(), g.kw(), g.stride(), g.pad(),
                    g.ho(), g.wo());
            float[] xi = Arrays.copyOfRange(x, img * inSize, (img + 1) * inSize);
            Gemm.BPanels b = g.isPointwise() ? pointwiseTransposedPanels(xi, one) : im2colTransposedPanels(xi, one);
            Gemm.PackedA a = Gemm.pack(Gemm.DEFAULT_KERNEL, g.cout(), pixels, gy, img * outSize, pixels, 1);
            Gemm.multiply(a, g.patch(), b, dw, 0, g.patch(), img > 0);
        }
        return dw;
    }

    /** cols^T of a 1x1 convolution over the batch: B(k = (image, pixel), j = channel) = x[image][channel][pixel]. */
    private static Gemm.BPanels pointwiseTransposedPanels(float[] x, ConvGeometry g) {
        int pixels = g.inPixels();
        int inSize = g.cin() * pixels;
        return (bp, pc, kc, jc, nc, nr) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int base = jr * kc;
                for (int p = 0; p < kc; p++) {
                    int k = pc + p;
                    int src = (k / pixels) * inSize + (jc + jr) * pixels + k % pixels;
                    int dst = base + p * nr;
                    for (int j = 0; j < nn; j++) {
                        bp[dst + j] = x[src + j * pixels];
                    }
                    Arrays.fill(bp, dst + nn, dst + nr, 0f);
                }
            }
        };
    }

    /**
     * The transposed im2col matrix of the whole batch (N*outPixels x patch) as GEMM panels: row (image, output
     * pixel), column (ci, ky, kx). For each kernel tap of a panel, the run of output pixels is gathered from input
     * rows (as im2col does) and spread into the panel's column.
     */
    static Gemm.BPanels im2colTransposedPanels(float[] x, ConvGeometry g) {
        Taps taps = Taps.of(g);
        int wo = g.wo();
        int pixels = g.outPixels();
        int inSize = g.cin() * g.inPixels();
        ThreadLocal<float[]> runs = ThreadLocal.withInitial(() -> new float[0]);
        return (bp, pc, kc, jc, nc, nr) -> {
            float[] run = runs.get();
            if (run.length < kc) {
                run = new float[kc];
                runs.set(run);
            }
            // rows pc .. pc+kc split into output-row segments (of one image each): the same for every tap
            int[] segStart = new int[kc + 1];
            int[] segImg = new int[kc + 1];
            int[] segOy = new int[kc + 1];
            int[] segOx = new int[kc + 1];
            int segs = 0;
            for (int done = 0; done < kc; segs++) {
                int row = pc + done;
                int img = row / pixels;
                int pix = row - img * pixels;
                segStart[segs] = done;
                segImg[segs] = img * inSize;
                segOy[segs] = pix / wo;
                segOx[segs] = pix - segOy[segs] * wo;
                done += Math.min(kc - done, wo - segOx[segs]);
            }
            segStart[segs] = kc;
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int base = jr * kc;
                for (int j = 0; j < nr; j++) {
                    if (j >= nn) {
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * nr + j] = 0f;
                        }
                        continue;
                    }
                    int tap = jc + jr + j;
                    int ky = taps.ky()[tap];
                    int kx = taps.kx()[tap];
                    for (int sg = 0; sg < segs; sg++) {
                        int done = segStart[sg];
                        int len = segStart[sg + 1] - done;
                        int iy = segOy[sg] * g.stride() - g.pad() + ky;
                        if (iy < 0 || iy >= g.h()) {
                            Arrays.fill(run, done, done + len, 0f);
                        } else {
                            rowTaps(x, segImg[sg] + taps.plane()[tap] + iy * g.w(), g, kx, taps.lo()[kx],
                                    taps.hi()[kx], segOx[sg], len, run, done);
                        }
                    }
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * nr + j] = run[p];
                    }
                }
            }
        };
    }

    /**
     * Output pixels [ox0, ox0 + len) of one row for one kernel tap: a shifted (and strided) copy of an input row,
     * zero where the tap falls outside the image; [loK, hiK) are the columns inside it ({@link Taps}).
     */
    private static void rowTaps(float[] x, int row, ConvGeometry g, int kx, int loK, int hiK, int ox0, int len,
            float[] dst, int dstOff) {
        int s = g.stride();
        int shift = kx - g.pad();
        int lo = Math.max(ox0, Math.min(ox0 + len, loK));
        int hi = Math.max(lo, Math.min(ox0 + len, hiK));
        if (lo > ox0) {
            Arrays.fill(dst, dstOff, dstOff + lo - ox0, 0f);
        }
        if (s == 1) {
            int o = dstOff - ox0;
            int src = row + shift;
            for (int ox = lo; ox < hi; ox++) {
                dst[o + ox] = x[src + ox];
            }
        } else {
            for (int ox = lo; ox < hi; ox++) {
                dst[dstOff + ox - ox0] = x[row + ox * s + shift];
            }
        }
        if (hi < ox0 + len) {
            Arrays.fill(dst, dstOff + hi - ox0, dstOff + len, 0f);
        }
    }

    /** Adjoint of im2col: adds every column entry back onto the input pixel it came from. */
    static void col2im(float[] cols, ConvGeometry g, float[] dx, int dxOff) {
        int khw = g.kh() * g.kw();
        int ho = g.ho();
        int wo = g.wo();
        int s = g.stride();
        // each input channel's plane is written only by its own rows: channels run in parallel without races
        Parallel.forEach(g.cin(), ci -> {
            int plane = dxOff + ci * g.inPixels();
            for (int t = 0; t < khw; t++) {
                int ky = t / g.kw();
                int kx = t % g.kw();
                int src = (ci * khw + t) * ho * wo;
                int shift = kx - g.pad();
                int lo = shift >= 0 ? 0 : (-shift + s - 1) / s;
                int hi = Math.min(wo, (g.w() - shift + s - 1) / s);
                for (int oy = 0; oy < ho; oy++, src += wo) {
                    int iy = oy * s - g.pad() + ky;
                    if (iy < 0 || iy >= g.h()) {
                        continue;
                    }
                    int row = plane + iy * g.w() + shift;
                    if (s == 1 && SIMD) {
                        // runs as short as a row (16 at 64 px): too short for the JIT's own vector loop
                        VectorLoops.addInto(dx, row + lo, cols, src + lo, hi - lo);
                        continue;
                    }
                    for (int ox = lo; ox < hi; ox++) {
                        dx[row + ox * s] += cols[src + ox];
                    }
                }
            }
        });
    }
}
