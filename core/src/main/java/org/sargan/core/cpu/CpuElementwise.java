package org.sargan.core.cpu;

import org.sargan.core.Binary;
import org.sargan.core.Shape;
import org.sargan.core.Unary;

/** Element-wise kernels with broadcasting, on float arrays: the CPU twin of elementwise.cu. */
final class CpuElementwise {
    /** Elements per parallel chunk: large enough that a chunk costs more than handing it to a thread. */
    private static final int GRAIN = 1 << 15;
    private static final boolean SIMD = SimdSupport.enabled();

    private CpuElementwise() {
    }

    static float[] unary(Unary op, float[] x, float alpha) {
        float[] y = ArrayPool.dirty(x.length);
        Parallel.forRange(x.length, GRAIN, (lo, hi) -> unaryRange(op, x, y, alpha, lo, hi));
        return y;
    }

    private static void unaryRange(Unary op, float[] x, float[] y, float a, int lo, int hi) {
        if (SIMD && (op == Unary.RELU || op == Unary.LEAKY_RELU || op == Unary.LEAKY_RELU_SLOPE)) {
            VectorLoops.rectify(op == Unary.RELU ? VectorLoops.Rectifier.RELU
                    : op == Unary.LEAKY_RELU ? VectorLoops.Rectifier.LEAKY : VectorLoops.Rectifier.SLOPE, x, y, a, lo, hi);
            return;
        }
        if (SIMD && op == Unary.TANH) {
            VectorLoops.tanh(x, y, lo, hi);
            return;
        }
        switch (op) {
            case NEG -> { for (int i = lo; i < hi; i++) { y[i] = -x[i]; } }
            case EXP -> { for (int i = lo; i < hi; i++) { y[i] = (float) Math.exp(x[i]); } }
            case LOG -> { for (int i = lo; i < hi; i++) { y[i] = (float) Math.log(x[i]); } }
            case SQRT -> { for (int i = lo; i < hi; i++) { y[i] = (float) Math.sqrt(x[i]); } }
            case ABS -> { for (int i = lo; i < hi; i++) { y[i] = Math.abs(x[i]); } }
            case SIGN -> { for (int i = lo; i < hi; i++) { y[i] = Math.signum(x[i]); } }
            case RELU -> { for (int i = lo; i < hi; i++) { y[i] = x[i] > 0 ? x[i] : 0f; } }
            case LEAKY_RELU -> { for (int i = lo; i < hi; i++) { y[i] = x[i] > 0 ? x[i] : a * x[i]; } }
            case LEAKY_RELU_SLOPE -> { for (int i = lo; i < hi; i++) { y[i] = x[i] > 0 ? 1f : a; } }
            case TANH -> { for (int i = lo; i < hi; i++) { y[i] = tanh(x[i]); } }
            case SIGMOID -> { for (int i = lo; i < hi; i++) { y[i] = sigmoid(x[i]); } }
            case POW -> { for (int i = lo; i < hi; i++) { y[i] = pow(x[i], a); } }
            case SCALE -> { for (int i = lo; i < hi; i++) { y[i] = a * x[i]; } }
            case ADD_SCALAR -> { for (int i = lo; i < hi; i++) { y[i] = x[i] + a; } }
            default -> throw new IllegalArgumentException("unary: unknown op " + op);
        }
    }

