package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.sargan.core.ops.Convolutions;

/**
 * The finite-difference checker's negative controls, and the gradient-penalty path end to end; written once, run on
 * every backend. The checks of each op, first and second order, run per family ({@code ops/*Test}, from
 * {@link OpTable}).
 */
public class GradientTest extends BackendSuite {
    private static Tensor rand(Random r, int... shape) {
        return GradCheck.awayFromZero(r, shape);
    }

    /**
     * The gradient of || d sum(f(x)) / dx || with respect to conv weights, f = LeakyReLU(conv2d),
     * exactly as the WGAN-GP penalty differentiates the critic.
     */
    @Test
    void penaltyNormGradientThroughConvAndLeakyRelu() {
        // The inner gradient depends on which LeakyReLU branch each pre-activation takes, so it jumps where a
        // pre-activation crosses zero; finite differences are only meaningful away from there. Draw inputs until
        // every pre-activation is further from zero than one finite-difference step can move it.
        Tensor[] in = null;
        for (long seed = 3; in == null; seed++) {
            Random r = new Random(seed);
            Tensor[] candidate = {rand(r, 2, 2, 5, 5), rand(r, 3, 2, 4, 4).mul(0.5f), rand(r, 3)};
            float[] pre = Convolutions.conv2d(candidate[0], candidate[1], candidate[2], 2, 1).toArray();
            double closest = Double.MAX_VALUE;
            for (float v : pre) {
                closest = Math.min(closest, Math.abs(v));
            }
            in = closest > 3 * Tolerances.FD_EPS ? candidate : null;
        }
        GradCheck.check("|| d sum(leaky(conv(x, w))) / dx ||", v -> {
            Tensor y = Convolutions.conv2d(v[0], v[1], v[2], 2, 1).leakyRelu(0.01f);
            Tensor g = Autograd.grad(new Tensor[] {y.sum()}, new Tensor[] {v[0]}, null, true)[0];
            Tensor norms = g.pow(2f).sum(new int[] {1, 2, 3}, false).sqrt();
            return norms.add(-1f).pow(2f).mean();
        }, in);
    }

    /** Negative control: a deliberately wrong backward (3x instead of 2x for x^2) must fail the checker. */
    @Test
    void wrongFirstDerivativeFails() {
        Function<Tensor[], Tensor> badSquare = x -> {
            Tensor y = x[0].detach().mul(x[0].detach());
            Tensor in = x[0];
            return Autograd.record("bad_square", y, new Tensor[] {in}, (gy, needs) -> new Tensor[] {
                gy.mul(in).mul(3f)});
        };
        Tensor x = rand(new Random(5), 4);
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.check("bad square", badSquare, x));
        Assertions.assertTrue(e.getMessage().contains("gradient mismatch"), e.getMessage());
    }

    /**
     * Negative control for double backward: a backward that is right to first order but built from a constant
     * (so nothing flows through it a second time) must fail the second-order check.
     */
    @Test
    void gradientThatIsNotDifferentiableFailsSecondOrder() {
        Function<Tensor[], Tensor> constGradSquare = x -> {
            Tensor y = x[0].detach().mul(x[0].detach());
            Tensor in = x[0];
            return Autograd.record("square_detached_grad", y, new Tensor[] {in}, (gy, needs) -> new Tensor[] {
                gy.mul(in.detach().mul(2f))});
        };
        Tensor x = rand(new Random(6), 4);
        GradCheck.check("first order is right", constGradSquare, x);
        assertThrows(AssertionError.class,
                () -> GradCheck.check("second order", GradCheck.gradientOf(constGradSquare, 0), x));
    }
}
