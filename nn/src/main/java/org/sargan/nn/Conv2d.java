package org.sargan.nn;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Convolutions.Padding;

/** 2-D convolution with PyTorch's parameter names ({@code weight} (out, in, k, k), {@code bias} (out)). */
public final class Conv2d extends Layer {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int pad;
    private final Padding padding;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(Random rng, int in, int out, int kernel, int stride, int pad, boolean bias, Padding padding) {
        Init.checkConv("Conv2d", in, out, kernel, stride, pad);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        this.padding = padding;
        int fanIn = in * kernel * kernel;
        this.weight = parameter("weight", Init.uniform(rng, fanIn, out, in, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.uniform(rng, fanIn, out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolutions.conv2d(x, weight.get(), bias == null ? null : bias.get(), stride, pad, padding);
    }

    @Override
    public int[] outputShape(int[] s) {
        return new int[] {s[0], out, (s[2] + 2 * pad - kernel) / stride + 1, (s[3] + 2 * pad - kernel) / stride + 1};
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", k=" + kernel + ", s=" + stride + ", p=" + pad
                + (padding == Padding.REFLECT ? " reflect" : "") + (bias == null ? ", no bias" : "") + ")";
    }
}