    /**
     * tanh(x) one float at a time, from adds, multiplies, one division and bit shifts only: the same operations in
     * the same order as each lane of {@link VectorLoops#tanh}. Java's float arithmetic is exactly rounded, as every
     * vector lane's is, so the route without SIMD, the vector route and its tail give the same bits, compiled or
     * interpreted (the Vector API's TANH and Math.tanh are neither: see {@link VectorLoops#tanh}). Below 2^-12, x
     * itself (-0 and subnormals stay); below {@link #TANH_SERIES_BELOW} the odd Taylor series to x^21; above, 1 - 2 /
     * (e^{2|x|} + 1) with the sign of x, e^y as 2^k e^r (|r| <= ln2 / 2, Taylor to r^7), 2|x| clamped to 19 (tanh is
     * 1 in float from 9.01). NaN stays NaN, the infinities give +-1.
     */
    static float tanh(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float p = z * 9.69153796e-5f + -2.39129114e-4f;
        p = p * z + 5.90027441e-4f;
        p = p * z + -1.45583438e-3f;
        p = p * z + 3.59212803e-3f;
        p = p * z + -8.86323552e-3f;
        p = p * z + 2.18694885e-2f;
        p = p * z + -5.39682540e-2f;
        p = p * z + 1.33333333e-1f;
        p = p * z + -3.33333333e-1f;
        float small = x + x * z * p;
        float t2 = Math.min(a, 9.5f) * 2f;
        // k rounded to the nearest integer by adding 1.5 * 2^23: it is then the float's low mantissa bits
        float kShifted = t2 * 1.44269504f + 0x1.8p23f;
        float kf = kShifted - 0x1.8p23f;
        float r = t2 - kf * 0.693145752f - kf * 1.42860677e-6f;
        float q = r * 1.98412698e-4f + 1.38888889e-3f;
        q = q * r + 8.33333333e-3f;
        q = q * r + 4.16666667e-2f;
        q = q * r + 1.66666667e-1f;
        q = q * r + 0.5f;
        q = q * r + 1f;
        q = q * r + 1f;
        float e = q * Float.intBitsToFloat((Float.floatToRawIntBits(kShifted) - (0x4b400000 - 127)) << 23);
        float large = -(2f / (e + 1f)) + 1f;
        if (x < 0f) {
            large = -large;
        }
        float out = a < TANH_SERIES_BELOW ? small : large;
        return a < 0x1p-12f ? x : out;
    }

    /**
     * Where {@link #tanh} changes from its series to the exponential: low enough for the series to x^21, high enough
     * that 1 - 2 / (e + 1) does not lose digits to cancellation (every fifth float from 2^-13 to 10: the switch at
     * 0.55, 0.625 and 0.7 kept 1 ulp, at 0.8 it did not).
     */
    static final float TANH_SERIES_BELOW = 0.625f;

    /** How far {@link #tanh} may be from {@code (float) Math.tanh}, in units in the last place. */
    static final int TANH_ULPS = 1;

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    private static float pow(float x, float p) {
        if (p == 2f) {
            return x * x;
        }
        if (p == 1f) {
            return x;
        }
        return (float) Math.pow(x, p);
    }

    /** {@code acc[i] += g[i]} over equal lengths, in place (the float of {@code binary(ADD, acc, g)}). */
    static void addInto(float[] acc, float[] g) {
        Parallel.forRange(acc.length, GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                acc[i] += g[i];
            }
        });
    }

    static float[] binary(Binary op, float[] a, int[] as, float[] b, int[] bs, int[] out) {
        float[] y = ArrayPool.dirty(Shape.numel(out));
        Strided plan = new Strided(out, Shape.padLeft(as, out.length), Shape.padLeft(bs, out.length));
        int inner = plan.inner;
        int sa = plan.innerStride(1);
        int sb = plan.innerStride(2);
        int rowsPerChunk = Math.max(1, GRAIN / inner);
        Parallel.forRange(plan.rows, rowsPerChunk, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                binaryRow(op, a, plan.offset(1, r), sa, b, plan.offset(2, r), sb, y, plan.offset(0, r), inner);
            }
        });
        return y;
    }

    private static void binaryRow(Binary op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] y, int yo,
            int n) {
        if (sa == 1 && sb == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i] + b[bo + i]; } }
                case SUB -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i] - b[bo + i]; } }
                case MUL -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i] * b[bo + i]; } }
                case DIV -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i] / b[bo + i]; } }
                default -> throw new IllegalArgumentException("binary: unknown op " + op);
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i * sa] + b[bo + i * sb]; } }
            case SUB -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i * sa] - b[bo + i * sb]; } }
            case MUL -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i * sa] * b[bo + i * sb]; } }
            case DIV -> { for (int i = 0; i < n; i++) { y[yo + i] = a[ao + i * sa] / b[bo + i * sb]; } }
            default -> throw new IllegalArgumentException("binary: unknown op " + op);
        }
    }
}
