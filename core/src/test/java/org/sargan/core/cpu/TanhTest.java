package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's tanh against Math.tanh: the scalar route (through Math.exp and a series near zero) and, with
 * SIMD, the vector route (the Vector API's tanh), each value also through a whole vector of its own.
 */
class TanhTest {
    private static void assertWithinOneUlp(float x) {
        float want = (float) Math.tanh(x);
        for (float got : routes(x)) {
            assertTrue(Math.abs(got - want) <= Math.ulp(want), "tanh(" + x + ") = " + got + ", Math.tanh gives " + want);
        }
    }

    /**
     * tanh(x) by the scalar function and, with SIMD, by the vector loop (x in every lane of a 40-float run, so in
     * whole vectors and in the tail: the same float in both).
     */
    private static float[] routes(float x) {
        if (!SimdSupport.enabled()) {
            return new float[] {CpuElementwise.tanh(x)};
        }
        float[] xs = new float[40];
        java.util.Arrays.fill(xs, x);
        float[] ys = new float[40];
        VectorLoops.tanh(xs, ys, 0, 40);
        for (float y : ys) {
            assertEquals(Float.floatToRawIntBits(ys[0]), Float.floatToRawIntBits(y), "lanes and tail of tanh(" + x + ")");
        }
        return new float[] {CpuElementwise.tanh(x), ys[0]};
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
        for (float z : routes(-0f)) {
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(z));
        }
        for (float z : routes(0f)) {
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(z));
        }
        for (float z : routes(Float.NaN)) {
            assertTrue(Float.isNaN(z));
        }
        for (float z : routes(Float.POSITIVE_INFINITY)) {
            assertEquals(1f, z);
        }
        for (float z : routes(Float.NEGATIVE_INFINITY)) {
            assertEquals(-1f, z);
        }
    }
}
