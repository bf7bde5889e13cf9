package org.sargan.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sargan.core.BackendSuite;
import org.sargan.core.Tensor;

/**
 * The fused Adam step, by hand: it has no gradient, so it has no rows in the op table. Written once, run on every
 * backend.
 */
public class OptimiserTest extends BackendSuite {
    @Test
    void twoAdamStepsByHand() {
        // lr 0.1, betas (0.9, 0.999), p = 1, g = 0.5 then -0.5.
        // step 1: m = 0.05, v = 0.00025, m^ / sqrt(v^) = 0.05 / 0.1 / (0.0158114 / 0.0316228) = 1: p = 1 - 0.1
        // step 2: m = 0.045 - 0.05 = -0.005, v = 0.00024975 + 0.00025 = 0.00049975,
        //         p = 0.9 - 0.1 / 0.19 * -0.005 / (sqrt(0.00049975) / sqrt(0.001999) + 1e-8) = 0.90526316
        Tensor p = t(new float[] {1}, 1);
        Tensor m = null;
        Tensor v = null;
        float[] g = {0.5f, -0.5f};
        float[] expected = {0.9f, 0.90526316f};
        for (int step = 1; step <= 2; step++) {
            float c1 = 1 - (float) Math.pow(0.9, step);
            float c2 = (float) Math.sqrt(1 - Math.pow(0.999, step));
            Optimiser.AdamStep s = Optimiser.adam(p, t(new float[] {g[step - 1]}, 1), m, v, 0.1f / c1, 1 / c2, 0.9f,
                    0.999f, 1e-8f);
            p = s.param();
            m = s.expAvg();
            v = s.expAvgSq();
            assertEquals(expected[step - 1], p.item(), TOL, "p after step " + step);
        }
        assertEquals(-0.005f, m.item(), TOL);
        assertEquals(0.00049975f, v.item(), TOL);
    }

    @Test
    void mismatchedMomentsAreNamed() {
        Tensor p = t(new float[] {1, 2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimiser.adam(p, p, t(new float[] {0, 0}, 2), null, 1, 1, 0.9f, 0.999f, 1e-8f));
        assertEquals("adam: the moments come in pairs; got m [2] and v null", e.getMessage());
    }
}
