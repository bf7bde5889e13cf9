package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Convolutions whose output images are tiny (the discriminator's last layers: 4x4, 2x2 and 1x1 outputs with 512 to
 * 2048 channels). Done one image at a time, as in {@link CpuConvolutions}, their products are needle-thin: a
 * 1024-channel 2x2 output is a GEMM with 4 columns (padded to a 32-wide panel), so those layers ran at 12-25
 * GFLOP/s. Here the whole batch goes through one product, with the batch's output pixels as the GEMM's rows (the
 * weight gradient is batched for every size):
 * <pre>
 *   colsT = im2col of every image, transposed   (N*Ho*Wo, patch)   row j = (image, output pixel)
 *   yT    = colsT * W^T                         (N*Ho*Wo, Cout)     forward
 *   dcolsT = dyT * W                            (N*Ho*Wo, patch)    input gradient, then col2im
 * </pre>
 * The weight matrix is never packed: {@link InPlaceProducts} reads it where it lies, once per product (packing
 * 32 MiB of weights, as A or as B panels, cost more than the multiply); with the 8-row SIMD kernel the forward
 * streams it through the GEMM micro-kernel instead ({@link WeightRowsProduct}, 1.1-1.4x the dot products). Every
 * row's sums run in the same k order, and the threads split the outputs only (blocks of columns, or W's rows in
 * {@link WeightRowsProduct}), never a sum, so results do not depend on the thread count.
 */
final class SmallImageConvolutions {
    /** Output pixels per image below which the batched products win (measured: 4x4 and 2x2 outputs, 2-10x). */
    static final int MAX_OUT_PIXELS = 64;
    /**
     * Rows of C from which the gradients' products go through the packed {@link Gemm} instead of
     * {@link InPlaceProducts#rows}: packing B pays off once every packed float serves enough rows. Measured on an
     * AMD Zen 5, 2 threads (GFLOP/s, rows against GEMM): 32 x 8192 x 1024 191 / 154 and 64 x 4096 x 512 236 / 138,
     * but 128 x 4096 x 512 235 / 340, 256 x 4096 x 512 243 / 334 and 512 x 4096 x 256 249 / 408.
     */
    static final int GEMM_MIN_ROWS = 128;

    private SmallImageConvolutions() {
    }

