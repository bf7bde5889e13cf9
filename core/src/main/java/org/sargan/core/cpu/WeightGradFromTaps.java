package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * A convolution's weight gradient as dW^T = cols * dY^T (patch x Cout): the im2col matrix cols is the product's
 * left operand, read by the micro-kernel straight from each zero-padded image ({@link VectorGemmKernel#runTapsA8}:
 * 8 taps broadcast at each output pixel), and dY^T, small and reused by every row, is the packed right operand.
 * The route it replaces ({@link CpuConvolutions}'s weightGradInGroups, dW = dY * cols^T) gathers cols^T into
 * packed B panels, one load per element, which held its products at 290-390 GFLOP/s in a 64 px G step (AMD Zen 5,
 * 2 threads).
 *
 * <pre>
 *   dWT[t][co] = sum over images n, output pixels p of  xp_n[taps[t] + corner[p]] * dY[n][co][p]
 * </pre>
 * Images in groups ({@link PaddedImages#GROUP}, so only a group's padded copies exist at once), each image's pixels
 * in blocks of {@link #KC}, in that order for every element: the threads split the patch's rows only, so results do
 * not depend on the thread count. Needs the 8-row SIMD kernel and Cout in whole panels; a patch that is not a whole
 * number of 8-row blocks (the generator's 7x7 first layer: 490) is computed with the last tap repeated.
 *
 * <p>Measured against the gathered route (harness, AMD Zen 5, 2 threads, min of 5-17 calls, ms): [8,64,64,64] ->
 * 128 4x4 s2 6.93 -> 5.83, at 128 px 26.9 -> 23.2; [8,256,18,18] -> 64 3x3 2.11 -> 1.55; [16,64,32,32] -> 128
 * 4.24 -> 3.75; the 256-channel layers within 3% either way. Images of fewer than {@link #KC} output pixels are left
 * to the gathered route: with blocks of 64 pixels (8x8 outputs) this one was 1.5x slower.
 */
final class WeightGradFromTaps {
    /** Output pixels per block: the packed dY^T panel (KC x 32 floats, 32 KiB) stays in L1 across the row blocks. */
    private static final int KC = 256;
    /** Patch rows per task: a few tasks per thread, whole 8-row blocks. */
    private static final int TASK_ROWS = 64;
    /** Patch rows per block of the final transpose: 16 rows of up to 512 channels are 32 KiB. */
    private static final int TRANSPOSE_ROWS = 16;

    private WeightGradFromTaps() {
    }

    static boolean applies(ConvGeometry g) {
        return SimdSupport.enabled() && VectorGemmKernel.MR == 8 && !g.isPointwise()
                && g.cout() % VectorGemmKernel.NR == 0 && g.outPixels() >= KC;
    }

    static float[] weightGrad(float[] x, float[] gy, ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("weight gradient from taps: needs the 8-row SIMD kernel and output"
                    + " channels in panels of " + (SimdSupport.enabled() ? VectorGemmKernel.NR
                    : "(SIMD off)") + "; got " + g);
        }
        int patch = g.patch();
        int cout = g.cout();
        int pixels = g.outPixels();
        int nr = VectorGemmKernel.NR;
        int panels = cout / nr;
        // the patch rounded up to whole 8-row blocks: the extra rows repeat the last tap and are dropped at the end
        int rows = (patch + 7) / 8 * 8;
        int[] taps = java.util.Arrays.copyOf(PaddedImages.tapOffsets(g), rows);
        java.util.Arrays.fill(taps, patch, rows, taps[patch - 1]);
        int wp = g.w() + 2 * g.pad();
        int[] kmap = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            kmap[p] = (p / g.wo()) * g.stride() * wp + (p % g.wo()) * g.stride();
        }
        float[] dwT = ArrayPool.dirty(rows * cout);
        // image i of a group, panel q: dY^T (pixels x 32 couts) k-major at (i * panels + q) * pixels * nr
        int group = PaddedImages.GROUP;
        float[] bp = ArrayPool.dirty(Math.min(group, g.n()) * panels * pixels * nr);
        int tasks = (rows + TASK_ROWS - 1) / TASK_ROWS;
        PaddedImages.inGroups(x, g, group, (xps, lo, hi) -> {
            Parallel.forEach((hi - lo) * panels, u -> {
                int img = lo + u / panels;
                int q = u % panels;
                int dst = u * pixels * nr;
                for (int j = 0; j < nr; j++) {
                    int src = (img * cout + q * nr + j) * pixels;
                    for (int p = 0; p < pixels; p++) {
                        bp[dst + p * nr + j] = gy[src + p];
                    }
                }
            });
            Parallel.forEach(tasks, t -> {
                int r1 = Math.min(rows, (t + 1) * TASK_ROWS);
                for (int img = lo; img < hi; img++) {
                    float[] xp = xps[img];
                    for (int p0 = 0; p0 < pixels; p0 += KC) {
                        int kc = Math.min(KC, pixels - p0);
                        boolean overwrite = img == 0 && p0 == 0;
                        for (int q = 0; q < panels; q++) {
                            int bo = ((img - lo) * panels + q) * pixels * nr + p0 * nr;
                            for (int r = t * TASK_ROWS; r < r1; r += 8) {
                                VectorGemmKernel.runTapsA8(kc, xp, taps, r, kmap, p0, bp, bo, dwT, r * cout + q * nr,
                                        cout, overwrite);
                            }
                        }
                    }
                }
            });
        });
        ArrayPool.give(bp);
        float[] dw = ArrayPool.dirty(cout * patch);
        // dW = (dW^T)^T in blocks of TRANSPOSE_ROWS patch rows: the block's rows of dW^T stay in L1 while every
        // output channel's run of the block is written (a column at a time through all of dW^T missed the cache on
        // every load: the SARB's 2304 x 256, 2 threads, 0.38-0.39 -> 0.17-0.19 ms)
        Parallel.forEach((patch + TRANSPOSE_ROWS - 1) / TRANSPOSE_ROWS, b -> {
            int t0 = b * TRANSPOSE_ROWS;
            int t1 = Math.min(patch, t0 + TRANSPOSE_ROWS);
            for (int co = 0; co < cout; co++) {
                for (int t = t0; t < t1; t++) {
                    dw[co * patch + t] = dwT[t * cout + co];
                }
            }
        });
        ArrayPool.give(dwT);
        return dw;
    }
}
