package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Reductions;
import org.sargan.core.ops.Shapes;
import org.sargan.core.ops.Spatial;

/** Finite-difference checks of every differentiable op, first and second order, with negative controls. */
class GradientTest {

    /** A named function of some inputs. */
    record Case(String name, Function<Tensor[], Tensor> f, Tensor[] inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case of(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        return new Case(name, f, inputs);
    }

    private static Tensor rand(Random r, int... shape) {
        return GradCheck.awayFromZero(r, shape);
    }

    private static Tensor positive(Random r, int... shape) {
        return GradCheck.uniform(r, 0.5f, 2f, shape);
    }

    /** Every differentiable op, on tiny odd shapes. */
    static Stream<Case> ops() {
        Random r = new Random(42);
        return Stream.of(
            of("add broadcast", x -> x[0].add(x[1]), rand(r, 2, 3, 4), rand(r, 3, 1)),
            of("sub broadcast", x -> x[0].sub(x[1]), rand(r, 2, 1, 4), rand(r, 2, 3, 1)),
            of("mul broadcast", x -> x[0].mul(x[1]), rand(r, 2, 3, 2, 2), rand(r, 1, 3, 1, 1)),
            of("div broadcast", x -> x[0].div(x[1]), rand(r, 3, 4), positive(r, 4)),
            of("add scalar tensor", x -> x[0].add(x[1]), rand(r, 3, 2), rand(r, 1)),
            of("scale and add scalar", x -> x[0].mul(-1.5f).add(0.25f), rand(r, 5)),
            of("neg", x -> x[0].neg(), rand(r, 5)),
            of("exp", x -> x[0].exp(), rand(r, 2, 3)),
            of("log", x -> x[0].log(), positive(r, 2, 3)),
            of("sqrt", x -> x[0].sqrt(), positive(r, 2, 3)),
            of("pow 3", x -> x[0].pow(3f), rand(r, 2, 3)),
            of("pow -0.5", x -> x[0].pow(-0.5f), positive(r, 2, 3)),
            of("abs", x -> x[0].abs(), rand(r, 7)),
            of("relu", x -> x[0].relu(), rand(r, 7)),
            of("leaky relu", x -> x[0].leakyRelu(0.01f), rand(r, 7)),
            of("tanh", x -> x[0].tanh(), rand(r, 7)),
            of("sigmoid", x -> x[0].sigmoid(), rand(r, 7)),
            of("sum all", x -> x[0].sum(), rand(r, 2, 3)),
            of("sum dims keep", x -> x[0].sum(new int[] {0, 2}, true), rand(r, 2, 3, 4)),
            of("sum dims", x -> x[0].sum(new int[] {-1}, false), rand(r, 2, 3, 4)),
            of("mean all", x -> x[0].mean(), rand(r, 3, 3)),
            of("mean dims", x -> x[0].mean(new int[] {2, 3}, true), rand(r, 2, 2, 3, 3)),
            of("expand", x -> Reductions.expand(x[0], new int[] {2, 3, 4}), rand(r, 3, 1)),
            of("sum_to", x -> Reductions.sumTo(x[0], new int[] {3, 1}), rand(r, 2, 3, 4)),
            of("reshape", x -> x[0].reshape(3, -1).mul(x[0].reshape(3, 2)), rand(r, 2, 3)),
            of("concat channels", x -> Shapes.concat(1, x[0], x[1]), rand(r, 2, 3, 2, 2), rand(r, 2, 1, 2, 2)),
            of("narrow", x -> Shapes.narrow(x[0], 1, 1, 2), rand(r, 2, 4, 3)),
            of("unnarrow", x -> Shapes.unnarrow(x[0], 0, 1, 4), rand(r, 2, 3)),
            of("tile label", x -> Shapes.tile(x[0], 3, 2), rand(r, 2, 3)),
            of("matmul", x -> LinearAlgebra.matmul(x[0], x[1]), rand(r, 3, 4), rand(r, 4, 5)),
            of("matmul aT", x -> LinearAlgebra.matmul(x[0], x[1], true, false), rand(r, 4, 3), rand(r, 4, 5)),
            of("matmul bT", x -> LinearAlgebra.matmul(x[0], x[1], false, true), rand(r, 3, 4), rand(r, 5, 4)),
            of("matmul aT bT", x -> LinearAlgebra.matmul(x[0], x[1], true, true), rand(r, 4, 3), rand(r, 5, 4)),
            of("conv2d 3x3 pad 1 bias", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1),
                rand(r, 2, 3, 5, 4), rand(r, 2, 3, 3, 3), rand(r, 2)),
            of("conv2d 4x4 stride 2", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1),
                rand(r, 1, 2, 6, 7), rand(r, 3, 2, 4, 4)),
            of("conv2d 3x3 reflect", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1, Padding.REFLECT),
                rand(r, 1, 2, 4, 5), rand(r, 2, 2, 3, 3), rand(r, 2)),
            of("conv2d 3x3 stride 2 reflect", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1, Padding.REFLECT),
                rand(r, 1, 2, 5, 5), rand(r, 2, 2, 3, 3)),
            of("conv2d 1x1", x -> Convolutions.conv2d(x[0], x[1], null, 1, 0), rand(r, 2, 3, 2, 3), rand(r, 4, 3, 1, 1)),
            of("conv_transpose2d 4x4 stride 2", x -> Convolutions.convTranspose2d(x[0], x[1], x[2], 2, 1, 0),
                rand(r, 1, 3, 3, 4), rand(r, 3, 2, 4, 4), rand(r, 2)),
            of("conv_transpose2d 3x3 stride 2 output padding", x -> Convolutions.convTranspose2d(x[0], x[1], null, 2, 1, 1),
                rand(r, 1, 2, 3, 3), rand(r, 2, 2, 3, 3)),
            of("reflection pad", x -> Spatial.reflectionPad(x[0], 2), rand(r, 1, 2, 3, 4)),
            of("reflection pad grad", x -> Spatial.reflectionPadGrad(x[0], 1), rand(r, 1, 2, 5, 6)),
            of("upsample 2x", x -> Spatial.upsampleNearest2x(x[0]), rand(r, 1, 2, 2, 3)),
            of("upsample 2x grad", x -> Spatial.upsampleNearest2xGrad(x[0]), rand(r, 1, 2, 4, 2)),
            of("instance norm", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                rand(r, 2, 3, 3, 4), rand(r, 3), rand(r, 3)),
            of("attention gate", x -> Attention.gate(x[0], x[1], x[2]),
                rand(r, 2, 3, 2, 3), rand(r, 2, 3, 2, 3), rand(r, 2, 1, 2, 3)),
            of("softmax", x -> Losses.softmax(x[0]), rand(r, 3, 4)),
            of("cross entropy", x -> Losses.crossEntropy(x[0], new int[] {2, 0, 3}), rand(r, 3, 4)),
            of("l1 loss", x -> Losses.l1(x[0], x[1]), rand(r, 2, 3), rand(r, 2, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void firstOrderMatchesFiniteDifferences(Case c) {
        GradCheck.check(c.name(), c.f(), c.inputs());
    }

    /** Ops whose gradient must itself be differentiable: everything that can sit on a gradient-penalty path. */
    static Stream<Arguments> secondOrder() {
        return ops().filter(c -> !c.name().startsWith("relu") && !c.name().startsWith("abs"))
                .flatMap(c -> java.util.stream.IntStream.range(0, c.inputs().length)
                        .mapToObj(i -> Arguments.of(c.name() + " d/dx" + i, c, i)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrder")
    void secondOrderMatchesFiniteDifferences(String name, Case c, int wrt) {
        GradCheck.check(name, GradCheck.gradientOf(c.f(), wrt), c.inputs());
    }

    /**
     * The check: the gradient of || d sum(f(x)) / dx || with respect to conv weights, f = LeakyReLU(conv2d),
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
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("gradient mismatch"), e.getMessage());
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
