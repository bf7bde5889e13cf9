package org.sargan.nn;

import java.util.Random;
import org.sargan.core.Tensor;

/**
 * PyTorch's default initialisation of convolutions: kaiming_uniform with a = sqrt(5) gives weights
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases use the same bound. For Conv2d fan_in = in_channels * k * k;
 * for ConvTranspose2d PyTorch takes dimension 1 of its (in, out, k, k) weight, so fan_in = out_channels * k * k.
 */
public final class Init {
    private Init() {
    }

    public static Tensor uniform(Random rng, int fanIn, int... shape) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return Tensor.uniform(rng, -bound, bound, shape);
    }

    /** Shared argument check of the convolution layers. */
    static void checkConv(String layer, int in, int out, int kernel, int stride, int pad) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException(layer + ": channels " + in + "->" + out + ", kernel " + kernel
                    + ", stride " + stride + ", padding " + pad + " must be positive (padding >= 0)");
        }
    }
}
