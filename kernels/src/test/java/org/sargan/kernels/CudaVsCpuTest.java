package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sargan.core.Autograd;
import org.sargan.core.Backend;
import org.sargan.core.Backends;
import org.sargan.core.GradCheck;
import org.sargan.core.MemoryScope;
import org.sargan.core.OpTable.Case;
import org.sargan.core.OpTable.Check;
import org.sargan.core.OpTable;
import org.sargan.core.Tensor;
import org.sargan.core.Tolerances;
import org.sargan.core.Unary;
import org.sargan.core.cpu.CpuBackend;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Elementwise;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Reductions;

/**
 * Every op of the CUDA backend against the CPU backend (the oracle), forward and backward, first and second order,
 * on the op table that the family suites share ({@link OpTable}: odd sizes, never multiples of a block or tile),
 * and the kernel choices that only CUDA has (every GEMM kernel, every unary op code). A backward check builds the same scalar, sum(f(inputs) * r) with
 * a random r, on both backends and compares the gradients of every input. Mismatches print the first few
 * positions and the largest difference. Without a usable GPU every test is skipped with the reason.
 *
 * <p>Maven runs this class twice: against the real driver (skipped on a machine without a GPU) and against the host
 * emulator (src/test/emulator), which runs the same kernel sources on the CPU.
 */
class CudaVsCpuTest {
    private static CudaBackend cuda;
    private static String unavailable;
    private final Random rng = new Random(42);

    @BeforeAll
    static void findGpu() {
        try {
            cuda = CudaBackend.create();
            System.out.println("[cuda-vs-cpu] " + cuda.describe());
        } catch (IllegalStateException e) {
            unavailable = e.getMessage();
            System.out.println("[cuda-vs-cpu] skipped: " + unavailable);
        }
    }

    /** Each test shows as skipped, with the reason, where there is no GPU: never as passed. */
    @BeforeEach
    void needGpu() {
        Assumptions.assumeTrue(cuda != null, unavailable);
    }

    @AfterEach
    void restore() {
        Backends.use(CpuBackend.INSTANCE);
        if (cuda != null) {
            cuda.useGemmKernel("vector");
        }
    }

    // ---- helpers ----

