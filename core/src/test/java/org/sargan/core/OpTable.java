package org.sargan.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Reductions;
import org.sargan.core.ops.Shapes;
import org.sargan.core.ops.Spatial;

/**
 * Every differentiable op of the engine, written once, by family. The family suites run it on each backend
 * (finite differences of first and second order), and the CUDA suite compares every case with the CPU. Inputs are
 * host arrays, so one case can be made on any backend.
 */
public final class OpTable {
    private OpTable() {
    }

    /** The op families: one name each for ops/X, cpu/CpuX, kernels CudaX, x.cu and the family's test class. */
    public enum Family {
        ELEMENTWISE, REDUCTIONS, SHAPES, LINEAR_ALGEBRA, CONVOLUTIONS, SPATIAL, NORMALIZATION, ATTENTION, LOSSES,
        OPTIMISER
    }

    /** What a case is checked for. */
    public enum Check {
        /** First and second order against finite differences, and backends against each other. */
        SMOOTH,
        /** First order only: the gradient jumps at a kink (ReLU, abs), so it has no second derivative to check. */
        KINKED,
        /** Backends against each other only: a size chosen to cross the kernels' block and tile edges. */
        SIZES
    }

    /** A named function of some inputs, given as host data. */
    public record Case(Family family, String name, Check check, Function<Tensor[], Tensor> f, float[][] data,
            int[][] shapes) {
        /** The inputs, on the current backend. */
        public Tensor[] inputs() {
            Tensor[] t = new Tensor[data.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = Tensor.of(data[i], shapes[i]);
            }
            return t;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Host data with its shape. */
    private record In(float[] data, int[] shape) {
    }

    private static final class Builder {
        private final Random r = new Random(42);
        private final List<Case> cases = new ArrayList<>();
        private Family family;

        Builder family(Family f) {
            this.family = f;
            return this;
        }

        /** Uniform in [-1, -0.1] or [0.1, 1]: away from the kinks of ReLU, abs and LeakyReLU. */
        In rand(int... shape) {
            float[] d = new float[Shape.numel(shape)];
            for (int i = 0; i < d.length; i++) {
                float m = 0.1f + 0.9f * r.nextFloat();
                d[i] = r.nextBoolean() ? m : -m;
            }
            return new In(d, shape);
        }

        /** Uniform in [0.5, 2): for log, sqrt, negative powers and divisors. */
        In positive(int... shape) {
            float[] d = new float[Shape.numel(shape)];
            for (int i = 0; i < d.length; i++) {
                d[i] = 0.5f + 1.5f * r.nextFloat();
            }
            return new In(d, shape);
        }

        Builder add(String name, Check check, Function<Tensor[], Tensor> f, In... in) {
            float[][] d = new float[in.length][];
            int[][] s = new int[in.length][];
            for (int i = 0; i < in.length; i++) {
                d[i] = in[i].data();
                s[i] = in[i].shape();
            }
            cases.add(new Case(family, name, check, f, d, s));
            return this;
        }

        Builder smooth(String name, Function<Tensor[], Tensor> f, In... in) {
            return add(name, Check.SMOOTH, f, in);
        }

        Builder sizes(String name, Function<Tensor[], Tensor> f, In... in) {
            return add(name, Check.SIZES, f, in);
        }
    }

    private static final List<Case> ALL = build();

    /** Every case. */
    public static Stream<Case> all() {
        return ALL.stream();
    }

    /** The cases of one family. */
    public static Stream<Case> of(Family family) {
        return ALL.stream().filter(c -> c.family() == family);
    }

    private static List<Case> build() {
        Builder b = new Builder();
        b.family(Family.ELEMENTWISE)
            .smooth("add broadcast", x -> x[0].add(x[1]), b.rand(2, 3, 4), b.rand(3, 1))
            .smooth("sub broadcast", x -> x[0].sub(x[1]), b.rand(2, 1, 4), b.rand(2, 3, 1))
            .smooth("mul broadcast", x -> x[0].mul(x[1]), b.rand(2, 3, 2, 2), b.rand(1, 3, 1, 1))
            .smooth("div broadcast", x -> x[0].div(x[1]), b.rand(3, 4), b.positive(4))
            .smooth("add scalar tensor", x -> x[0].add(x[1]), b.rand(3, 2), b.rand(1))
            .smooth("scale and add scalar", x -> x[0].mul(-1.5f).add(0.25f), b.rand(5))
            .smooth("neg", x -> x[0].neg(), b.rand(5))
            .smooth("exp", x -> x[0].exp(), b.rand(2, 3))
            .smooth("log", x -> x[0].log(), b.positive(2, 3))
            .smooth("sqrt", x -> x[0].sqrt(), b.positive(2, 3))
            .smooth("pow 3", x -> x[0].pow(3f), b.rand(2, 3))
            .smooth("pow -0.5", x -> x[0].pow(-0.5f), b.positive(2, 3))
            .add("abs", Check.KINKED, x -> x[0].abs(), b.rand(7))
            .add("relu", Check.KINKED, x -> x[0].relu(), b.rand(7))
            .smooth("leaky relu", x -> x[0].leakyRelu(0.01f), b.rand(7))
            .smooth("tanh", x -> x[0].tanh(), b.rand(7))
            .smooth("sigmoid", x -> x[0].sigmoid(), b.rand(7))
            .sizes("add (2, 3, 5, 7) + (3, 1, 7)", x -> x[0].add(x[1]), b.rand(2, 3, 5, 7), b.rand(3, 1, 7))
            .sizes("mul (5, 1) * (1, 6)", x -> x[0].mul(x[1]), b.rand(5, 1), b.rand(1, 6))
            .sizes("sub (3, 1, 1, 1) - (3, 17, 5, 3)", x -> x[0].sub(x[1]), b.rand(3, 1, 1, 1), b.rand(3, 17, 5, 3))
            .sizes("div (7) / ()", x -> x[0].div(x[1]), b.rand(7), b.positive())
            .sizes("tanh (2, 3, 5, 7)", x -> x[0].tanh(), b.rand(2, 3, 5, 7));
        b.family(Family.REDUCTIONS)
            .smooth("sum all", x -> x[0].sum(), b.rand(2, 3))
            .smooth("sum dims keep", x -> x[0].sum(new int[] {0, 2}, true), b.rand(2, 3, 4))
            .smooth("sum dims", x -> x[0].sum(new int[] {-1}, false), b.rand(2, 3, 4))
            .smooth("mean all", x -> x[0].mean(), b.rand(3, 3))
            .smooth("mean dims", x -> x[0].mean(new int[] {2, 3}, true), b.rand(2, 2, 3, 3))
            .smooth("expand", x -> Reductions.expand(x[0], new int[] {2, 3, 4}), b.rand(3, 1))
            .smooth("sum_to", x -> Reductions.sumTo(x[0], new int[] {3, 1}), b.rand(2, 3, 4))
            // a long reduction per output (the block kernel), a split one, and short ones over many outputs
            .sizes("sum (0, 2, 3) of (3, 70, 9, 11)", x -> x[0].sum(new int[] {0, 2, 3}, true), b.rand(3, 70, 9, 11))
            .sizes("sum (0, 2, 3) of (3, 2, 60, 50): a split reduction", x -> x[0].sum(new int[] {0, 2, 3}, true),
                b.rand(3, 2, 60, 50))
            .sizes("sum 0 of (5, 300)", x -> x[0].sum(new int[] {0}, false), b.rand(5, 300))
            .sizes("mean (1) of (4, 33, 5)", x -> x[0].mean(new int[] {1}, false), b.rand(4, 33, 5))
            .sizes("expand (1, 6) to (11, 6)", x -> Reductions.expand(x[0], new int[] {11, 6}), b.rand(1, 6));
        b.family(Family.SHAPES)
            .smooth("reshape", x -> x[0].reshape(3, -1).mul(x[0].reshape(3, 2)), b.rand(2, 3))
            .smooth("concat channels", x -> Shapes.concat(1, x[0], x[1]), b.rand(2, 3, 2, 2), b.rand(2, 1, 2, 2))
            .smooth("narrow", x -> Shapes.narrow(x[0], 1, 1, 2), b.rand(2, 4, 3))
            .smooth("unnarrow", x -> Shapes.unnarrow(x[0], 0, 1, 4), b.rand(2, 3))
            .smooth("tile label", x -> Shapes.tile(x[0], 3, 2), b.rand(2, 3))
            .sizes("concat 3 along 1", x -> Shapes.concat(1, x[0], x[1], x[2]), b.rand(2, 3, 5, 7), b.rand(2, 1, 5, 7),
                b.rand(2, 4, 5, 7))
            .sizes("concat along 0", x -> Shapes.concat(0, x[0], x[1]), b.rand(3, 5), b.rand(2, 5))
            .sizes("narrow (2, 7, 3, 5)", x -> Shapes.narrow(x[0], 1, 2, 3), b.rand(2, 7, 3, 5))
            .sizes("tile labels 5 x 3", x -> Shapes.tile(x[0], 5, 3), b.rand(2, 7));
        b.family(Family.LINEAR_ALGEBRA)
            .smooth("matmul", x -> LinearAlgebra.matmul(x[0], x[1]), b.rand(3, 4), b.rand(4, 5))
            .smooth("matmul aT", x -> LinearAlgebra.matmul(x[0], x[1], true, false), b.rand(4, 3), b.rand(4, 5))
            .smooth("matmul bT", x -> LinearAlgebra.matmul(x[0], x[1], false, true), b.rand(3, 4), b.rand(5, 4))
            .smooth("matmul aT bT", x -> LinearAlgebra.matmul(x[0], x[1], true, true), b.rand(4, 3), b.rand(5, 4));
        b.family(Family.CONVOLUTIONS)
            .smooth("conv2d 3x3 pad 1 bias", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1),
                b.rand(2, 3, 5, 4), b.rand(2, 3, 3, 3), b.rand(2))
            .smooth("conv2d 4x4 stride 2", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1),
                b.rand(1, 2, 6, 7), b.rand(3, 2, 4, 4))
            .smooth("conv2d 3x3 reflect", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1, Padding.REFLECT),
                b.rand(1, 2, 4, 5), b.rand(2, 2, 3, 3), b.rand(2))
            .smooth("conv2d 3x3 stride 2 reflect", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1, Padding.REFLECT),
                b.rand(1, 2, 5, 5), b.rand(2, 2, 3, 3))
            .smooth("conv2d 1x1", x -> Convolutions.conv2d(x[0], x[1], null, 1, 0), b.rand(2, 3, 2, 3),
                b.rand(4, 3, 1, 1))
            .smooth("conv_transpose2d 4x4 stride 2", x -> Convolutions.convTranspose2d(x[0], x[1], x[2], 2, 1, 0),
                b.rand(1, 3, 3, 4), b.rand(3, 2, 4, 4), b.rand(2))
            .smooth("conv_transpose2d 3x3 stride 2 output padding",
                x -> Convolutions.convTranspose2d(x[0], x[1], null, 2, 1, 1), b.rand(1, 2, 3, 3), b.rand(2, 2, 3, 3))
            .sizes("conv 3x3 pad 1 (2, 3, 9, 11)", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1),
                b.rand(2, 3, 9, 11), b.rand(5, 3, 3, 3), b.rand(5))
            .sizes("conv 4x4 stride 2 pad 1 (D)", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1),
                b.rand(2, 3, 10, 9), b.rand(6, 3, 4, 4))
            .sizes("conv 7x7 reflect pad 3", x -> Convolutions.conv2d(x[0], x[1], null, 1, 3, Padding.REFLECT),
                b.rand(1, 4, 8, 9), b.rand(3, 4, 7, 7))
            .sizes("conv 3x3 stride 2 pad 0", x -> Convolutions.conv2d(x[0], x[1], null, 2, 0), b.rand(1, 2, 11, 8),
                b.rand(3, 2, 3, 3))
            .sizes("conv transpose 4x4 stride 2 pad 1", x -> Convolutions.convTranspose2d(x[0], x[1], x[2], 2, 1, 0),
                b.rand(2, 6, 5, 4), b.rand(6, 3, 4, 4), b.rand(3));
        b.family(Family.SPATIAL)
            .smooth("reflection pad", x -> Spatial.reflectionPad(x[0], 2), b.rand(1, 2, 3, 4))
            .smooth("reflection pad grad", x -> Spatial.reflectionPadGrad(x[0], 1), b.rand(1, 2, 5, 6))
            .smooth("upsample 2x", x -> Spatial.upsampleNearest2x(x[0]), b.rand(1, 2, 2, 3))
            .smooth("upsample 2x grad", x -> Spatial.upsampleNearest2xGrad(x[0]), b.rand(1, 2, 4, 2))
            .sizes("reflection pad 3 (2, 3, 9, 11)", x -> Spatial.reflectionPad(x[0], 3), b.rand(2, 3, 9, 11))
            .sizes("reflection pad 1 (1, 2, 2, 3)", x -> Spatial.reflectionPad(x[0], 1), b.rand(1, 2, 2, 3))
            .sizes("upsample 2x (2, 3, 5, 7)", x -> Spatial.upsampleNearest2x(x[0]), b.rand(2, 3, 5, 7));
        b.family(Family.NORMALIZATION)
            .smooth("instance norm", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                b.rand(2, 3, 3, 4), b.rand(3), b.rand(3))
            .sizes("instance norm (3, 5, 7, 9)", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                b.rand(3, 5, 7, 9), b.rand(5), b.rand(5))
            .add("instance norm + relu", Check.KINKED, x -> Normalization.instanceNormRelu(x[0], x[1], x[2], 1e-5f),
                b.rand(2, 3, 3, 4), b.rand(3), b.rand(3))
            .sizes("instance norm + relu (3, 5, 7, 9)", x -> Normalization.instanceNormRelu(x[0], x[1], x[2], 1e-5f),
                b.rand(3, 5, 7, 9), b.rand(5), b.rand(5))
            // 4100 pixels: 512 threads, 9 values each, the last register row partly empty
            .sizes("instance norm, 4100-pixel planes", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                b.rand(2, 3, 41, 100), b.rand(3), b.rand(3))
            // a plane above NORM_THREADS * NORM_PER_THREAD pixels takes the kernels that re-read the plane
            .sizes("instance norm, large plane", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                b.rand(1, 2, 131, 127), b.rand(2), b.rand(2));
        b.family(Family.ATTENTION)
            .smooth("attention gate", x -> Attention.gate(x[0], x[1], x[2]),
                b.rand(2, 3, 2, 3), b.rand(2, 3, 2, 3), b.rand(2, 1, 2, 3))
            // C = 37 and N*HW = 70 are not multiples of the 32 x 32 block of the backward kernel
            .sizes("attention gate (2, 37, 5, 7)", x -> Attention.gate(x[0], x[1], x[2]), b.rand(2, 37, 5, 7),
                b.rand(2, 37, 5, 7), b.rand(2, 1, 5, 7));
        b.family(Family.LOSSES)
            .smooth("softmax", x -> Losses.softmax(x[0]), b.rand(3, 4))
            .smooth("cross entropy", x -> Losses.crossEntropy(x[0], new int[] {2, 0, 3}), b.rand(3, 4))
            .smooth("l1 loss", x -> Losses.l1(x[0], x[1]), b.rand(2, 3), b.rand(2, 3))
            .sizes("softmax (5, 7)", x -> Losses.softmax(x[0]), b.rand(5, 7))
            .sizes("cross entropy (5, 7)", x -> Losses.crossEntropy(x[0], new int[] {3, 0, 6, 2, 5}), b.rand(5, 7))
            .sizes("l1 (2, 3, 5)", x -> Losses.l1(x[0], x[1]), b.rand(2, 3, 5), b.rand(2, 3, 5));
        return List.copyOf(b.cases);
    }
}
