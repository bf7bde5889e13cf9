package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.sargan.core.Tolerances;

/**
 * The blocked GEMM against a naive double-precision triple loop, on odd sizes that leave partial MR x NR tiles and
 * partial KC blocks, for every transpose combination; the SIMD and plain-Java kernels must agree bit for bit.
 */
class GemmTest {

    /** A(i, k) = a[i*aRs + k*aCs] etc.: the naive reference, accumulated in double. */
    private static double[] naive(int m, int n, int k, float[] a, int aRs, int aCs, float[] b, int bRs, int bCs) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * aRs + p * aCs] * b[p * bRs + j * bCs];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static float[] random(Random r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return d;
    }

    /** Relative error against the double reference, scaled by the size of the dot products. */
    private static void assertClose(double[] expected, float[] actual, int k, String what) {
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]) / Math.sqrt(k);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertTrue(worst <= Tolerances.FP32_SUM_REL, what + ": worst error " + worst + " at " + at + " (expected "
                + (at >= 0 ? expected[at] : 0) + ", got " + (at >= 0 ? actual[at] : 0) + ")");
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @CsvSource({
        "1, 1, 1, false, false", "7, 5, 3, false, false", "9, 33, 17, false, false", "17, 31, 300, false, false",
        "13, 65, 257, true, false", "33, 19, 600, false, true", "130, 70, 513, true, true", "8, 32, 256, false, false",
        "200, 3, 41, false, false", "3, 300, 5, true, true"})
    void matchesNaiveReference(int m, int n, int k, boolean transA, boolean transB) {
        Random r = new Random(m * 31L + n * 7L + k);
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        int aRs = transA ? 1 : k;
        int aCs = transA ? m : 1;
        int bRs = transB ? 1 : n;
        int bCs = transB ? k : 1;
        double[] expected = naive(m, n, k, a, aRs, aCs, b, bRs, bCs);
        float[] scalar = new float[m * n];
        Gemm.sgemm(Gemm.Kernel.SCALAR, m, n, k, a, 0, aRs, aCs, b, 0, bRs, bCs, scalar, 0, n, false);
        assertClose(expected, scalar, k, "plain-Java kernel");
        if (SimdSupport.enabled()) {
            float[] simd = new float[m * n];
            Gemm.sgemm(Gemm.Kernel.SIMD, m, n, k, a, 0, aRs, aCs, b, 0, bRs, bCs, simd, 0, n, false);
            assertArrayEquals(scalar, simd, 0f, "SIMD and plain-Java kernels must give identical bits");
        }
    }

    @Test
    void accumulateAddsIntoC() {
        Random r = new Random(1);
        int m = 11;
        int n = 37;
        int k = 290;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = random(r, m * n);
        double[] expected = naive(m, n, k, a, k, 1, b, n, 1);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += c[i];
        }
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, true);
        assertClose(expected, c, k, "accumulate");
    }

    @Test
    void offsetsAndLeadingDimensions() {
        // multiply sub-blocks of larger arrays into the middle of a larger C
        Random r = new Random(2);
        float[] a = random(r, 20 * 30);
        float[] b = random(r, 30 * 40);
        float[] c = new float[25 * 50];
        int m = 9;
        int n = 21;
        int k = 13;
        Gemm.sgemm(m, n, k, a, 5 * 30 + 2, 30, 1, b, 3 * 40 + 4, 40, 1, c, 2 * 50 + 7, 50, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[(5 + i) * 30 + 2 + p] * b[(3 + p) * 40 + 4 + j];
                }
                assertTrue(Math.abs(s - c[(2 + i) * 50 + 7 + j]) < 1e-4, "element " + i + "," + j);
            }
        }
        assertTrue(c[0] == 0f && c[c.length - 1] == 0f, "nothing written outside the C block");
    }

    @Test
    void agreesWithEjml() {
        Random r = new Random(3);
        int m = 45;
        int n = 70;
        int k = 129;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = new float[m * n];
        Gemm.sgemm(m, n, k, a, b, c);
        SimpleMatrix ea = new SimpleMatrix(m, k);
        SimpleMatrix eb = new SimpleMatrix(k, n);
        for (int i = 0; i < m * k; i++) {
            ea.set(i / k, i % k, a[i]);
        }
        for (int i = 0; i < k * n; i++) {
            eb.set(i / n, i % n, b[i]);
        }
        SimpleMatrix ec = ea.mult(eb);
        double[] expected = new double[m * n];
        for (int i = 0; i < m * n; i++) {
            expected[i] = ec.get(i / n, i % n);
        }
        assertClose(expected, c, k, "EJML");
    }

    @Test
    void simdIsOnWhenTheModuleIsPresent() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the test JVM was started without jdk.incubator.vector");
        assertTrue(SimdSupport.enabled() || !Boolean.parseBoolean(System.getProperty("sargan.simd", "true")),
                SimdSupport.describe());
    }
}
