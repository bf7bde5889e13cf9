package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sargan.core.Backends;
import org.sargan.core.OpTable;
import org.sargan.core.OpTable.Case;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Optimiser;

/**
 * The CPU backend gives the same bits with 1 and with 2 threads: work is split by problem size, never by thread
 * count. Every op of the table, and shapes large enough that the parallel paths split them (GEMM tiles, images,
 * planes, element chunks), forward and backward, run with both counts in one JVM.
 */
class ThreadCountTest {
    private final int before = Parallel.threads();

    @AfterEach
    void restoreTheThreadCount() {
        Parallel.setThreads(before);
        Backends.use(CpuBackend.INSTANCE);
    }

    /** f's output and the gradient of sum(f * r) for every input, as host arrays. */
    private static List<float[]> run(Function<Tensor[], Tensor> f, int[][] shapes, float[][] data) {
        Tensor[] xs = new Tensor[data.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Tensor.of(data[i], shapes[i]).requiresGrad(true);
        }
        Tensor y = f.apply(xs);
        Random rng = new Random(5);
        float[] r = new float[y.numel()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextGaussian();
        }
        y.mul(Tensor.of(r, y.shape())).sum().backward();
        List<float[]> out = new ArrayList<>();
        out.add(y.toArray());
        for (Tensor x : xs) {
            out.add(x.grad() == null ? new float[0] : x.grad().toArray());
        }
        return out;
    }

    private static void assertSameBitsWithOneAndTwoThreads(String name, Function<Tensor[], Tensor> f, int[][] shapes,
            float[][] data) {
        Parallel.setThreads(1);
        List<float[]> one = run(f, shapes, data);
        Parallel.setThreads(2);
        List<float[]> two = run(f, shapes, data);
        for (int k = 0; k < one.size(); k++) {
            float[] a = one.get(k);
            float[] b = two.get(k);
            assertEquals(a.length, b.length, name);
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    fail(name + (k == 0 ? " output" : " d/d input " + (k - 1)) + " element " + i + ": " + a[i]
                            + " with 1 thread, " + b[i] + " with 2");
                }
            }
        }
    }

    static Stream<Case> table() {
        return OpTable.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void everyOpOfTheTable(Case c) {
        assertSameBitsWithOneAndTwoThreads(c.name(), c.f(), c.shapes(), c.data());
    }

    private static float[] randn(Random r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return d;
    }

    private static void large(String name, Function<Tensor[], Tensor> f, int[]... shapes) {
        Random r = new Random(name.hashCode());
        float[][] data = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            data[i] = randn(r, Shape.numel(shapes[i]));
        }
        assertSameBitsWithOneAndTwoThreads(name, f, shapes, data);
    }

    @Test
    void shapesThatTheParallelPathsSplit() {
        large("matmul 300 x 200 x 250", x -> LinearAlgebra.matmul(x[0], x[1]), new int[] {300, 200},
                new int[] {200, 250});
        large("conv 3x3 (4, 16, 24, 24)", x -> Convolutions.conv2d(x[0], x[1], x[2], 1, 1), new int[] {4, 16, 24, 24},
                new int[] {32, 16, 3, 3}, new int[] {32});
        large("conv 4x4 stride 2 (4, 8, 32, 32)", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1),
                new int[] {4, 8, 32, 32}, new int[] {16, 8, 4, 4});
        // PhaseWinograd with SIMD: 9 products split in column halves, channel tasks, two image groups
        large("conv 4x4 stride 2 by phase Winograd (3, 32, 16, 64)", x -> Convolutions.conv2d(x[0], x[1], null, 2, 1),
                new int[] {3, 32, 16, 64}, new int[] {24, 32, 4, 4});
        // PhaseWinogradTransposed with SIMD: bands of 4, 4 and 1 tile rows over two images
        large("transposed conv 4x4 stride 2 by phase Winograd (2, 40, 18, 32)",
                x -> Convolutions.convTranspose2d(x[0], x[1], null, 2, 1, 0), new int[] {2, 40, 18, 32},
                new int[] {40, 32, 4, 4});
        large("instance norm (4, 8, 48, 48)", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                new int[] {4, 8, 48, 48}, new int[] {8}, new int[] {8});
        large("attention gate (4, 16, 32, 32)", x -> Attention.gate(x[0], x[1], x[2]), new int[] {4, 16, 32, 32},
                new int[] {4, 16, 32, 32}, new int[] {4, 1, 32, 32});
        large("tanh * x of 200,000", x -> x[0].tanh().mul(x[0]), new int[] {200_000});
        large("conv of a tiny output, the batch in one product (8, 64, 4, 4) -> 2x2",
                x -> Convolutions.conv2d(x[0], x[1], null, 2, 1), new int[] {8, 64, 4, 4}, new int[] {96, 64, 4, 4});
        large("conv to 3 channels, 7x7 (4, 16, 24, 24)", x -> Convolutions.conv2d(x[0], x[1], null, 1, 3),
                new int[] {4, 16, 24, 24}, new int[] {3, 16, 7, 7});
        large("leaky relu of 200,000", x -> x[0].leakyRelu(0.01f).relu(), new int[] {200_000});
        large("bias-gradient sum (8, 32, 40, 40)", x -> x[0].sum(new int[] {0, 2, 3}, false),
                new int[] {8, 32, 40, 40});
    }

    @Test
    void adamStepsOfALargeParameter() {
        Random r = new Random(9);
        int n = 150_000;
        float[] p = randn(r, n);
        float[] g = randn(r, n);
        float[][] result = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            Optimiser.AdamStep s = Optimiser.adam(Tensor.of(p, n), Tensor.of(g, n), null, null, 1e-3f, 30f, 0.5f,
                    0.999f, 1e-8f);
            s = Optimiser.adam(s.param(), Tensor.of(g, n), s.expAvg(), s.expAvgSq(), 1e-3f, 20f, 0.5f, 0.999f, 1e-8f);
            result[threads - 1] = s.param().toArray();
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(result[0][i]), Float.floatToRawIntBits(result[1][i]), "element " + i);
        }
    }

    @Test
    void theThreadCountCanBeSetAndIsChecked() {
        Parallel.setThreads(2);
        assertEquals(2, Parallel.threads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("0 threads"), e.getMessage());
    }
}
