package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sargan.core.Autograd;
import org.sargan.core.Backend;
import org.sargan.core.Backends;
import org.sargan.core.Tensor;
import org.sargan.core.Tolerances;
import org.sargan.core.Unary;
import org.sargan.core.cpu.CpuBackend;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.Elementwise;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Reductions;
import org.sargan.core.ops.Shapes;
import org.sargan.core.ops.Spatial;

/**
 * Every op of the CUDA backend against the CPU backend (the oracle), forward and backward, on random inputs with
 * odd sizes (never multiples of a block or tile). A backward check builds the same scalar, sum(f(inputs) * r) with
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
     * the gradient of sum(f * r) with respect to every input.
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
                Tensor[] g = Autograd.grad(new Tensor[] {loss}, xs, null, false);
                gs[side] = new float[g.length][];
                for (int i = 0; i < g.length; i++) {
                    gs[side][i] = g[i] == null ? new float[xs[i].numel()] : g[i].toArray();
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

    @Test
    void unaryGradients() {
        check("tanh", t -> Elementwise.tanh(t[0]), new int[] {2, 3, 5, 7});
        check("sigmoid", t -> Elementwise.sigmoid(t[0]), new int[] {37});
        check("leaky relu", t -> Elementwise.leakyRelu(t[0], 0.2f), new int[] {3, 41});
        check("relu", t -> Elementwise.relu(t[0]), new int[] {3, 41});
        check("abs", t -> Elementwise.abs(t[0]), new int[] {3, 41});
        check("exp", t -> Elementwise.exp(t[0]), new int[] {3, 41});
        check("sqrt", t -> Elementwise.sqrt(t[0]), true, new int[][] {{5, 13}}, positive(65));
        check("log", t -> Elementwise.log(t[0]), true, new int[][] {{5, 13}}, positive(65));
    }

    @Test
    void broadcastingBinaryOps() {
        int[][][] pairs = {
            {{2, 3, 5, 7}, {3, 1, 7}},
            {{5, 1}, {1, 6}},
            {{4, 9}, {4, 9}},
            {{3, 1, 1, 1}, {3, 17, 5, 3}},
            {{7}, {}},
        };
        for (int[][] p : pairs) {
            String shapes = java.util.Arrays.toString(p[0]) + " " + java.util.Arrays.toString(p[1]);
            check("add " + shapes, t -> Elementwise.add(t[0], t[1]), p[0], p[1]);
            check("sub " + shapes, t -> Elementwise.sub(t[0], t[1]), p[0], p[1]);
            check("mul " + shapes, t -> Elementwise.mul(t[0], t[1]), p[0], p[1]);
            check("div " + shapes, t -> Elementwise.div(t[0], t[1]), true, p,
                    randn(numel(p[0]), 1f), positive(numel(p[1])));
        }
    }

    @Test
    void sumsAndExpand() {
        // a long reduction per output (the block kernel) and a short one over many outputs (the thread kernel)
        check("sum (0, 2, 3) of (3, 70, 9, 11)", t -> Reductions.sum(t[0], new int[] {0, 2, 3}, true),
                new int[] {3, 70, 9, 11});
        check("sum (0, 2, 3) of (3, 2, 60, 50): a split reduction", t -> Reductions.sum(t[0], new int[] {0, 2, 3},
                true), new int[] {3, 2, 60, 50});
        check("sum 0 of (5, 300)", t -> Reductions.sum(t[0], new int[] {0}, false), new int[] {5, 300});
        check("sum of everything", t -> Reductions.sum(t[0]), new int[] {17, 19});
        check("mean (1) of (4, 33, 5)", t -> Reductions.mean(t[0], new int[] {1}, false), new int[] {4, 33, 5});
        check("expand (3, 1, 5) to (3, 7, 5)", t -> Reductions.expand(t[0], new int[] {3, 7, 5}),
                new int[] {3, 1, 5});
        check("expand (1, 6) to (11, 6)", t -> Reductions.expand(t[0], new int[] {11, 6}), new int[] {1, 6});
    }

    // ---- GEMM and convolution ----

    /** Every GEMM kernel, every transpose, odd sizes, several tiles, and a split K loop. */
    @Test
    void matmulEveryKernelAndTranspose() {
        for (String kernel : new java.util.TreeSet<>(CudaBackend.GEMM_KERNELS.keySet())) {
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
    void convolutions() {
        check("conv 3x3 pad 1", t -> Convolutions.conv2d(t[0], t[1], t[2], 1, 1), new int[] {2, 3, 9, 11},
                new int[] {5, 3, 3, 3}, new int[] {5});
        check("conv 4x4 stride 2 pad 1 (D)", t -> Convolutions.conv2d(t[0], t[1], null, 2, 1),
                new int[] {2, 3, 10, 9}, new int[] {6, 3, 4, 4});
        check("conv 7x7 reflect pad 3", t -> Convolutions.conv2d(t[0], t[1], null, 1, 3, Padding.REFLECT),
                new int[] {1, 4, 8, 9}, new int[] {3, 4, 7, 7});
        check("conv 1x1", t -> Convolutions.conv2d(t[0], t[1], null, 1, 0), new int[] {3, 5, 4, 3},
                new int[] {7, 5, 1, 1});
        check("conv 3x3 stride 2 pad 0", t -> Convolutions.conv2d(t[0], t[1], null, 2, 0), new int[] {1, 2, 11, 8},
                new int[] {3, 2, 3, 3});
        check("conv transpose 4x4 stride 2 pad 1", t -> Convolutions.convTranspose2d(t[0], t[1], t[2], 2, 1, 0),
                new int[] {2, 6, 5, 4}, new int[] {6, 3, 4, 4}, new int[] {3});
    }

    // ---- spatial ----

    @Test
    void spatialOps() {
        check("reflection pad 3", t -> Spatial.reflectionPad(t[0], 3), new int[] {2, 3, 9, 11});
        check("reflection pad 1", t -> Spatial.reflectionPad(t[0], 1), new int[] {1, 2, 2, 3});
        check("upsample 2x", t -> Spatial.upsampleNearest2x(t[0]), new int[] {2, 3, 5, 7});
        check("concat dim 1", t -> Shapes.concat(1, t[0], t[1], t[2]), new int[] {2, 3, 5, 7},
                new int[] {2, 1, 5, 7}, new int[] {2, 4, 5, 7});
        check("concat dim 0", t -> Shapes.concat(0, t[0], t[1]), new int[] {3, 5}, new int[] {2, 5});
        check("narrow", t -> Shapes.narrow(t[0], 1, 2, 3), new int[] {2, 7, 3, 5});
        check("tile labels", t -> Shapes.tile(t[0], 5, 3), new int[] {2, 7});
    }

    // ---- fused ----

    @Test
    void instanceNorm() {
        check("instance norm", t -> Normalization.instanceNorm(t[0], t[1], t[2], 1e-5f), new int[] {3, 5, 7, 9},
                new int[] {5}, new int[] {5});
        // 4100 pixels: 512 threads, 9 values each, the last register row partly empty
        check("instance norm, 4100-pixel planes", t -> Normalization.instanceNorm(t[0], t[1], t[2], 1e-5f),
                new int[] {2, 3, 41, 100}, new int[] {3}, new int[] {3});
        // a plane above 512 * 32 pixels takes the kernels that re-read the plane
        check("instance norm, large plane", t -> Normalization.instanceNorm(t[0], t[1], t[2], 1e-5f),
                new int[] {1, 2, 131, 127}, new int[] {2}, new int[] {2});
    }

    @Test
    void attentionGate() {
        // C = 37 and N*HW = 70 are not multiples of the 32 x 32 block
        check("attention gate", t -> Attention.gate(t[0], t[1], t[2]), new int[] {2, 37, 5, 7},
                new int[] {2, 37, 5, 7}, new int[] {2, 1, 5, 7});
    }

    @Test
    void softmaxAndCrossEntropy() {
        check("softmax", t -> Losses.softmax(t[0]), new int[] {5, 7});
        int[] labels = {3, 0, 6, 2, 5};
        check("cross entropy", t -> Losses.crossEntropy(t[0], labels), new int[] {5, 7});
        check("l1", t -> Losses.l1(t[0], t[1]), new int[] {2, 3, 5}, new int[] {2, 3, 5});
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

    /** The WGAN-GP penalty path: a gradient of a gradient, through conv, leaky ReLU, instance norm and the gate. */
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

    @Test
    void memoryIsReusedInTheSteadyState() {
        Backends.use(cuda);
        for (int i = 0; i < 3; i++) {
            Tensor.of(randn(5000, 1f), 50, 100).tanh().toArray();
        }
        long[] before = cuda.memory().counts();
        for (int i = 0; i < 50; i++) {
            Tensor.of(randn(5000, 1f), 50, 100).tanh().toArray();
            System.gc();
        }
        long[] after = cuda.memory().counts();
        assertTrue(after[1] > before[1], "no block was reused: " + cuda.memoryReport());
        assertTrue(after[0] - before[0] < 100, "every op allocated from the driver: " + cuda.memoryReport());
    }
}