    static boolean applies(ConvGeometry g) {
        return g.outPixels() < MAX_OUT_PIXELS && g.n() > 1;
    }

    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        int rows = g.n() * g.outPixels();
        int patch = g.patch();
        int cout = g.cout();
        float[] colsT = im2colTransposed(x, g);
        if (WeightRowsProduct.applies(cout)) {
            // y' (Cout x rows) = W * colsT^T with W streamed in place: row co, column (image, pixel)
            float[] c = WeightRowsProduct.multiply(cout, rows, patch, wt, patch, colsT, patch);
            int ldc = WeightRowsProduct.paddedColumns(rows);
            int pix = g.outPixels();
            float[] y = ArrayPool.dirty(g.n() * cout * pix);
            for (int img = 0; img < g.n(); img++) {
                for (int co = 0; co < cout; co++) {
                    System.arraycopy(c, co * ldc + img * pix, y, (img * cout + co) * pix, pix);
                }
            }
            ArrayPool.give(c);
            ArrayPool.give(colsT);
            return y;
        }
        float[] yT = ArrayPool.dirty(rows * cout);
        // yT(row, channel) = colsT row . W row: both k-contiguous, the weights read once and never packed
        InPlaceProducts.dots(rows, cout, patch, colsT, patch, wt, patch, yT, cout);
        float[] y = ArrayPool.dirty(g.n() * cout * g.outPixels());
        int pix = g.outPixels();
        for (int img = 0; img < g.n(); img++) {
            for (int p = 0; p < pix; p++) {
                int src = (img * pix + p) * cout;
                for (int co = 0; co < cout; co++) {
                    y[(img * cout + co) * pix + p] = yT[src + co];
                }
            }
        }
        ArrayPool.give(colsT);
        ArrayPool.give(yT);
        return y;
    }

    static float[] inputGrad(float[] gy, float[] wt, ConvGeometry g) {
        int rows = g.n() * g.outPixels();
        int patch = g.patch();
        float[] dyT = transposedGradient(gy, g);
        float[] dcolsT = ArrayPool.dirty(rows * patch);
        product(rows, patch, g.cout(), dyT, g.cout(), wt, patch, dcolsT, patch);
        ArrayPool.give(dyT);
        float[] dx = col2imTransposed(dcolsT, g);
        ArrayPool.give(dcolsT);
        return dx;
    }

    /**
     * dW (Cout x patch) = dy (Cout x N*Ho*Wo) * colsT: the im2col rows of the whole batch are small here (N*Ho*Wo
     * of them), so they are made once and read in place, with the weight gradient written once, row by row.
     */
    static float[] weightGrad(float[] x, float[] gy, ConvGeometry g) {
        int rows = g.n() * g.outPixels();
        int pix = g.outPixels();
        int cout = g.cout();
        int patch = g.patch();
        float[] colsT = im2colTransposed(x, g);
        float[] dy = ArrayPool.dirty(cout * rows);
        for (int co = 0; co < cout; co++) {
            for (int img = 0; img < g.n(); img++) {
                System.arraycopy(gy, (img * cout + co) * pix, dy, co * rows + img * pix, pix);
            }
        }
        float[] dw = ArrayPool.dirty(cout * patch);
        product(cout, patch, rows, dy, rows, colsT, patch, dw, patch);
        ArrayPool.give(colsT);
        ArrayPool.give(dy);
        return dw;
    }

    /** Row-major C (m x n) = A (m x k) * B (k x n), by the faster route for m rows ({@link #GEMM_MIN_ROWS}). */
    private static void product(int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        if (m >= GEMM_MIN_ROWS) {
            Gemm.sgemm(m, n, k, a, 0, lda, 1, b, 0, ldb, 1, c, 0, ldc, false);
        } else {
            InPlaceProducts.rows(m, n, k, a, lda, b, ldb, c, ldc);
        }
    }

    /** Row (image, oy, ox) holds that output pixel's receptive field, tap (ci, ky, kx) at column ci*kh*kw+ky*kw+kx. */
    static float[] im2colTransposed(float[] x, ConvGeometry g) {
        int patch = g.patch();
        int pix = g.outPixels();
        float[] colsT = ArrayPool.zeroed(g.n() * pix * patch);
        Parallel.forEach(g.n(), img -> {
            for (int oy = 0; oy < g.ho(); oy++) {
                for (int ox = 0; ox < g.wo(); ox++) {
                    int dst = (img * pix + oy * g.wo() + ox) * patch;
                    for (int ci = 0; ci < g.cin(); ci++) {
                        int plane = (img * g.cin() + ci) * g.inPixels();
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.stride() - g.pad() + ky;
                            for (int kx = 0; kx < g.kw(); kx++, dst++) {
                                int ix = ox * g.stride() - g.pad() + kx;
                                if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                    colsT[dst] = x[plane + iy * g.w() + ix];
                                }
                            }
                        }
                    }
                }
            }
        });
        return colsT;
    }

    /** dyT[(image, pixel)][channel] = gy[image][channel][pixel]. */
    private static float[] transposedGradient(float[] gy, ConvGeometry g) {
        int pix = g.outPixels();
        int cout = g.cout();
        float[] dyT = ArrayPool.dirty(g.n() * pix * cout);
        for (int img = 0; img < g.n(); img++) {
            for (int co = 0; co < cout; co++) {
                int src = (img * cout + co) * pix;
                for (int p = 0; p < pix; p++) {
                    dyT[(img * pix + p) * cout + co] = gy[src + p];
                }
            }
        }
        return dyT;
    }

    /** Adjoint of {@link #im2colTransposed}: every entry added back onto the input pixel it came from. */
    private static float[] col2imTransposed(float[] dcolsT, ConvGeometry g) {
        int patch = g.patch();
        int pix = g.outPixels();
        float[] dx = ArrayPool.zeroed(g.n() * g.cin() * g.inPixels());
        // an image's gradient is written only from its own rows: images run in parallel without races
        Parallel.forEach(g.n(), img -> {
            for (int oy = 0; oy < g.ho(); oy++) {
                for (int ox = 0; ox < g.wo(); ox++) {
                    int src = (img * pix + oy * g.wo() + ox) * patch;
                    for (int ci = 0; ci < g.cin(); ci++) {
                        int plane = (img * g.cin() + ci) * g.inPixels();
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.stride() - g.pad() + ky;
                            for (int kx = 0; kx < g.kw(); kx++, src++) {
                                int ix = ox * g.stride() - g.pad() + kx;
                                if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                    dx[plane + iy * g.w() + ix] += dcolsT[src];
                                }
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }
}
