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
     * tanh in double through Math.exp, which the JIT compiles to a fast intrinsic (Math.tanh is not: 39 ns an
     * element measured, the generator's output layer took 3.8 ms for 98,304 values). Near zero, where (e - 1) / (e + 1)
     * would cancel, the Taylor series to x^7 (its next term is below 3e-13 of x for |x| < 1/16); beyond 20, +-1 (exp
     * would overflow at 355). Either way the double result is rounded once to float: off from (float) Math.tanh by
     * at most one unit in the last place. Keeps -0, NaN and the infinities as Math.tanh does.
     */
    static float tanh(float x) {
        double d = x;
        double a = Math.abs(d);
        if (a < 0.0625) {
            double d2 = d * d;
            return (float) (d * (1 - d2 * (1.0 / 3 - d2 * (2.0 / 15 - d2 * (17.0 / 315)))));
        }
        if (a > 20) {
            return Math.copySign(1f, x);
        }
        double e = Math.exp(2 * d);
        return (float) ((e - 1) / (e + 1));
    }

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
