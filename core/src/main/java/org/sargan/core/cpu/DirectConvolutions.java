package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Stride-1 convolutions with wide output rows and up to {@link #MAX_OUT_CHANNELS} output channels, as direct loops
 * over a zero-padded copy of each image: the generator's first layer (10 -> 64 channels, 7x7, at 64 or 128 pixels a
 * row) and the transposed convolution that is its input gradient (64 -> 10). As a GEMM, every im2col element of
 * these layers is packed to take part in 64 multiply-adds or fewer, so packing cost as much as the multiply. Here
 * nothing is packed:
 * <pre>
 *   y[co .. co+3][oy][ox .. ox + 4 lanes] += w[co .. co+3][ci][ky][kx] * xp[ci][oy + ky][ox + kx ..]   every tap
 * </pre>
 * with sixteen vectors of outputs (four channels, four vectors of a row) in registers ({@link VectorLoops#rows4x4};
 * a channel count that is not a multiple of four is padded to one, see {@link #forward}). Each output
 * is one chain of fused multiply-adds in tap order, as in {@link FewChannelConvolutions}. One task per image and
 * block of channels, each writing only its own outputs: results do not depend on the thread count. SIMD only: the
 * plain-Java build keeps the GEMM route.
 */
final class DirectConvolutions {
    static final int MAX_OUT_CHANNELS = 64;
    private static final boolean SIMD = SimdSupport.enabled();

    private DirectConvolutions() {
    }

    static boolean applies(ConvGeometry g) {
        return SIMD && g.stride() == 1 && !g.isPointwise() && g.cout() <= MAX_OUT_CHANNELS
                && g.wo() % (4 * VectorLoops.lanes()) == 0;
    }

    /**
     * Blocks of four output channels, each image vector read once for the block. Three channels (the generator's
     * last layer) run as one block of three ({@link VectorLoops#rows3x4}; as a block of four with a channel of zero
     * weights, a quarter of its multiply-adds were wasted). Any other count that is not a multiple of four runs as
     * the next multiple, with zero weights for the extra channels, whose outputs are dropped (one channel at a time
     * the last layer had taken 45.8 ms of a 128 px G step, at 108 GFLOP/s). Same floats: each kept output is the
     * same chain of fused multiply-adds in tap order.
     */
    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        int cout = g.cout();
        if (cout % 4 == 0 || cout == 3) {
            return forwardBlocks(x, wt, g);
        }
        int cout4 = (cout + 3) / 4 * 4;
        int patch = g.patch();
        float[] wt4 = new float[cout4 * patch];
        System.arraycopy(wt, 0, wt4, 0, cout * patch);
        ConvGeometry g4 = new ConvGeometry(g.n(), g.cin(), g.h(), g.w(), cout4, g.kh(), g.kw(), g.stride(), g.pad(),
                g.ho(), g.wo());
        float[] y4 = forwardBlocks(x, wt4, g4);
        int plane = cout * g.outPixels();
        float[] y = ArrayPool.dirty(g.n() * plane);
        for (int img = 0; img < g.n(); img++) {
            System.arraycopy(y4, img * cout4 * g.outPixels(), y, img * plane, plane);
        }
        ArrayPool.give(y4);
        return y;
    }

    private static float[] forwardBlocks(float[] x, float[] wt, ConvGeometry g) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int wp = g.w() + 2 * g.pad();
        int patch = g.patch();
        int seg = 4 * VectorLoops.lanes();
        float[] y = ArrayPool.dirty(g.n() * cout * ho * wo);
        int[] offsets = PaddedImages.tapOffsets(g);
        // blocks of four channels; three channels (the generator's last layer) as one block of three
        int blocks = cout == 3 ? 1 : cout / 4;
        PaddedImages.inGroups(x, g, PaddedImages.parallelGroup(), (xps, lo, hi) -> {
            Parallel.forEach((hi - lo) * blocks, task -> {
                int img = lo + task / blocks;
                int co = (task % blocks) * 4;
                float[] xp = xps[img];
                for (int oy = 0; oy < ho; oy++) {
                    int out = ((img * cout + co) * ho + oy) * wo;
                    for (int ox = 0; ox < wo; ox += seg) {
                        if (cout == 3) {
                            VectorLoops.rows3x4(wt, 0, patch, xp, oy * wp + ox, offsets, patch, y, out + ox,
                                    ho * wo);
                        } else {
                            VectorLoops.rows4x4(wt, co * patch, patch, xp, oy * wp + ox, offsets, patch, y, out + ox,
                                    ho * wo, false);
                        }
                    }
                }
            });
        });
        return y;
    }

    /**
     * Whether {@link #weightGrad} takes g: 7-wide kernels with 3 to 64 output channels on rows of whole vectors (the
     * generator's first layer, 10 -> 64, and its last, 64 -> 3). With the 8-row SIMD kernel the first layer goes
     * through {@link WeightGradFromTaps} instead (checked first; 1.2x faster in a harness, AMD Zen 5, 2 threads).
     */
    static boolean appliesToWeightGrad(ConvGeometry g) {
        return SIMD && g.stride() == 1 && g.kw() == 7 && g.cout() >= 3 && g.cout() <= MAX_OUT_CHANNELS
                && g.wo() % VectorLoops.lanes() == 0;
    }

    /**
     * dW without im2col: for each block of three output channels, each input channel and kernel row, the seven taps
     * of the row as 21 vector sums along the output rows ({@link VectorLoops#weightGrad3x7}), over bands of rows that
     * keep the band's input rows in L1 and its output gradient (3 channels) in L2 (a band is at least 4096 pixels,
     * so the 21 reductions per band stay a small part of it). As a GEMM the first layer's 490 im2col columns had to
     * be gathered k-major from ten channels and 49 taps (83-149 GFLOP/s in a G step). Each task (a channel block and
     * a group of input channels) owns its outputs and adds images and bands in order: results do not depend on the
     * thread count. The images come a group at a time ({@link PaddedImages#inGroups}).
     */
    static float[] weightGrad(float[] x, float[] gy, ConvGeometry g) {
        int cout = g.cout();
        int cin = g.cin();
        int ho = g.ho();
        int wo = g.wo();
        int hp = g.h() + 2 * g.pad();
        int wp = g.w() + 2 * g.pad();
        int kh = g.kh();
        int taps = kh * 7;
        int plane = ho * wo;
        int band = Math.min(ho, Math.max(1, (4096 + wo - 1) / wo));
        float[] dw = ArrayPool.zeroed(cout * g.patch());
        int blocks = (cout + 2) / 3;
        // tasks: channel blocks x groups of input channels, at least four per thread (the last layer is one block)
        int groups = Math.min(cin, Math.max(1, 4 * Parallel.threads() / blocks));
        int perGroup = (cin + groups - 1) / groups;
        // images a few at a time, in order: each output still adds images (and bands) in the same order
        PaddedImages.inGroups(x, g, PaddedImages.parallelGroup(), (xps, lo, hi) -> {
            Parallel.forEach(blocks * groups, task -> {
                int co = 3 * (task / groups);
                int ci0 = (task % groups) * perGroup;
                int ci1 = Math.min(cin, ci0 + perGroup);
                for (int img = lo; img < hi; img++) {
                    float[] xp = xps[img];
                    for (int oy = 0; oy < ho; oy += band) {
                        int rows = Math.min(band, ho - oy);
                        for (int ci = ci0; ci < ci1; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int x0 = (ci * hp + oy + ky) * wp;
                                int out = (co * cin + ci) * taps + ky * 7;
                                int g0 = (img * cout + co) * plane + oy * wo;
                                if (co + 3 <= cout) {
                                    VectorLoops.weightGrad3x7(gy, g0, plane, wo, xp, x0, wp, rows, wo, dw, out,
                                            cin * taps);
                                    continue;
                                }
                                for (int c = co; c < cout; c++) {
                                    int gc = g0 + (c - co) * plane;
                                    int oc = out + (c - co) * cin * taps;
                                    VectorLoops.weightGradTaps4(gy, gc, wo, xp, x0, wp, rows, wo, dw, oc);
                                    for (int kx = 4; kx < 7; kx++) {
                                        VectorLoops.weightGradTap1(gy, gc, wo, xp, x0 + kx, wp, rows, wo, dw,
                                                oc + kx);
                                    }
                                }
                            }
                        }
                    }
                }
            });
        });
        return dw;
    }
}
