package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's tanh against Math.tanh: the scalar route (through Math.exp and a series near zero) and, with
 * SIMD, the vector route (series and exponential from plain float arithmetic), each value also through a whole
 * vector of its own and a tail; and the vector route against the same arithmetic spelled out one float at a time,
 * bit for bit, which is what makes it give the same floats compiled or interpreted.
 */
class TanhTest {
    private static void assertWithinOneUlp(float x) {
        float want = (float) Math.tanh(x);
        for (float got : routes(x)) {
            assertTrue(Math.abs(got - want) <= VectorLoops.TANH_ULPS * Math.ulp(want),
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

    /**
     * The vector route's arithmetic, one float at a time in the same order: Java's float operations are exactly
     * rounded, so equal bits here mean the vector loop used no approximate intrinsic (as the Vector API's TANH,
     * whose compiled and interpreted forms differ).
     */
    private static float sameArithmetic(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float[] c = {9.69153796e-5f, -2.39129114e-4f, 5.90027441e-4f, -1.45583438e-3f, 3.59212803e-3f,
            -8.86323552e-3f, 2.18694885e-2f, -5.39682540e-2f, 1.33333333e-1f, -3.33333333e-1f};
        float p = z * c[0] + c[1];
        for (int i = 2; i < c.length; i++) {
            p = p * z + c[i];
        }
        float small = x + x * z * p;
        float t2 = Math.min(a, 9.5f) * 2f;
        float kShifted = t2 * 1.44269504f + 0x1.8p23f;
        float kf = kShifted - 0x1.8p23f;
        float r = t2 - kf * 0.693145752f - kf * 1.42860677e-6f;
        float[] e = {1.98412698e-4f, 1.38888889e-3f, 8.33333333e-3f, 4.16666667e-2f, 1.66666667e-1f, 0.5f, 1f, 1f};
        float q = r * e[0] + e[1];
        for (int i = 2; i < e.length; i++) {
            q = q * r + e[i];
        }
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(kShifted) - (0x4b400000 - 127)) << 23);
        float large = -(2f / (q * scale + 1f)) + 1f;
        if (x < 0f) {
            large = -large;
        }
        float out = a < VectorLoops.SERIES_BELOW ? small : large;
        return a < 0x1p-12f ? x : out;
    }

    @Test
    void vectorRouteIsPlainFloatArithmetic() {
        assumeTrue(SimdSupport.enabled(), "the vector route runs with SIMD only");
        Random r = new Random(11);
        float[] xs = new float[4099];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (Math.pow(10, -6 + 8 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
        }
        xs[0] = VectorLoops.SERIES_BELOW;
        xs[1] = Math.nextDown(VectorLoops.SERIES_BELOW);
        xs[2] = 0x1p-12f;
        xs[3] = 9.5f;
        float[] ys = new float[xs.length];
        VectorLoops.tanh(xs, ys, 0, xs.length);
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Float.floatToRawIntBits(sameArithmetic(xs[i])), Float.floatToRawIntBits(ys[i]),
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
