package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.GradMode;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/**
 * Instance normalisation (per sample and channel over H x W, biased variance, affine), as SARGAN's generator uses
 * it at training and inference time alike.
 */
public final class Normalization {
    private static final int[] HW = {2, 3};
    private static final int[] NHW = {0, 2, 3};

    private Normalization() {
    }

    /**
     * {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}: x (N, C, H, W), gamma and beta (C).
     *
     * <p>The forward pass and the usual backward pass are one fused backend kernel each. When the backward pass is
     * itself recorded (create_graph), the gradient is instead composed from differentiable ops so that it can be
     * differentiated again.
     */
    public static Tensor instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        check(x, gamma, beta, eps);
        Tensor[] r = x.backend().instanceNorm(x, gamma, beta, eps);
        Tensor mean = r[1];
        Tensor rstd = r[2];
        return Autograd.record("instance_norm", r[0], new Tensor[] {x, gamma, beta}, (gy, needs) -> {
            if (GradMode.isEnabled()) {
                return composedGrad(gy, x, gamma, eps, needs);
            }
            return gy.backend().instanceNormGrad(gy, x, gamma, mean, rstd);
        });
    }

    private static void check(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Shape.checkRank("instance_norm", "input", x, 4, "(N, C, H, W)");
        int c = x.dim(1);
        for (Tensor p : new Tensor[] {gamma, beta}) {
            if (p.rank() != 1 || p.dim(0) != c) {
                throw new IllegalArgumentException("instance_norm: affine parameter " + Shape.str(p.shape())
                        + " does not match the " + c + " channels of input " + Shape.str(x.shape()));
            }
            Elementwise.backendOf("instance_norm", x, p);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("instance_norm: eps is " + eps + ", expected > 0");
        }
    }

    /**
     * {@code relu(instanceNorm(x))} as one op: the same floats as the two ops, forward and backward, but the
     * normalised values before the ReLU are never kept, and the ReLU's backward takes its mask from the output (y > 0
     * exactly where the normalised value was). That is one activation fewer per IN + ReLU layer held for backward
     * (the generator's full-resolution layers at 128 px are 32 MB each), and on the CPU one kernel each way
     * ({@link org.sargan.core.Backend#instanceNormRelu}) instead of two or three passes over x.
     */
    public static Tensor instanceNormRelu(Tensor x, Tensor gamma, Tensor beta, float eps) {
        check(x, gamma, beta, eps);
        Tensor[] r = x.backend().instanceNormRelu(x, gamma, beta, eps);
        Tensor y = r[0];
        Tensor mean = r[1];
        Tensor rstd = r[2];
        return Autograd.record("instance_norm_relu", y, new Tensor[] {x, gamma, beta}, (gy, needs) -> {
            if (GradMode.isEnabled()) {
                Tensor mask = gy.backend().unary(Unary.LEAKY_RELU_SLOPE, y, 0f);
                return composedGrad(Elementwise.mul(gy, mask), x, gamma, eps, needs);
            }
            return gy.backend().instanceNormReluGrad(gy, y, x, gamma, mean, rstd);
        });
    }

    /**
     * The same gradient as the fused kernel, from differentiable ops:
     * dx = rstd * (d xhat - mean(d xhat) - xhat * mean(d xhat * xhat)), with d xhat = gy * gamma.
     */
    private static Tensor[] composedGrad(Tensor gy, Tensor x, Tensor gamma, float eps, boolean[] needs) {
        Tensor mu = x.mean(HW, true);
        Tensor xc = x.sub(mu);
        Tensor rstd = xc.mul(xc).mean(HW, true).add(eps).pow(-0.5f);
        Tensor xhat = xc.mul(rstd);
        Tensor dx = null;
        if (needs[0]) {
            Tensor dxhat = gy.mul(Shapes.reshape(gamma, 1, -1, 1, 1));
            dx = rstd.mul(dxhat.sub(dxhat.mean(HW, true)).sub(xhat.mul(dxhat.mul(xhat).mean(HW, true))));
        }
        return new Tensor[] {
            dx,
            needs[1] ? gy.mul(xhat).sum(NHW, false) : null,
            needs[2] ? gy.sum(NHW, false) : null};
    }
}
