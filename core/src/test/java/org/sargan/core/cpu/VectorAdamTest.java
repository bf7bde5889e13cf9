package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU Adam step (a vector at a time where SIMD is on) against the formula of {@code Backend.adamUpdate} written
 * out per element in plain Java: the same floats, element for element, including a tail shorter than a vector.
 */
class VectorAdamTest {
    @Test
    void theUpdateIsTheScalarFormulaToTheBit() {
        int n = 1003;
        Random r = new Random(12);
        float[] p = new float[n];
        float[] g = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian() * (i % 7 == 0 ? 1e-4f : 1f);
            m[i] = (float) r.nextGaussian() * 0.1f;
            v[i] = r.nextFloat() * 0.01f;
        }
        float[] p0 = p.clone();
        float[] m0 = m.clone();
        float[] v0 = v.clone();
        float lr = 2e-4f / 0.19f;
        float invC2 = 1 / (float) Math.sqrt(1 - Math.pow(0.999, 2));
        CpuOptimiser.adam(p, g, m, v, lr, invC2, 0.9f, 0.999f, 1e-8f);
        for (int i = 0; i < n; i++) {
            float mi = m0[i] * 0.9f + g[i] * (1 - 0.9f);
            float vi = v0[i] * 0.999f + g[i] * g[i] * (1 - 0.999f);
            float denom = (float) Math.sqrt(vi) * invC2 + 1e-8f;
            assertEquals(mi, m[i], 0f, "m at " + i);
            assertEquals(vi, v[i], 0f, "v at " + i);
            assertEquals(p0[i] - mi / denom * lr, p[i], 0f, "p at " + i);
        }
    }
}
