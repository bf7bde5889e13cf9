package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Stride-1 3x3 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): each 2x2 block of output pixels comes from a 4x4 tile of the input with 16
 * multiplies per (input, output) channel pair instead of 36, so the products do 2.25x fewer multiply-adds. The
 * three steps, with d a 4x4 input tile, g a 3x3 kernel and Y a 2x2 output block:
 * <pre>
 *   V = B^T d B    (16 values per input channel and tile)      B^T = | 1  0 -1  0 |
 *   U = G g G^T    (16 values per output/input channel pair)         | 0  1  1  0 |
 *   M(xi) = U(xi) * V(xi)   16 GEMMs (Cout x Cin) * (Cin x tiles)    | 0 -1  1  0 |
 *   Y = A^T M A                                                      | 0  1  0 -1 |
 *
 *   G = | 1    0    0   |    A^T = | 1  1  1  0 |
 *       | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
 *       | 1/2 -1/2  1/2 |
 *       | 0    0    1   |
 * </pre>
 * The transforms only add, subtract and halve, so the result differs from direct convolution by rounding alone (the
 * sums run in another order); {@code WinogradTest} bounds the difference against a double-precision reference.
 * Used for the SARB's 256-channel 3x3 layers at 128 px and up (forward, and the input gradient, itself a stride-1
 * 3x3 convolution), where it is 1.35-1.45x faster than the GEMM route; at 64 px the two break even. Work is split by tiles, channels and the 16 products, never
 * along a sum, so results do not depend on the thread count. The naive route it replaces stays in
 * {@link CpuConvolutions#forwardPerImage}.
 */
final class WinogradConvolutions {
    /**
     * Input and output channels from which the transforms pay for themselves (64-channel layers lost: 0.64
     * against 0.60 ms on [8,64,18,18]).
     */
    static final int MIN_CHANNELS = 128;
    /**
     * Tiles (2x2 output blocks over the batch) from which the route pays: the 16 weight transforms and packs cost
     * the same for any image size. Measured the same way (AMD Zen 5, 2 threads, each route's best of 9 in one JVM,
     * three runs): at 128 px the SARB layer took 14.9-16.3 ms against 20.9-21.3 by the GEMM route (2,048 tiles) and
     * its input gradient 18.3-19.3 against 27.0-27.4 (2,312 tiles); at 64 px 6.0-7.3 against 5.9-6.1 (512 tiles)
     * and 8.3-8.7 against 8.1-8.7 (648 tiles).
     */
    static final int MIN_TILES = 1024;
    /**
     * Tiles per group of images: bounds the transformed input and the products (16 x channels x tiles floats each).
     * With 1024 a 128 px D+G step peaked 70 MiB higher than by the GEMM route (2,043 against 1,973 MiB: the pool
     * keeps these arrays for the forward's and the input gradient's sizes); 256, 512 and 1024 ran equally fast.
     */
    private static final int GROUP_TILES = 256;

    private WinogradConvolutions() {
    }

    static boolean applies(ConvGeometry g) {
        return g.kh() == 3 && g.kw() == 3 && g.stride() == 1 && g.cin() >= MIN_CHANNELS && g.cout() >= MIN_CHANNELS
                && g.ho() >= 4 && g.wo() >= 4 && (long) g.n() * ((g.ho() + 1) / 2) * ((g.wo() + 1) / 2) >= MIN_TILES;
    }

    /** y (N, Cout, Ho, Wo) of a stride-1 3x3 convolution with any padding of at most 2. */
    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        if (g.kh() != 3 || g.kw() != 3 || g.stride() != 1 || g.pad() > 2) {
            throw new IllegalArgumentException("winograd: needs a stride-1 3x3 kernel with padding <= 2; got " + g);
        }
        int cin = g.cin();
        int cout = g.cout();
        int th = (g.ho() + 1) / 2;
        int tw = (g.wo() + 1) / 2;
        int perImage = th * tw;
        float[] u = transformWeights(wt, cout, cin);
        Gemm.PackedA[] pa = new Gemm.PackedA[16];
        int us = spread(cout * cin);
        Parallel.forEach(16, xi -> pa[xi] = Gemm.pack(Gemm.DEFAULT_KERNEL, cout, cin, u, xi * us, cin, 1));
        ArrayPool.give(u);
        float[] y = ArrayPool.dirty(g.n() * cout * g.outPixels());
        int group = Math.max(1, Math.min(g.n(), GROUP_TILES / perImage));
        for (int lo = 0; lo < g.n(); lo += group) {
            int hi = Math.min(g.n(), lo + group);
            int tiles = (hi - lo) * perImage;
            int ld = pitch(tiles);
            int vs = spread(cin * ld);
            int ms = spread(cout * ld);
            float[] v = transformInput(x, g, lo, hi, th, tw, ld, vs);
            float[] m = ArrayPool.dirty(16 * ms);
            // the 16 products are independent: one per task, each on one thread. With whole panels of tiles the
            // micro-kernel reads V's rows where they lie (no packed copy of B)
            boolean inPlace = Gemm.DEFAULT_KERNEL == Gemm.Kernel.SIMD && tiles % Gemm.panelWidth() == 0;
            Parallel.forEach(16, xi -> {
                if (inPlace) {
                    int[] rows = new int[cin];
                    for (int ci = 0; ci < cin; ci++) {
                        rows[ci] = xi * vs + ci * ld;
                    }
                    Gemm.multiplyImage(pa[xi], v, rows, tiles, 0, m, xi * ms, ld, 0, tiles);
                } else {
                    Gemm.multiply(pa[xi], tiles, v, xi * vs, ld, 1, m, xi * ms, ld, false);
                }
            });
            ArrayPool.give(v);
            transformOutput(m, g, lo, hi, th, tw, ld, ms, y);
            ArrayPool.give(m);
        }
        for (Gemm.PackedA p : pa) {
            p.free();
        }
        return y;
    }

    /**
     * The distance between two of the 16 matrices of V or M: a whole number of 4 KiB pages would put the 16 values
     * of one tile, written (or read) together, in the same L1 cache set; this staggers them by 256 bytes.
     */
    static int spread(int size) {
        return (size + 1023) / 1024 * 1024 + 64;
    }

    /**
     * The row length of V and M for this many tiles: a multiple of 16 floats plus 16, so that rows a power of two
     * long (512 tiles: 2 KiB) do not fall into two cache sets when the micro-kernel walks down a column of them.
     */
    static int pitch(int tiles) {
        return (tiles + 15) / 16 * 16 + 16;
    }

    /** U(xi)[co][ci] = (G g G^T)[xi] for the kernel g of (co, ci): 16 matrices of Cout x Cin, xi at xi * spread. */
    static float[] transformWeights(float[] wt, int cout, int cin) {
        int plane = spread(cout * cin);
        float[] u = ArrayPool.dirty(16 * plane);
        int pairs = cout * cin;
        Parallel.forRange(pairs, 256, (lo, hi) -> {
            float[] gg = new float[12];
            for (int pair = lo; pair < hi; pair++) {
                int w0 = pair * 9;
                // Gg (4 x 3): rows of G times the kernel's columns
                for (int c = 0; c < 3; c++) {
                    float g0 = wt[w0 + c];
                    float g1 = wt[w0 + 3 + c];
                    float g2 = wt[w0 + 6 + c];
                    gg[c] = g0;
                    gg[3 + c] = 0.5f * (g0 + g1 + g2);
                    gg[6 + c] = 0.5f * (g0 - g1 + g2);
                    gg[9 + c] = g2;
                }
                // (Gg) G^T (4 x 4)
                for (int r = 0; r < 4; r++) {
                    float a = gg[3 * r];
                    float b = gg[3 * r + 1];
                    float c = gg[3 * r + 2];
                    u[(4 * r) * plane + pair] = a;
                    u[(4 * r + 1) * plane + pair] = 0.5f * (a + b + c);
                    u[(4 * r + 2) * plane + pair] = 0.5f * (a - b + c);
                    u[(4 * r + 3) * plane + pair] = c;
                }
            }
        });
        return u;
    }

    /**
     * V(xi)[ci][t] = (B^T d B)[xi] for the input tile d of channel ci under tile t (images lo..hi, tiles row-major
     * within each image; matrix xi starts at xi * stride, its rows ld apart): tile (ty, tx) reads input rows
     * 2ty - pad .. 2ty - pad + 3 and the same columns, zero outside the image.
     */
    static float[] transformInput(float[] x, ConvGeometry g, int lo, int hi, int th, int tw, int ld, int stride) {
        int cin = g.cin();
        int h = g.h();
        int w = g.w();
        int p = g.pad();
        float[] v = ArrayPool.dirty(16 * stride);
        // a zero-padded plane covering every tile (2 th + 2 rows of 2 tw + 2): one per task, its border stays zero
        int hp = 2 * th + 2;
        int wp = 2 * tw + 2;
        Parallel.forEach((hi - lo) * cin, task -> {
            int img = lo + task / cin;
            int ci = task % cin;
            float[] d = new float[hp * wp];
            int src = (img * cin + ci) * h * w;
            for (int iy = 0; iy < h && iy + p < hp; iy++) {
                System.arraycopy(x, src + iy * w, d, (iy + p) * wp + p, Math.min(w, wp - p));
            }
            inputTiles(d, wp, th, tw, v, ci * ld + (img - lo) * th * tw, stride);
        });
        return v;
    }

    /** The 16 transformed values of every tile of one padded plane d, tile t's at v[out + t + xi * stride]. */
    private static void inputTiles(float[] d, int wp, int th, int tw, float[] v, int out, int stride) {
        for (int ty = 0; ty < th; ty++) {
            int r0 = 2 * ty * wp;
            int r1 = r0 + wp;
            int r2 = r1 + wp;
            int r3 = r2 + wp;
            for (int tx = 0; tx < tw; tx++, out++) {
                int c = 2 * tx;
                // B^T d: combine rows
                float a0 = d[r0 + c] - d[r2 + c];
                float a1 = d[r0 + c + 1] - d[r2 + c + 1];
                float a2 = d[r0 + c + 2] - d[r2 + c + 2];
                float a3 = d[r0 + c + 3] - d[r2 + c + 3];
                float b0 = d[r1 + c] + d[r2 + c];
                float b1 = d[r1 + c + 1] + d[r2 + c + 1];
                float b2 = d[r1 + c + 2] + d[r2 + c + 2];
                float b3 = d[r1 + c + 3] + d[r2 + c + 3];
                float e0 = d[r2 + c] - d[r1 + c];
                float e1 = d[r2 + c + 1] - d[r1 + c + 1];
                float e2 = d[r2 + c + 2] - d[r1 + c + 2];
                float e3 = d[r2 + c + 3] - d[r1 + c + 3];
                float f0 = d[r1 + c] - d[r3 + c];
                float f1 = d[r1 + c + 1] - d[r3 + c + 1];
                float f2 = d[r1 + c + 2] - d[r3 + c + 2];
                float f3 = d[r1 + c + 3] - d[r3 + c + 3];
                // (B^T d) B: combine columns
                v[out] = a0 - a2;
                v[out + stride] = a1 + a2;
                v[out + 2 * stride] = a2 - a1;
                v[out + 3 * stride] = a1 - a3;
                v[out + 4 * stride] = b0 - b2;
                v[out + 5 * stride] = b1 + b2;
                v[out + 6 * stride] = b2 - b1;
                v[out + 7 * stride] = b1 - b3;
                v[out + 8 * stride] = e0 - e2;
                v[out + 9 * stride] = e1 + e2;
                v[out + 10 * stride] = e2 - e1;
                v[out + 11 * stride] = e1 - e3;
                v[out + 12 * stride] = f0 - f2;
                v[out + 13 * stride] = f1 + f2;
                v[out + 14 * stride] = f2 - f1;
                v[out + 15 * stride] = f1 - f3;
            }
        }
    }

    /** y's blocks for images lo..hi: Y = A^T M A per output channel and tile, the last row or column cut if odd. */
    static void transformOutput(float[] m, ConvGeometry g, int lo, int hi, int th, int tw, int ld, int stride,
            float[] y) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        Parallel.forEach((hi - lo) * cout, task -> {
            int img = lo + task / cout;
            int co = task % cout;
            outputTiles(m, co * ld + (img - lo) * th * tw, stride, th, tw, y, (img * cout + co) * ho * wo, ho, wo);
        });
    }

    /** One plane of y from its tiles' 16 products, tile t's at m[in + t + xi * stride]. */
    private static void outputTiles(float[] m, int in, int stride, int th, int tw, float[] y, int dst, int ho,
            int wo) {
        for (int ty = 0; ty < th; ty++) {
            for (int tx = 0; tx < tw; tx++, in++) {
                float m0 = m[in];
                float m1 = m[in + stride];
                float m2 = m[in + 2 * stride];
                float m3 = m[in + 3 * stride];
                float m4 = m[in + 4 * stride];
                float m5 = m[in + 5 * stride];
                float m6 = m[in + 6 * stride];
                float m7 = m[in + 7 * stride];
                float m8 = m[in + 8 * stride];
                float m9 = m[in + 9 * stride];
                float m10 = m[in + 10 * stride];
                float m11 = m[in + 11 * stride];
                float m12 = m[in + 12 * stride];
                float m13 = m[in + 13 * stride];
                float m14 = m[in + 14 * stride];
                float m15 = m[in + 15 * stride];
                // A^T M: rows 0+1+2 and 1-2-3
                float s0 = m0 + m4 + m8;
                float s1 = m1 + m5 + m9;
                float s2 = m2 + m6 + m10;
                float s3 = m3 + m7 + m11;
                float q0 = m4 - m8 - m12;
                float q1 = m5 - m9 - m13;
                float q2 = m6 - m10 - m14;
                float q3 = m7 - m11 - m15;
                int oy = 2 * ty;
                int ox = 2 * tx;
                int o = dst + oy * wo + ox;
                boolean right = ox + 1 < wo;
                y[o] = s0 + s1 + s2;
                if (right) {
                    y[o + 1] = s1 - s2 - s3;
                }
                if (oy + 1 < ho) {
                    y[o + wo] = q0 + q1 + q2;
                    if (right) {
                        y[o + wo + 1] = q1 - q2 - q3;
                    }
                }
            }
        }
    }
}
