package org.sargan.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sargan.core.OpTable.Case;
import org.sargan.core.OpTable.Check;
import org.sargan.core.OpTable.Family;

/**
 * The finite-difference checks of one family's rows of {@link OpTable}, first and second order, on the backend
 * under test. A family's test class adds its hand-computed values.
 */
public abstract class FamilySuite extends BackendSuite {
    private final Family family;

    protected FamilySuite(Family family) {
        this.family = family;
    }

    Stream<Case> firstOrderCases() {
        return OpTable.of(family).filter(c -> c.check() != Check.SIZES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstOrderCases")
    void firstOrderMatchesFiniteDifferences(Case c) {
        GradCheck.check(c.name(), c.f(), c.inputs());
    }

    /** Ops whose gradient must itself be differentiable: everything that can sit on a gradient-penalty path. */
    Stream<Arguments> secondOrderCases() {
        return OpTable.of(family).filter(c -> c.check() == Check.SMOOTH).flatMap(c -> IntStream
                .range(0, c.data().length).mapToObj(i -> Arguments.of(c.name() + " d/dx" + i, c, i)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrderCases")
    void secondOrderMatchesFiniteDifferences(String name, Case c, int wrt) {
        GradCheck.check(name, GradCheck.gradientOf(c.f(), wrt), c.inputs());
    }

    /**
     * The gradient that an op composes from differentiable ops under create_graph against its fused backward
     * kernel, for every input: the two are the same formula, so they must agree to float rounding. A second-order
     * finite-difference check cannot see a smooth error in the composed branch (it differentiates that branch
     * against itself); this comparison can.
     */
    protected static void assertComposedGradientIsFused(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(true);
        }
        Random rng = new Random(11);
        Tensor y = f.apply(xs);
        float[] r = new float[y.numel()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        Tensor weights = Tensor.of(r, y.shape());
        Tensor[] fused = Autograd.grad(new Tensor[] {y.mul(weights).sum()}, xs, null, false);
        Tensor[] composed = Autograd.grad(new Tensor[] {f.apply(xs).mul(weights).sum()}, xs, null, true);
        for (int i = 0; i < xs.length; i++) {
            float[] a = composed[i].toArray();
            float[] b = fused[i].toArray();
            double max = 0;
            for (float v : b) {
                max = Math.max(max, Math.abs(v));
            }
            for (int j = 0; j < a.length; j++) {
                if (!(Math.abs(a[j] - b[j]) <= Tolerances.COMPOSED_VS_FUSED * max)) {
                    fail(name + " d/d input " + i + " element " + j + ": composed (create_graph) " + a[j]
                            + ", fused " + b[j] + " (max |fused| " + max + ")");
                }
            }
        }
    }
}
