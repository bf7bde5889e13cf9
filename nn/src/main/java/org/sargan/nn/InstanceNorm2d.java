package org.sargan.nn;

import org.sargan.core.Tensor;
import org.sargan.core.ops.Normalization;

/**
 * Instance normalisation with affine parameters ({@code weight} = gamma, {@code bias} = beta), eps 1e-5, always
 * per-instance statistics (training and inference alike). PyTorch's running-statistics buffers are never used for
 * outputs and are not kept.
 */
public final class InstanceNorm2d extends Layer {
    private static final float EPS = 1e-5f;
    private final int channels;
    private final Parameter weight;
    private final Parameter bias;

    public InstanceNorm2d(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("InstanceNorm2d: channels is " + channels + ", expected > 0");
        }
        this.channels = channels;
        this.weight = parameter("weight", Tensor.ones(channels));
        this.bias = parameter("bias", Tensor.zeros(channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Normalization.instanceNorm(x, weight.get(), bias.get(), EPS);
    }

    /**
     * {@code relu(forward(x))} as one op (same floats), which does not keep the values before the ReLU for backward
     * ({@link Normalization#instanceNormRelu}); {@link Sequential} uses it for an InstanceNorm2d followed by a ReLU.
     */
    public Tensor forwardRelu(Tensor x) {
        return Normalization.instanceNormRelu(x, weight.get(), bias.get(), EPS);
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }

    @Override
    public String toString() {
        return "InstanceNorm2d(" + channels + ", affine)";
    }
}
