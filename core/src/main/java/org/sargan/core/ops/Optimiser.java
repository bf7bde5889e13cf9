package org.sargan.core.ops;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * The optimiser's update as one fused op per parameter: Adam in PyTorch's float order. Not differentiable (it runs
 * under no_grad), so it records no history.
 */
public final class Optimiser {
    private Optimiser() {
    }

    /** Adam's new parameter and moments: the names of PyTorch's state dict, exp_avg and exp_avg_sq. */
    public record AdamStep(Tensor param, Tensor expAvg, Tensor expAvgSq) {
    }

    /**
     * One Adam step of parameter p with gradient g: m' = b1 m + (1 - b1) g; v' = b2 v + (1 - b2) g^2;
     * p' = p - (m' / (sqrt(v') * invC2 + eps)) * lrOverC1, where lrOverC1 = lr / (1 - b1^t) and
     * invC2 = 1 / sqrt(1 - b2^t).
     *
     * @param m the first moment, or null on the first step (then m = v = 0)
     * @param v the second moment, or null on the first step
     */
    public static AdamStep adam(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1,
            float beta2, float eps) {
        Shape.checkSame("adam", p, g);
        Elementwise.backendOf("adam", p, g);
        if ((m == null) != (v == null)) {
            throw new IllegalArgumentException("adam: the moments come in pairs; got m " + (m == null ? "null"
                    : Shape.str(m.shape())) + " and v " + (v == null ? "null" : Shape.str(v.shape())));
        }
        if (m != null) {
            Shape.checkSame("adam", p, m);
            Shape.checkSame("adam", p, v);
            Elementwise.backendOf("adam", p, m);
            Elementwise.backendOf("adam", p, v);
        }
        Tensor[] r = p.backend().adamUpdate(p, g, m, v, lrOverC1, invC2, beta1, beta2, eps);
        return new AdamStep(r[0], r[1], r[2]);
    }
}
