package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector loops for instance norm's plane statistics against plain double sums, on lengths around the vector
 * length (the scalar tail) and at an offset into the array.
 */
class NormStatisticsTest {
    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 15, 16, 17, 33, 100, 4099})
    void vectorStatisticsMatchPlainSums(int n) {
        assumeTrue(SimdSupport.enabled(), "needs --add-modules=jdk.incubator.vector");
        Random r = new Random(n);
        int o = 5;
        float[] x = new float[o + n];
        float[] gy = new float[o + n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3 + 2);
            gy[i] = (float) r.nextGaussian();
        }
        double sum = 0;
        for (int i = o; i < o + n; i++) {
            sum += x[i];
        }
        double mu = sum / n;
        double dev = 0;
        double prod = 0;
        float muf = (float) mu;
        float rs = 0.7f;
        for (int i = o; i < o + n; i++) {
            dev += (x[i] - mu) * (x[i] - mu);
            prod += gy[i] * ((x[i] - muf) * rs);
        }
        double tol = 1e-12 * n;
        assertEquals(sum, VectorLoops.sum(x, o, n), tol * (1 + Math.abs(sum)), "sum");
        assertEquals(dev, VectorLoops.squaredDeviations(x, o, n, mu), tol * (1 + dev), "squared deviations");
        assertEquals(prod, VectorLoops.sumProductWithXhat(gy, o, x, o, n, muf, rs), tol * (1 + Math.abs(prod)),
                "sum of gy * xhat");
    }
}
