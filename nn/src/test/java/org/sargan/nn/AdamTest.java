package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sargan.core.Tensor;

class AdamTest {
    /** One scalar parameter p with loss 0.5 * k * p^2 (gradient k * p). */
    private static final class Quadratic extends Module {
        final Parameter p = parameter("p", Tensor.of(new float[] {1f}, 1));

        float step(Adam opt, float k) {
            zeroGrad();
            p.get().mul(p.get()).mul(0.5f * k).sum().backward();
            float g = p.grad().item();
            opt.step();
            return g;
        }
    }

    @Test
    void matchesTheAdamFormulaStepByStep() {
        Quadratic q = new Quadratic();
        Adam opt = new Adam(q, 0.1f, 0.5f, 0.999f);
        double p = 1;
        double m = 0;
        double v = 0;
        for (int t = 1; t <= 5; t++) {
            float g = q.step(opt, 3f);
            assertEquals(3 * p, g, 1e-5);
            m = 0.5 * m + 0.5 * g;
            v = 0.999 * v + 0.001 * g * g;
            double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
            p -= 0.1 / (1 - Math.pow(0.5, t)) * m / denom;
            assertEquals(p, q.p.get().item(), 1e-5, "after step " + t);
        }
        assertEquals(5, opt.stepCount());
    }

    @Test
    void minimisesAQuadratic() {
        Quadratic q = new Quadratic();
        Adam opt = new Adam(q, 0.05f, 0.9f, 0.999f);
        for (int i = 0; i < 300; i++) {
            q.step(opt, 1f);
        }
        assertTrue(Math.abs(q.p.get().item()) < 0.05, "p = " + q.p.get().item());
    }

    @Test
    void stateRoundTripsAndIsChecked() {
        Quadratic a = new Quadratic();
        Adam oa = new Adam(a, 0.1f, 0.5f, 0.999f);
        a.step(oa, 2f);
        Quadratic b = new Quadratic();
        Adam ob = new Adam(b, 0.1f, 0.5f, 0.999f);
        b.loadStateDict(a.stateDict());
        ob.load(oa.state(), oa.stepCount());
        a.step(oa, 2f);
        b.step(ob, 2f);
        assertEquals(a.p.get().item(), b.p.get().item(), 0f, "resumed optimiser takes the identical step");
        assertThrows(IllegalArgumentException.class, () -> ob.load(Map.of("q.exp_avg", Tensor.zeros(1)), 1));
    }

    @Test
    void schedules() {
        LrSchedule ref = LrSchedule.named("reference", 1e-4f, 200_000);
        assertEquals(1e-4f, ref.at(0), 0f);
        assertEquals(1e-4f, ref.at(199_999), 1e-7f, "the reference decay leaves the rate effectively constant");
        assertTrue(ref.at(199_999) < 1e-4f);
        LrSchedule lin = LrSchedule.named("LINEAR", 1e-4f, 200_000);
        assertEquals(1e-4f, lin.at(100_000), 0f);
        assertEquals(0.5e-4f, lin.at(150_000), 1e-9f);
        assertEquals(0f, lin.at(200_000), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrSchedule.named("cosine", 1e-4f, 10));
        assertTrue(e.getMessage().contains("valid: reference, linear"), e.getMessage());
    }
}