    private float[] randn(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian() * scale;
        }
        return a;
    }

    private float[] positive(int n) {
        float[] a = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.1f + 2 * rng.nextFloat();
        }
        return a;
    }

    private static int numel(int[] s) {
        int n = 1;
        for (int v : s) {
            n *= v;
        }
        return n;
    }

    /** The values of {@code cuda} against {@code cpu}; prints and fails on the first mismatches. */
    static void assertClose(String what, float[] cudaValues, float[] cpuValues) {
        assertEquals(cpuValues.length, cudaValues.length, what + ": sizes differ");
        double maxRef = 0;
        for (float v : cpuValues) {
            maxRef = Math.max(maxRef, Math.abs(v));
        }
        double maxDiff = 0;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < cpuValues.length; i++) {
            double d = Math.abs((double) cudaValues[i] - cpuValues[i]);
            double tol = Tolerances.CUDA_VS_CPU_REL * Math.abs(cpuValues[i]) + Tolerances.CUDA_VS_CPU_OF_MAX * maxRef
                    + 1e-7;
            boolean nanMismatch = Float.isNaN(cudaValues[i]) != Float.isNaN(cpuValues[i]);
            if (nanMismatch || d > tol || (Double.isNaN(d) && !Float.isNaN(cpuValues[i]))) {
                if (bad.size() < 5) {
                    bad.add("[" + i + "] cuda " + cudaValues[i] + " cpu " + cpuValues[i]);
                }
                if (bad.size() == 5) {
                    bad.add("...");
                }
            }
            if (!Double.isNaN(d)) {
                maxDiff = Math.max(maxDiff, d);
            }
        }
        if (!bad.isEmpty()) {
            fail(what + ": CUDA differs from the CPU (max |diff| " + maxDiff + ", max |cpu| " + maxRef + "): "
                    + String.join(", ", bad));
        }
    }

    /**
     * Runs {@code f} on both backends from the same host inputs and compares the output and, when {@code grads},
     * the gradient of sum(f * r) with respect to every input (zero for an input f does not use).
     */
    private void check(String what, Function<Tensor[], Tensor> f, boolean grads, int[][] shapes, float[]... inputs) {
        float[][] outs = new float[2][];
        float[][][] gs = new float[2][][];
        float[] r = null;
        for (int side = 0; side < 2; side++) {
            Backend b = side == 0 ? CpuBackend.INSTANCE : cuda;
            Backends.use(b);
            Tensor[] xs = new Tensor[inputs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = Tensor.of(inputs[i], shapes[i]).requiresGrad(grads);
            }
            Tensor y = f.apply(xs);
            assertEquals(b, y.backend(), what + ": output on the wrong backend");
            outs[side] = y.toArray();
            if (grads) {
                if (r == null) {
                    r = randn(y.numel(), 1f);
                }
                Tensor loss = Reductions.sum(Elementwise.mul(y, Tensor.of(r, y.shape())));
                if (loss.requiresGrad()) {  // a gradient of a linear op is constant: nothing to differentiate
                    loss.backward();
                }
                gs[side] = new float[xs.length][];
                for (int i = 0; i < xs.length; i++) {  // an input that the output does not use has gradient 0
                    gs[side][i] = xs[i].grad() == null ? new float[xs[i].numel()] : xs[i].grad().toArray();
                }
            }
        }
        assertClose(what + " forward", outs[1], outs[0]);
        if (grads) {
            for (int i = 0; i < inputs.length; i++) {
                assertClose(what + " d/d input " + i, gs[1][i], gs[0][i]);
            }
        }
    }

    private void check(String what, Function<Tensor[], Tensor> f, int[]... shapes) {
        float[][] in = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            in[i] = randn(numel(shapes[i]), 1f);
        }
        check(what, f, true, shapes, in);
    }

    // ---- element-wise ----

    @Test
    void everyUnaryOp() {
        int[] s = {3, 5, 7};
        for (Unary op : Unary.values()) {
            boolean needsPositive = op == Unary.LOG || op == Unary.SQRT || op == Unary.POW;
            float[] x = needsPositive ? positive(numel(s)) : randn(numel(s), 2f);
            float alpha = op == Unary.POW ? 1.7f : 0.2f;
            check("unary " + op, t -> Backends.current().unary(op, t[0], alpha), false, new int[][] {s}, x);
        }
        check("pow 2", t -> Elementwise.pow(t[0], 2f), new int[] {4, 9});
    }

    // ---- the op table ----

    static Stream<Case> table() {
        return OpTable.all();
    }

    /** Every op of the table (the family suites' rows, and sizes that cross the kernels' blocks and tiles). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void everyOpOfTheTable(Case c) {
        check(c.family() + ": " + c.name(), c.f(), true, c.shapes(), c.data());
    }

    static Stream<Arguments> secondOrderTable() {
        return OpTable.all().filter(c -> c.check() != Check.KINKED).flatMap(c -> IntStream.range(0, c.data().length)
                .mapToObj(i -> Arguments.of(c.name() + " d/dx" + i, c, i)));
    }

    /** The create_graph gradient of every smooth op of the table, and the gradient of that gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("secondOrderTable")
    void secondOrderOfTheTable(String name, Case c, int wrt) {
        check(c.family() + ": " + name, GradCheck.gradientOf(c.f(), wrt), true, c.shapes(), c.data());
    }

    // ---- GEMM and convolution ----

    /** Every GEMM kernel, every transpose, odd sizes, several tiles, and a split K loop. */
    @Test
    void matmulEveryKernelAndTranspose() {
        for (String kernel : new TreeSet<>(CudaBackend.GEMM_KERNELS.keySet())) {
            cuda.useGemmKernel(kernel);
            int m = 37;
            int k = 53;
            int n = 29;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int[] as = ta ? new int[] {k, m} : new int[] {m, k};
                    int[] bs = tb ? new int[] {n, k} : new int[] {k, n};
                    check(kernel + " matmul ta=" + ta + " tb=" + tb, t -> LinearAlgebra.matmul(t[0], t[1], ta, tb),
                            as, bs);
                }
            }
            check(kernel + " matmul 130 x 67 x 259 (several tiles, K not a multiple of 8)",
                    t -> LinearAlgebra.matmul(t[0], t[1]), new int[] {130, 67}, new int[] {67, 259});
            check(kernel + " matmul 131 x 20 x 132 (N a multiple of 4: vector stores)",
                    t -> LinearAlgebra.matmul(t[0], t[1], true, false), new int[] {20, 131}, new int[] {20, 132});
            // 5 x 7 outputs summed over 3001: one tile, so the K loop is split into slices
            check(kernel + " matmul 5 x 3001 x 7 (split K)", t -> LinearAlgebra.matmul(t[0], t[1], false, true),
                    new int[] {5, 3001}, new int[] {7, 3001});
        }
    }

    @Test
    void unknownGemmKernelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.useGemmKernel("fast"));
        assertTrue(e.getMessage().contains("'fast'") && e.getMessage().contains("naive"), e.getMessage());
    }

    @Test
    void adamUpdate() {
        int n = 1001;
        float[] p = randn(n, 1f);
        float[][] gs = {randn(n, 1f), randn(n, 0.1f), randn(n, 3f)};
        float[][] result = new float[2][];
        for (int side = 0; side < 2; side++) {
            Backend b = side == 0 ? CpuBackend.INSTANCE : cuda;
            Tensor pt = new Tensor(b.upload(p), new int[] {n});
            Tensor m = null;
            Tensor v = null;
            for (int step = 1; step <= 3; step++) {
                Tensor g = new Tensor(b.upload(gs[step - 1]), new int[] {n});
                float c1 = 1 - (float) Math.pow(0.5, step);
                float c2 = (float) Math.sqrt(1 - Math.pow(0.999, step));
                Tensor[] r = b.adamUpdate(pt, g, m, v, 1e-3f / c1, 1 / c2, 0.5f, 0.999f, 1e-8f);
                pt = r[0];
                m = r[1];
                v = r[2];
            }
            result[side] = pt.toArray();
        }
        assertClose("adam, 3 steps", result[1], result[0]);
    }

    /** The WGAN-GP penalty path: a gradient of a gradient, through conv and leaky ReLU. */
    @Test
    void doubleBackwardOfThePenalty() {
        int[] xs = {2, 3, 7, 6};
        int[] ws = {4, 3, 3, 3};
        float[] x = randn(numel(xs), 1f);
        float[] w = randn(numel(ws), 0.5f);
        float[][] dw = new float[2][];
        for (int side = 0; side < 2; side++) {
            Backends.use(side == 0 ? CpuBackend.INSTANCE : cuda);
            Tensor xt = Tensor.of(x, xs).requiresGrad(true);
            Tensor wt = Tensor.of(w, ws).requiresGrad(true);
            Tensor h = Elementwise.leakyRelu(Convolutions.conv2d(xt, wt, null, 1, 1), 0.01f);
            Tensor y = Reductions.sum(Elementwise.mul(h, h));
            Tensor gx = Autograd.grad(new Tensor[] {y}, new Tensor[] {xt}, null, true)[0];
            Tensor penalty = Reductions.sum(Elementwise.mul(gx, gx));
            dw[side] = Autograd.grad(new Tensor[] {penalty}, new Tensor[] {wt}, null, false)[0].toArray();
        }
        assertClose("d/dw ||d y / dx||^2", dw[1], dw[0]);
    }

    // ---- errors ----

    @Test
    void aCpuTensorInACudaOpIsNamed() {
        Tensor onCpu = new Tensor(CpuBackend.INSTANCE.upload(new float[6]), new int[] {2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.unary(Unary.TANH, onCpu, 0));
        assertTrue(e.getMessage().contains("tanh") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("cpu"), e.getMessage());
        // what the message recommends: Tensor.to copies the values over, and is a no-op on the same backend
        Tensor values = new Tensor(CpuBackend.INSTANCE.upload(new float[] {1, -2, 3, 0.5f, 7, -1}), new int[] {2, 3});
        Tensor moved = values.to(cuda);
        assertEquals(cuda, moved.backend());
        assertTrue(moved.to(cuda) == moved);
        assertClose("tanh of a moved tensor", cuda.unary(Unary.TANH, moved, 0).toArray(),
                CpuBackend.INSTANCE.unary(Unary.TANH, values, 0).toArray());
    }

    /** Each step's tensors freed by its scope, not by the collector: the steady state reuses every block. */
    @Test
    void memoryIsReusedInTheSteadyState() {
        Backends.use(cuda);
        Tensor w = Tensor.of(randn(100, 1f), 100, 1);
        for (int i = 0; i < 53; i++) {
            long[] before = cuda.memory().counts();
            long collections = cuda.memory().collections();
            try (MemoryScope step = MemoryScope.open()) {
                Tensor x = Tensor.of(randn(5000, 1f), 50, 100).requiresGrad(true);
                Tensor loss = LinearAlgebra.matmul(x.tanh(), w).sum();
                loss.backward();
                x.grad().toArray();  // read inside the step: nothing of it outlives the scope
            }
            long[] after = cuda.memory().counts();
            if (i >= 3) {  // after a few warm-up steps: every block from the cache, no collection asked for
                assertEquals(before[0], after[0], "step " + i + " allocated from the driver: " + cuda.memoryReport());
                assertTrue(after[1] > before[1], "no block was reused: " + cuda.memoryReport());
                assertEquals(collections, cuda.memory().collections(), "step " + i + " needed a collection");
            }
        }
    }

    @Test
    void aTensorFreedByItsScopeIsRefusedAndAKeptOneIsNot() {
        Backends.use(cuda);
        Tensor freed;
        Tensor kept;
        try (MemoryScope step = MemoryScope.open()) {
            Tensor x = Tensor.of(new float[] {1, -2, 3}, 3);
            freed = x.tanh();
            kept = step.keep(x.mul(2f));
        }
        assertClose("kept", kept.toArray(), new float[] {2, -4, 6});
        IllegalStateException e = assertThrows(IllegalStateException.class, freed::toArray);
        assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
    }
}
