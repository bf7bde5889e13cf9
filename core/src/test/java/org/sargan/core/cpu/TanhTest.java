package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's tanh against Math.tanh: the scalar route and, with SIMD, the vector route (both series and
 * exponential from plain float arithmetic), each value also through a whole vector of its own and a tail; and the
 * vector route against the scalar one, bit for bit: Java's float arithmetic is exactly rounded, so equal bits mean
 * the vector loop used no approximate intrinsic (as the Vector API's TANH, whose compiled and interpreted forms
 * differ), and the route taken (SIMD or not, interpreted or compiled) changes nothing.
 */
class TanhTest {
    private static void assertWithinOneUlp(float x) {
        float want = (float) Math.tanh(x);
        for (float got : routes(x)) {
            assertTrue(Math.abs(got - want) <= CpuElementwise.TANH_ULPS * Math.ulp(want),
                    "tanh(" + x + ") = " + got + ", Math.tanh gives " + want);
        }
    }

    /**
     * tanh(x) by the scalar function and, with SIMD, by the vector loop (x in every lane of a 41-float run, so in
     * whole vectors and in a tail for 4, 8 or 16 lanes: the same float in both).
     */
    private static float[] routes(float x) {
        if (!SimdSupport.enabled()) {
            return new float[] {CpuElementwise.tanh(x)};
        }
        float[] xs = new float[41];
        java.util.Arrays.fill(xs, x);
        float[] ys = new float[41];
        VectorLoops.tanh(xs, ys, 0, 41);
        for (float y : ys) {
            assertEquals(Float.floatToRawIntBits(ys[0]), Float.floatToRawIntBits(y),
                    "lanes and tail of tanh(" + x + ")");
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
    void vectorRouteGivesTheScalarRoutesBits() {
        assumeTrue(SimdSupport.enabled(), "the vector route runs with SIMD only");
        Random r = new Random(11);
        float[] xs = new float[4099];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (Math.pow(10, -6 + 8 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
        }
        xs[0] = CpuElementwise.TANH_SERIES_BELOW;
        xs[1] = Math.nextDown(CpuElementwise.TANH_SERIES_BELOW);
        xs[2] = 0x1p-12f;
        xs[3] = 9.5f;
        float[] ys = new float[xs.length];
        VectorLoops.tanh(xs, ys, 0, xs.length);
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Float.floatToRawIntBits(CpuElementwise.tanh(xs[i])), Float.floatToRawIntBits(ys[i]),
                    "tanh(" + xs[i] + ")");
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
