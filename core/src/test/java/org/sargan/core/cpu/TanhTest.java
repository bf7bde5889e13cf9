package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CPU backend's tanh (through Math.exp and a series near zero) against Math.tanh. */
class TanhTest {
    private static void assertWithinOneUlp(float x) {
        float want = (float) Math.tanh(x);
        float got = CpuElementwise.tanh(x);
        assertTrue(Math.abs(got - want) <= Math.ulp(want), "tanh(" + x + ") = " + got + ", Math.tanh gives " + want);
    }

    @Test
    void withinOneUlpOfMathTanhEverywhere() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            // magnitudes from 1e-30 to 1e3, both signs: every branch and both thresholds
            float x = (float) (Math.pow(10, -30 + 33 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
            assertWithinOneUlp(x);
        }
        for (float x : new float[] {0.0625f, Math.nextDown(0.0625f), Math.nextUp(0.0625f), 20f, Math.nextUp(20f),
            -0.0625f, -20f, 1e-45f, Float.MIN_NORMAL, 88f, 355f, Float.MAX_VALUE, -Float.MAX_VALUE}) {
            assertWithinOneUlp(x);
        }
    }

    @Test
    void keepsSignedZeroNanAndInfinities() {
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(CpuElementwise.tanh(-0f)));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(CpuElementwise.tanh(0f)));
        assertTrue(Float.isNaN(CpuElementwise.tanh(Float.NaN)));
        assertEquals(1f, CpuElementwise.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, CpuElementwise.tanh(Float.NEGATIVE_INFINITY));
    }
}
