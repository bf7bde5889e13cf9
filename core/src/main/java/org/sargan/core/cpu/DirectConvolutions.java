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
     * A channel count that is not a multiple of four runs as the next multiple, with zero weights for the extra
     * channels, whose outputs are dropped: the generator's last layer (3 channels) as one pass of four-channel blocks
     * reads each image vector once for all three instead of once per channel (measured 128 px, 2 cores: 45.8 ms a G
     * step at 108 GFLOP/s one channel at a time). Same floats: each kept output is the same chain of fused
     * multiply-adds in tap order.
     */
    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        int cout = g.cout();
        if (cout % 4 == 0) {
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
        float[][] xps = new float[g.n()][];
        Parallel.forEach(g.n(), img -> xps[img] = PaddedImages.padded(x, img, g));
        int blocks = (cout + 3) / 4;
        Parallel.forEach(g.n() * blocks, task -> {
            int img = task / blocks;
            int co = (task % blocks) * 4;
            float[] xp = xps[img];
            for (int oy = 0; oy < ho; oy++) {
                int out = ((img * cout + co) * ho + oy) * wo;
                for (int ox = 0; ox < wo; ox += seg) {
                    VectorLoops.rows4x4(wt, co * patch, patch, xp, oy * wp + ox, offsets, patch, y, out + ox,
                            ho * wo, false);
                }
            }
        });
        PaddedImages.giveAll(xps);
        return y;
    }
}
