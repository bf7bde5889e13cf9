package org.sargan.core;

/**
 * The sizes of one convolution, derived from the input and weight shapes: x (n, cin, h, w), w (cout, cin, kh, kw),
 * output (n, cout, ho, wo). Shared by the backends, which lay the same product out as a GEMM of a (cout, patch)
 * weight matrix with (patch, pixels) image patches.
 */
public record ConvGeometry(int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int ho,
        int wo) {
    public static ConvGeometry of(int[] xs, int[] ws, ConvSpec s) {
        return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], s.stride(), s.pad(),
                s.outSize(xs[2], ws[2]), s.outSize(xs[3], ws[3]));
    }

    /** Values in one receptive field: cin * kh * kw, the GEMM's inner dimension. */
    public int patch() {
        return cin * kh * kw;
    }

    public int outPixels() {
        return ho * wo;
    }

    public int inPixels() {
        return h * w;
    }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && stride == 1 && pad == 0;
    }
}
