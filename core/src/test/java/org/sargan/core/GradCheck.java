package org.sargan.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Finite-difference gradient checker. For f with inputs x, it compares the autograd gradient of
 * {@code L = sum(f(x) * R)} (R a fixed random tensor) with central differences {@code (L(x+e) - L(x-e)) / 2e}
 * for every input element, and fails listing the first mismatches. f may itself compute a gradient with
 * create_graph: then this checks second derivatives.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Checks every input; throws AssertionError on a mismatch. */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] vars = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            vars[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(true);
        }
        Tensor out = f.apply(vars);
        float[] r = randomWeights(out.numel(), name.hashCode());
        Tensor weights = Tensor.of(r, out.shape());
        if (out.requiresGrad()) {
            out.mul(weights).sum().backward();
        }

        List<String> mismatches = new ArrayList<>();
        double worst = 0;
        for (int i = 0; i < inputs.length; i++) {
            float[] analytic = vars[i].grad() == null ? new float[inputs[i].numel()] : vars[i].grad().toArray();
            float[] x = inputs[i].toArray();
            for (int j = 0; j < x.length; j++) {
                double numeric = (loss(f, inputs, i, j, x[j] + Tolerances.FD_EPS, r)
                        - loss(f, inputs, i, j, x[j] - Tolerances.FD_EPS, r)) / (2 * Tolerances.FD_EPS);
                double err = Math.abs(analytic[j] - numeric);
                double allowed = Tolerances.FD_ABS + Tolerances.FD_REL * Math.abs(numeric);
                worst = Math.max(worst, err / allowed);
                if (err > allowed && mismatches.size() < 5) {
                    mismatches.add(String.format("input %d element %d: autograd %.6g, finite differences %.6g", i, j,
                            analytic[j], numeric));
                }
            }
        }
        if (!mismatches.isEmpty()) {
            throw new AssertionError(name + ": gradient mismatch (worst error " + String.format("%.1f", worst)
                    + "x the tolerance)\n  " + String.join("\n  ", mismatches));
        }
    }

    /** L with element j of input i set to v, evaluated in double from the float32 output, no graph. */
    private static double loss(Function<Tensor[], Tensor> f, Tensor[] inputs, int i, int j, double v, float[] r) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            float[] d = inputs[k].toArray();
            if (k == i) {
                d[j] = (float) v;
            }
            // inputs require grad so that functions computing an inner gradient (create_graph) still can
            xs[k] = Tensor.of(d, inputs[k].shape()).requiresGrad(true);
        }
        float[] y = f.apply(xs).toArray();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += (double) y[k] * r[k];
        }
        return s;
    }

    private static float[] randomWeights(int n, long seed) {
        Random rng = new Random(seed);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return r;
    }

    /**
     * The gradient of {@code sum(f(x) * R)} with respect to input {@code wrt}, built with create_graph: checking this
     * function checks second derivatives of f.
     */
    public static Function<Tensor[], Tensor> gradientOf(Function<Tensor[], Tensor> f, int wrt) {
        return xs -> {
            Tensor y = f.apply(xs);
            Tensor r = Tensor.of(randomWeights(y.numel(), 7), y.shape());
            return Autograd.grad(new Tensor[] {y.mul(r).sum()}, new Tensor[] {xs[wrt]}, null, true)[0];
        };
    }

    /** Uniform values in [-1, -0.1] or [0.1, 1]: away from the kinks of ReLU, abs and LeakyReLU. */
    public static Tensor awayFromZero(Random rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            float m = 0.1f + 0.9f * rng.nextFloat();
            d[i] = rng.nextBoolean() ? m : -m;
        }
        return Tensor.of(d, shape);
    }

    /** Uniform values in [lo, hi). */
    public static Tensor uniform(Random rng, float lo, float hi, int... shape) {
        return Tensor.uniform(rng, lo, hi, shape);
    }
}
