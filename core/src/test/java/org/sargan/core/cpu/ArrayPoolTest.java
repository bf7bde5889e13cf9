package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;

/** CPU arrays freed by a MemoryScope: reused zeroed by the next op, and never readable through the freed tensor. */
class ArrayPoolTest {
    private static final int N = ArrayPool.MIN_LENGTH * 3 + 7;

    @Test
    void aFreedTensorRefusesToBeReadAndAKeptOneKeepsItsValues() {
        Tensor x = Tensor.uniform(new Random(3), -1, 1, N);
        Tensor temp;
        Tensor kept;
        try (MemoryScope step = MemoryScope.open()) {
            temp = x.relu();
            kept = step.keep(x.add(x));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, temp::toArray);
        assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
        float[] xs = x.toArray();
        float[] ks = kept.toArray();
        for (int i = 0; i < N; i++) {
            assertEquals(xs[i] + xs[i], ks[i], "kept element " + i);
        }
    }

    @Test
    void aReusedArrayComesBackZeroed() {
        float[] a = ArrayPool.zeroed(N);
        java.util.Arrays.fill(a, 5f);
        ArrayPool.give(a);
        float[] b = ArrayPool.zeroed(N);
        assertSame(a, b, "the pool hands the freed array out again");
        assertArrayEquals(new float[N], b);
    }

    @Test
    void resultsDoNotDependOnWhetherArraysWereReused() {
        Tensor x = Tensor.uniform(new Random(4), -1, 1, 2, 3, 96, 96);
        Tensor w = Tensor.uniform(new Random(5), -1, 1, 4, 3, 3, 3);
        float[] fresh = org.sargan.core.ops.Convolutions.conv2dRaw(x, w, new org.sargan.core.ConvSpec(1, 1)).toArray();
        try (MemoryScope step = MemoryScope.open()) {
            // fill the pool with arrays of garbage, of the sizes the convolution asks for
            for (int i = 0; i < 3; i++) {
                x.add(x).relu();
            }
        }
        float[] reused = org.sargan.core.ops.Convolutions.conv2dRaw(x, w, new org.sargan.core.ConvSpec(1, 1)).toArray();
        assertArrayEquals(fresh, reused);
    }

    @Test
    void backwardFreesTheGradientsItHasPassedOnAndKeepsTheLeaves() {
        Tensor x = Tensor.uniform(new Random(6), -1, 1, N).requiresGrad(true);
        float[] xs = x.toArray();
        try (MemoryScope step = MemoryScope.open()) {
            // add hands its incoming gradient to both inputs, the same tensor twice: relu's node must not free it
            // while tanh's still needs it
            Tensor y = x.relu().add(x.tanh()).sum();
            long before = ArrayPool.held();
            y.backward();
            assertTrue(ArrayPool.held() > before, "intermediate gradients went back to the pool during backward");
            float[] g = x.grad().toArray();
            for (int i = 0; i < N; i++) {
                double t = Math.tanh(xs[i]);
                double expected = (xs[i] > 0 ? 1 : 0) + 1 - t * t;
                assertEquals(expected, g[i], 1e-5, "d/dx at " + i);
            }
            step.keep(x.grad());
        }
        assertEquals(N, x.grad().toArray().length, "the kept leaf gradient is still readable");
    }

    /** Hands the pool arrays of these lengths full of NaN, as if freed tensors had held them. */
    private static void poison(int... lengths) {
        for (int n : lengths) {
            for (int k = 0; k < 4; k++) {
                float[] a = new float[n];
                java.util.Arrays.fill(a, Float.NaN);
                ArrayPool.give(a);
            }
        }
    }

    @Test
    void kernelsThatTakeDirtyArraysOverwriteEveryElement() {
        Random r = new Random(8);
        int n = 2, c = 16, h = 40;
        Tensor x = Tensor.uniform(r, -1, 1, n, c, h, h);
        Tensor w = Tensor.uniform(r, -1, 1, 24, c, 3, 3);
        Tensor w3 = Tensor.uniform(r, -1, 1, 3, c, 7, 7);
        Tensor gamma = Tensor.uniform(r, 0.5f, 1.5f, c);
        Tensor beta = Tensor.uniform(r, -0.5f, 0.5f, c);
        Tensor z = Tensor.uniform(r, -2, 2, n, 1, h, h);
        java.util.function.Supplier<java.util.List<float[]>> run = () -> {
            java.util.List<float[]> out = new java.util.ArrayList<>();
            org.sargan.core.ConvSpec same = new org.sargan.core.ConvSpec(1, 1);
            Tensor y = org.sargan.core.ops.Convolutions.conv2dRaw(x, w, same);
            out.add(y.toArray());
            out.add(org.sargan.core.ops.Convolutions.conv2dWeightGrad(x, y, w.shape(), same).toArray());
            out.add(org.sargan.core.ops.Convolutions.conv2dRaw(x, w3, new org.sargan.core.ConvSpec(1, 3)).toArray());
            out.add(x.relu().add(x.tanh()).mul(x).toArray());
            out.add(org.sargan.core.ops.Normalization.instanceNorm(x, gamma, beta, 1e-5f).toArray());
            out.add(org.sargan.core.ops.Attention.gate(x, x, z).toArray());
            // a copy for p: the CPU backend updates the weights in place
            Tensor p = Tensor.of(x.toArray(), x.shape());
            org.sargan.core.ops.Optimiser.AdamStep s = org.sargan.core.ops.Optimiser.adam(p, x.tanh(), null, null,
                    1e-3f, 2f, 0.5f, 0.999f, 1e-8f);
            out.add(s.param().toArray());
            out.add(s.expAvgSq().toArray());
            return out;
        };
        java.util.List<float[]> clean = run.get();
        poison(n * c * h * h, n * 24 * h * h, 24 * c * 9, n * 3 * h * h, n * h * h);
        java.util.List<float[]> after = run.get();
        for (int k = 0; k < clean.size(); k++) {
            assertArrayEquals(clean.get(k), after.get(k), "result " + k + " after the pool held NaN arrays");
        }
    }

    /**
     * A heap of 128 MB (serial collector, 16 MB of it young) whose pool holds 60 MB of free arrays, asked for 70 MB
     * more: that fits only if the pool lets its arrays go. Run in a child JVM, whose heap this test can choose.
     */
    @Test
    void aFullHeapDropsThePoolInsteadOfFailing() throws Exception {
        String jvm = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-Xmx128m", "-Xmn16m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), HeapFiller.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("held 60 MB, then allocated 70 MB, held 0 MB"), out);
    }

    /** The child of {@link #aFullHeapDropsThePoolInsteadOfFailing}; exit code 1 if the allocation failed. */
    static final class HeapFiller {
        public static void main(String[] args) {
            int mb = 1 << 18; // floats per MB
            for (int k = 0; k < 15; k++) {
                ArrayPool.give(new float[4 * mb]);
            }
            long held = ArrayPool.held() / mb;
            try {
                float[] big = ArrayPool.dirty(70 * mb);
                System.out.println("held " + held + " MB, then allocated " + big.length / mb + " MB, held "
                        + ArrayPool.held() / mb + " MB");
            } catch (OutOfMemoryError e) {
                System.out.println("held " + held + " MB, then: " + e);
                System.exit(1);
            }
        }
    }
}
