package org.sargan.nn;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions;

/** Transposed 2-D convolution with PyTorch's parameter names ({@code weight} (in, out, k, k), {@code bias}). */
public final class ConvTranspose2d extends Layer {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int pad;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2d(Random rng, int in, int out, int kernel, int stride, int pad, boolean bias) {
        Init.checkConv("ConvTranspose2d", in, out, kernel, stride, pad);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        int fanIn = out * kernel * kernel;
        this.weight = parameter("weight", Init.uniform(rng, fanIn, in, out, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.uniform(rng, fanIn, out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolutions.convTranspose2d(x, weight.get(), bias == null ? null : bias.get(), stride, pad, 0);
    }

    @Override
    public int[] outputShape(int[] s) {
        return new int[] {s[0], out, (s[2] - 1) * stride - 2 * pad + kernel, (s[3] - 1) * stride - 2 * pad + kernel};
    }

    @Override
    public String toString() {
        return "ConvTranspose2d(" + in + ", " + out + ", k=" + kernel + ", s=" + stride + ", p=" + pad
                + (bias == null ? ", no bias" : "") + ")";
    }
}
