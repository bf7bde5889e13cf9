package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Stride-1 convolutions with at most {@link #MAX_OUT_CHANNELS} output channels: the generator's last layer (64 -> 3
 * colour channels, 7x7) and the attention map (64 -> 1, 3x3). As GEMMs these have 1-3 rows where the micro-kernel
 * computes 8, and their weight gradient has 3 x 3,136 outputs whose sums run over every pixel of the batch; they
 * ran at 10-15 GFLOP/s. Here they are direct loops over a zero-padded copy of each image, along output rows:
 * <pre>
 *   forward:  y[co][oy][:]   += w[co][ci][ky][kx] * xp[ci][oy + ky][kx :]          for every (ci, ky, kx)
 *   dW:       acc[co][ky][kx][:] += gy[co][oy][:] * xp[ci][oy + ky][kx :]          for every (image, oy)
 *             dw[co][ci][ky][kx] = sum of acc[co][ky][kx][:]                        (in lane order)
 * </pre>
 * With SIMD, {@link VectorLoops} keeps the partial sums in vector registers across taps (forward: same fused
 * multiply-adds in the same order as the plain loops, so the same floats; dW: partial sums per lane, reduced at
 * the end, so a different rounding from the plain loops). Each output element's sum runs in a fixed order and
 * every task owns its outputs (an image forward, an input channel for dW), so results do not depend on the thread
 * count.
 */
final class FewChannelConvolutions {
    static final int MAX_OUT_CHANNELS = 4;
    private static final boolean SIMD = SimdSupport.enabled();

    private FewChannelConvolutions() {
    }

    static boolean applies(ConvGeometry g) {
        return g.cout() <= MAX_OUT_CHANNELS && g.stride() == 1 && !g.isPointwise();
    }

    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int hp = g.h() + 2 * g.pad();
        int wp = g.w() + 2 * g.pad();
        int kh = g.kh();
        int kw = g.kw();
        float[] y = ArrayPool.dirty(g.n() * cout * ho * wo);
        int[] offsets = PaddedImages.tapOffsets(g);
        Parallel.forEach(g.n(), img -> {
            float[] xp = PaddedImages.padded(x, img, g);
            float[] acc = SIMD ? null : new float[wo];
            for (int co = 0; co < cout; co++) {
                for (int oy = 0; oy < ho; oy++) {
                    if (SIMD) {
                        VectorLoops.convRow(xp, offsets, oy * wp, wt, co * g.patch(), y,
                                ((img * cout + co) * ho + oy) * wo, wo);
                        continue;
                    }
                    java.util.Arrays.fill(acc, 0f);
                    for (int ci = 0; ci < g.cin(); ci++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int row = (ci * hp + oy + ky) * wp;
                            int wo0 = ((co * g.cin() + ci) * kh + ky) * kw;
                            for (int kx = 0; kx < kw; kx++) {
                                axpy(wt[wo0 + kx], xp, row + kx, acc, 0, wo);
                            }
                        }
                    }
                    System.arraycopy(acc, 0, y, ((img * cout + co) * ho + oy) * wo, wo);
                }
            }
            ArrayPool.give(xp);
        });
        return y;
    }

    static float[] weightGrad(float[] x, float[] gy, ConvGeometry g) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int hp = g.h() + 2 * g.pad();
        int wp = g.w() + 2 * g.pad();
        int kh = g.kh();
        int kw = g.kw();
        int taps = kh * kw;
        float[] dw = ArrayPool.zeroed(cout * g.patch());
        // the padded images, made once and shared (read only) by the channel tasks
        float[][] xps = new float[g.n()][];
        Parallel.forEach(g.n(), img -> xps[img] = PaddedImages.padded(x, img, g));
        if (SIMD && wo % VectorLoops.lanes() == 0) {
            Parallel.forEach(g.cin(), ci -> {
                for (int img = 0; img < g.n(); img++) {
                    for (int co = 0; co < cout; co++) {
                        int g0 = (img * cout + co) * ho * wo;
                        for (int ky = 0; ky < kh; ky++) {
                            int x0 = (ci * hp + ky) * wp;
                            int out = (co * g.cin() + ci) * taps + ky * kw;
                            int kx = 0;
                            for (; kx + 4 <= kw; kx += 4) {
                                VectorLoops.weightGradTaps4(gy, g0, wo, xps[img], x0 + kx, wp, ho, wo, dw, out + kx);
                            }
                            for (; kx < kw; kx++) {
                                VectorLoops.weightGradTap1(gy, g0, wo, xps[img], x0 + kx, wp, ho, wo, dw, out + kx);
                            }
                        }
                    }
                }
            });
            PaddedImages.giveAll(xps);
            return dw;
        }
        Parallel.forEach(g.cin(), ci -> {
            float[] acc = ArrayPool.zeroed(cout * taps * wo);
            for (int img = 0; img < g.n(); img++) {
                float[] xp = xps[img];
                for (int oy = 0; oy < ho; oy++) {
                    for (int co = 0; co < cout; co++) {
                        int grow = ((img * cout + co) * ho + oy) * wo;
                        for (int ky = 0; ky < kh; ky++) {
                            int row = (ci * hp + oy + ky) * wp;
                            for (int kx = 0; kx < kw; kx++) {
                                mulAdd(gy, grow, xp, row + kx, acc, ((co * taps) + ky * kw + kx) * wo, wo);
                            }
                        }
                    }
                }
            }
            for (int co = 0; co < cout; co++) {
                for (int t = 0; t < taps; t++) {
                    int a = (co * taps + t) * wo;
                    float s = 0f;
                    for (int i = 0; i < wo; i++) {
                        s += acc[a + i];
                    }
                    dw[(co * g.cin() + ci) * taps + t] = s;
                }
            }
        });
        PaddedImages.giveAll(xps);
        return dw;
    }

    /** acc[ao + i] += a * x[xo + i] for i below n, as fused multiply-adds. */
    private static void axpy(float a, float[] x, int xo, float[] acc, int ao, int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] = Math.fma(a, x[xo + i], acc[ao + i]);
        }
    }

    /** acc[ao + i] += u[uo + i] * v[vo + i] for i below n, as fused multiply-adds. */
    private static void mulAdd(float[] u, int uo, float[] v, int vo, float[] acc, int ao, int n) {
        for (int i = 0; i < n; i++) {
            acc[ao + i] = Math.fma(u[uo + i], v[vo + i], acc[ao + i]);
        }
    }
}
