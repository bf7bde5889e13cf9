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
 * Used for the SARB's 256-channel 3x3 layers at 64 px and up (forward, and the input gradient, itself a stride-1
 * 3x3 convolution), where it is 1.1-1.6x faster than the GEMM route ({@link #MIN_TILES}). With SIMD the transforms run a vector of
 * tiles at a time ({@link WinogradVectors}). Work is split by tiles, channels and the 16 products, never along a
 * sum, so results do not depend on the thread count. The naive route it replaces stays in
 * {@link CpuConvolutions#forwardPerImage}.
 */
final class WinogradConvolutions {
    /**
     * Input and output channels from which the transforms pay for themselves (64-channel layers lost: 0.64
     * against 0.60 ms on [8,64,18,18]; 128 channels lost at 512 tiles, 2.72 against 1.85 ms on [8,128,18,18]).
     */
    static final int MIN_CHANNELS = 128;
    /**
     * Tiles (2x2 output blocks over the batch) from which the route pays. In a harness (AMD Zen 5, 2 threads, the
     * two routes alternated in one JVM, 28 calls each, min / median ms, 256 -> 256 channels) it already won at 256
     * tiles: 2,048 tiles (the SARB at 128 px) 14.0 / 14.9 against 20.8 / 21.8 by the GEMM route, 2,312 (its input
     * gradient) 19.0 / 20.4 against 27.2 / 28.5; 512 (64 px) 4.41 / 5.05 against 5.56 / 6.04, 648 (its input
     * gradient) 5.72 / 6.17 against 8.46 / 9.33; 256 (four images at 64 px) 2.29 / 3.04 against 2.79 / 3.34; lost
     * at 128 and 64 tiles. Inside a model step much of that gain is gone, for reasons not found (with caches
     * flushed between calls the harness still showed it): a 64 px D+G step's SARB rows, three alternated runs of
     * each route, took 12.2-16.0 ms against 10.5-13.9 (forward, D step) and 32.3-44.0 against 34.1-42.1 (input
     * gradient, G step); at 128 px the G forward's two SARB calls took 35.3-43.3 ms against 40.0-46.3. Those were
     * separate processes on a machine whose speed drifts by 20-50% within minutes; with the two routes alternated
     * call by call in one JVM (a harness setting this threshold between calls, 2026-12-03, same machine) the route
     * won at 512 tiles: the 64 px G forward min / median 49.0 / 51.8 -> 48.3 / 50.9 ms, faster in 27 of 40 pairs
     * (and 18 of 30, 26 of 30 in two earlier runs); a 64 px D+G step (its input gradients at 648 tiles as well)
     * 575 / 678 -> 555 / 670, faster in 9 of 16 pairs (8 of 16 in another run). So the route starts at 512 tiles:
     * the SARB at 64 px and up, batch 8.
     */
    static final int MIN_TILES = 512;
    /**
     * Tiles per group of images: bounds the transformed input and the products (16 x channels x tiles floats each).
     * With 1024 a 128 px D+G step peaked 70 MiB higher than by the GEMM route (2,043 against 1,973 MiB: the pool
     * keeps these arrays for the forward's and the input gradient's sizes); 256, 512 and 1024 ran equally fast.
     */
    private static final int GROUP_TILES = 256;
    /**
     * Whether the transforms run a vector of tiles at a time ({@link WinogradVectors}) and the products read V in
     * place (the SIMD GEMM kernel: both follow {@link SimdSupport#enabled()}).
     */
    private static final boolean SIMD = SimdSupport.enabled();
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(
            () -> SIMD ? new float[2 * WinogradVectors.lanes()] : null);

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
        Gemm.PackedA[] pa = transformWeights(wt, cout, cin);
        float[] y = ArrayPool.dirty(g.n() * cout * g.outPixels());
        int group = Math.max(1, Math.min(g.n(), GROUP_TILES / perImage));
        // with the SIMD kernel the products read V's rows where they lie, which needs whole panels of columns: the
        // tiles are rounded up to one, the extra columns zero (the input gradient's groups, 289 tiles at 128 px,
        // went through packed B panels: its products took 1.5x the in-place time per tile)
        boolean inPlace = SIMD;
        for (int lo = 0; lo < g.n(); lo += group) {
            int hi = Math.min(g.n(), lo + group);
            int tiles = (hi - lo) * perImage;
            int cols = inPlace ? (tiles + Gemm.panelWidth() - 1) / Gemm.panelWidth() * Gemm.panelWidth() : tiles;
            int ld = pitch(cols);
            int vs = spread(cin * ld);
            int ms = spread(cout * ld);
            float[] v = transformInput(x, g, lo, hi, th, tw, ld, vs, cols);
            float[] m = ArrayPool.dirty(16 * ms);
            // the 16 products are independent: one per task, each on one thread
            Parallel.forEach(16, xi -> {
                if (inPlace) {
                    int[] rows = new int[cin];
                    for (int ci = 0; ci < cin; ci++) {
                        rows[ci] = xi * vs + ci * ld;
                    }
                    Gemm.multiplyImage(pa[xi], v, rows, cols, 0, m, xi * ms, ld, 0, cols);
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
     * The extra 16 (or a vector, if longer) also hold the lanes the vector transforms compute past the last tile.
     */
    static int pitch(int tiles) {
        return (tiles + 15) / 16 * 16 + (SIMD ? Math.max(16, WinogradVectors.lanes()) : 16);
    }

    /**
     * U(xi)[co][ci] = (G g G^T)[xi] for the kernel g of (co, ci): 16 matrices of Cout x Cin, each written straight
     * into the GEMM's packed panels (as {@link Gemm#pack} lays them out; a separate packing pass cost as much as the
     * transform).
     */
    static Gemm.PackedA[] transformWeights(float[] wt, int cout, int cin) {
        Gemm.PackedA[] pa = new Gemm.PackedA[16];
        for (int xi = 0; xi < 16; xi++) {
            pa[xi] = Gemm.PackedA.unfilled(Gemm.DEFAULT_KERNEL, cout, cin);
        }
        // one task per panel of rows, its columns in order: each panel's floats are written consecutively
        int mr = pa[0].mk.mr();
        float[] u0 = pa[0].data, u1 = pa[1].data, u2 = pa[2].data, u3 = pa[3].data;
        float[] u4 = pa[4].data, u5 = pa[5].data, u6 = pa[6].data, u7 = pa[7].data;
        float[] u8 = pa[8].data, u9 = pa[9].data, u10 = pa[10].data, u11 = pa[11].data;
        float[] u12 = pa[12].data, u13 = pa[13].data, u14 = pa[14].data, u15 = pa[15].data;
        Parallel.forRange(cout, mr, (c0, c1) -> {
            for (int ci = 0; ci < cin; ci++) {
                for (int co = c0; co < c1; co++) {
                    int w = (co * cin + ci) * 9;
                    int at = pa[0].index(co, ci);
                    // Gg (4 x 3): rows of G times the kernel's columns; row r, column c is g{r}{c}
                    float g00 = wt[w];
                    float g01 = wt[w + 1];
                    float g02 = wt[w + 2];
                    float g30 = wt[w + 6];
                    float g31 = wt[w + 7];
                    float g32 = wt[w + 8];
                    float g10 = 0.5f * (g00 + wt[w + 3] + g30);
                    float g11 = 0.5f * (g01 + wt[w + 4] + g31);
                    float g12 = 0.5f * (g02 + wt[w + 5] + g32);
                    float g20 = 0.5f * (g00 - wt[w + 3] + g30);
                    float g21 = 0.5f * (g01 - wt[w + 4] + g31);
                    float g22 = 0.5f * (g02 - wt[w + 5] + g32);
                    // (Gg) G^T (4 x 4): row r of Gg (a, b, c) -> a, (a + b + c) / 2, (a - b + c) / 2, c
                    u0[at] = g00;
                    u1[at] = 0.5f * (g00 + g01 + g02);
                    u2[at] = 0.5f * (g00 - g01 + g02);
                    u3[at] = g02;
                    u4[at] = g10;
                    u5[at] = 0.5f * (g10 + g11 + g12);
                    u6[at] = 0.5f * (g10 - g11 + g12);
                    u7[at] = g12;
                    u8[at] = g20;
                    u9[at] = 0.5f * (g20 + g21 + g22);
                    u10[at] = 0.5f * (g20 - g21 + g22);
                    u11[at] = g22;
                    u12[at] = g30;
                    u13[at] = 0.5f * (g30 + g31 + g32);
                    u14[at] = 0.5f * (g30 - g31 + g32);
                    u15[at] = g32;
                }
            }
        });
        return pa;
    }

    /**
     * V(xi)[ci][t] = (B^T d B)[xi] for the input tile d of channel ci under tile t (images lo..hi, tiles row-major
     * within each image; matrix xi starts at xi * stride, its rows ld apart): tile (ty, tx) reads input rows
     * 2ty - pad .. 2ty - pad + 3 and the same columns, zero outside the image.
     */
    static float[] transformInput(float[] x, ConvGeometry g, int lo, int hi, int th, int tw, int ld, int stride,
            int cols) {
        int cin = g.cin();
        int h = g.h();
        int w = g.w();
        int p = g.pad();
        float[] v = ArrayPool.dirty(16 * stride);
        // a zero-padded plane covering every tile (2 th + 2 rows of 2 tw + 2): one per task, its border stays zero
        int hp = 2 * th + 2;
        int wp = 2 * tw + 2;
        if (SIMD) {
            // one task per channel, its images in order: a vector of tiles past an image's last tile writes into
            // the next image's places (WinogradVectors.inputTiles), which must come after it
            Parallel.forEach(cin, ci -> {
                float[] d = plane(hp * WinogradVectors.splitRow(tw));
                for (int img = lo; img < hi; img++) {
                    WinogradVectors.splitPlane(x, (img * cin + ci) * h * w, h, w, p, d, hp, tw);
                    WinogradVectors.inputTiles(d, th, tw, v, ci * ld + (img - lo) * th * tw, stride);
                }
                zeroColumns(v, ci * ld, stride, (hi - lo) * th * tw, cols);
            });
            return v;
        }
        Parallel.forEach((hi - lo) * cin, task -> {
            int img = lo + task / cin;
            int ci = task % cin;
            float[] d = plane(hp * wp);
            int src = (img * cin + ci) * h * w;
            for (int iy = 0; iy < h && iy + p < hp; iy++) {
                System.arraycopy(x, src + iy * w, d, (iy + p) * wp + p, Math.min(w, wp - p));
            }
            inputTiles(d, wp, th, tw, v, ci * ld + (img - lo) * th * tw, stride);
        });
        return v; // without SIMD the products pack their B panels: no columns are rounded up (cols == tiles)
    }

    private static final ThreadLocal<float[]> PLANE = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * This thread's zeroed scratch plane of n floats for the input transform, reused instead of one new array per
     * task (at 64 px 256 tasks of 3.7 KB a call).
     */
    private static float[] plane(int n) {
        float[] d = PLANE.get();
        if (d.length < n) {
            d = new float[n];
            PLANE.set(d);
        } else {
            java.util.Arrays.fill(d, 0, n, 0f);
        }
        return d;
    }

    /** Columns [tiles, cols) of row {@code row} of all 16 matrices of V: the products' round-up to whole panels. */
    private static void zeroColumns(float[] v, int row, int stride, int tiles, int cols) {
        for (int xi = 0; xi < 16; xi++) {
            java.util.Arrays.fill(v, xi * stride + row + tiles, xi * stride + row + cols, 0f);
        }
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
            if (SIMD) {
                WinogradVectors.outputTiles(m, co * ld + (img - lo) * th * tw, stride, th, tw, y,
                        (img * cout + co) * ho * wo, ho, wo, SCRATCH.get());
                return;
            }
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
