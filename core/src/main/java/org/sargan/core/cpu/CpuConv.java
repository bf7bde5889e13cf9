package org.sargan.core.cpu;

import org.sargan.core.ConvSpec;

/**
 * Convolutions as matrix multiplies, one image at a time (x (N, Cin, H, W), w (Cout, Cin, KH, KW)):
 * <pre>
 *   cols = im2col(x_n)            (Cin*KH*KW, Ho*Wo)  the input patch under each output pixel, as a column
 *   y_n  = W * cols               (Cout, Ho*Wo)        forward
 *   dW  += dy_n * cols^T          (Cout, Cin*KH*KW)    weight gradient, summed over the batch
 *   dx_n = col2im(W^T * dy_n)                          input gradient (scatter-add of the patches)
 * </pre>
 * A 1x1 stride-1 unpadded convolution skips im2col (the image already is the matrix). Images are processed in
 * order and each GEMM is itself parallel, so results do not depend on the thread count.
 */
final class CpuConv {
    private CpuConv() {
    }

    /** Layout of one convolution: sizes derived from the input and weight shapes. */
    record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int ho, int wo) {
        static Geometry of(int[] xs, int[] ws, ConvSpec s) {
            return new Geometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], s.stride(), s.pad(),
                    s.outSize(xs[2], ws[2]), s.outSize(xs[3], ws[3]));
        }

        int patch() {
            return cin * kh * kw;
        }

        int outPixels() {
            return ho * wo;
        }

        int inPixels() {
            return h * w;
        }

        boolean isPointwise() {
            return kh == 1 && kw == 1 && stride == 1 && pad == 0;
        }
    }

    static float[] forward(float[] x, float[] wt, Geometry g) {
        float[] y = new float[g.n() * g.cout() * g.outPixels()];
        float[] cols = g.isPointwise() ? null : new float[g.patch() * g.outPixels()];
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        for (int img = 0; img < g.n(); img++) {
            float[] b = x;
            int bOff = img * inSize;
            if (cols != null) {
                im2col(x, bOff, g, cols);
                b = cols;
                bOff = 0;
            }
            Gemm.sgemm(g.cout(), g.outPixels(), g.patch(), wt, 0, g.patch(), 1, b, bOff, g.outPixels(), 1, y,
                    img * outSize, g.outPixels(), false);
        }
        return y;
    }

    static float[] inputGrad(float[] gy, float[] wt, Geometry g) {
        float[] dx = new float[g.n() * g.cin() * g.inPixels()];
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        float[] dcols = g.isPointwise() ? null : new float[g.patch() * g.outPixels()];
        for (int img = 0; img < g.n(); img++) {
            // W^T (patch x Cout): element (i, k) = w[k * patch + i]
            float[] c = dcols != null ? dcols : dx;
            int cOff = dcols != null ? 0 : img * inSize;
            Gemm.sgemm(g.patch(), g.outPixels(), g.cout(), wt, 0, 1, g.patch(), gy, img * outSize, g.outPixels(), 1, c,
                    cOff, g.outPixels(), false);
            if (dcols != null) {
                col2im(dcols, g, dx, img * inSize);
            }
        }
        return dx;
    }

    static float[] weightGrad(float[] x, float[] gy, Geometry g) {
        float[] dw = new float[g.cout() * g.patch()];
        float[] cols = g.isPointwise() ? null : new float[g.patch() * g.outPixels()];
        int inSize = g.cin() * g.inPixels();
        int outSize = g.cout() * g.outPixels();
        for (int img = 0; img < g.n(); img++) {
            float[] b = x;
            int bOff = img * inSize;
            if (cols != null) {
                im2col(x, bOff, g, cols);
                b = cols;
                bOff = 0;
            }
            // cols^T (outPixels x patch): element (k, j) = cols[j * outPixels + k]
            Gemm.sgemm(g.cout(), g.patch(), g.outPixels(), gy, img * outSize, g.outPixels(), 1, b, bOff, 1,
                    g.outPixels(), dw, 0, g.patch(), img > 0);
        }
        return dw;
    }

    /** Row (ci, ky, kx) of cols holds, for every output pixel, the input pixel that kernel tap sees (0 off-image). */
    static void im2col(float[] x, int xOff, Geometry g, float[] cols) {
        int rows = g.patch();
        int ho = g.ho();
        int wo = g.wo();
        int khw = g.kh() * g.kw();
        Parallel.forRange(rows, Math.max(1, rows / 16), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ci = r / khw;
                int ky = (r % khw) / g.kw();
                int kx = r % g.kw();
                int plane = xOff + ci * g.inPixels();
                int dst = r * ho * wo;
                for (int oy = 0; oy < ho; oy++, dst += wo) {
                    int iy = oy * g.stride() - g.pad() + ky;
                    if (iy < 0 || iy >= g.h()) {
                        java.util.Arrays.fill(cols, dst, dst + wo, 0f);
                        continue;
                    }
                    int row = plane + iy * g.w();
                    rowTaps(x, row, g, kx, cols, dst);
                }
            }
        });
    }

    /** One output row of one tap: a shifted (and strided) copy of an input row, zero outside the image. */
    private static void rowTaps(float[] x, int row, Geometry g, int kx, float[] cols, int dst) {
        int wo = g.wo();
        int s = g.stride();
        int shift = kx - g.pad();
        // valid ox: 0 <= ox*s + shift < w
        int lo = Math.min(wo, shift >= 0 ? 0 : (-shift + s - 1) / s);
        int hi = Math.max(lo, Math.min(wo, (g.w() - shift + s - 1) / s));
        java.util.Arrays.fill(cols, dst, dst + lo, 0f);
        if (s == 1) {
            System.arraycopy(x, row + lo + shift, cols, dst + lo, hi - lo);
        } else {
            for (int ox = lo; ox < hi; ox++) {
                cols[dst + ox] = x[row + ox * s + shift];
            }
        }
        java.util.Arrays.fill(cols, dst + hi, dst + wo, 0f);
    }

    /** Adjoint of im2col: adds every column entry back onto the input pixel it came from. */
    static void col2im(float[] cols, Geometry g, float[] dx, int dxOff) {
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
                    for (int ox = lo; ox < hi; ox++) {
                        dx[row + ox * s] += cols[src + ox];
                    }
                }
            }
        });
    }
}
