package org.sargan.core;

/**
 * Geometry of a 2-D convolution: the same stride and zero padding on both spatial axes (the kernel size comes
 * from the weight's shape). Output size per axis: {@code (in + 2 * pad - kernel) / stride + 1}.
 */
public record ConvSpec(int stride, int pad) {
    public ConvSpec {
        if (stride < 1) {
            throw new IllegalArgumentException("conv: stride is " + stride + ", expected >= 1");
        }
        if (pad < 0) {
            throw new IllegalArgumentException("conv: padding is " + pad + ", expected >= 0");
        }
    }

    /** Output length along one axis for input length {@code in} and kernel length {@code k}. */
    public int outSize(int in, int k) {
        return (in + 2 * pad - k) / stride + 1;
    }
}
