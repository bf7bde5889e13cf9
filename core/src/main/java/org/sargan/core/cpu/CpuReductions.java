package org.sargan.core.cpu;

import java.util.Arrays;
import org.sargan.core.Shape;

/** The sum/expand pair (each the other's adjoint) on float arrays: the CPU twin of reductions.cu. */
final class CpuReductions {
    /** Elements per parallel chunk of expand, as in the element-wise kernels. */
    private static final int GRAIN = 1 << 15;

    private CpuReductions() {
    }

    /**
     * Sums x down to {@code shape} (same rank, 1 where reduced). Accumulates in double, sequentially in index
     * order, so the result does not depend on threads.
     */
    static float[] sumTo(float[] x, int[] xs, int[] shape) {
        Strided plan = new Strided(xs, shape);
        double[] acc = new double[Shape.numel(shape)];
        int inner = plan.inner;
        boolean reduceInner = plan.innerStride(1) == 0;
        for (int r = 0; r < plan.rows; r++) {
            int xo = plan.offset(0, r);
            int yo = plan.offset(1, r);
            if (reduceInner) {
                double s = 0;
                for (int i = 0; i < inner; i++) {
                    s += x[xo + i];
                }
                acc[yo] += s;
            } else {
                for (int i = 0; i < inner; i++) {
                    acc[yo + i] += x[xo + i];
                }
            }
        }
        float[] y = ArrayPool.zeroed(acc.length);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) acc[i];
        }
        return y;
    }

    /** Broadcasts x (same rank, dimensions of 1 repeated) to {@code shape}. */
    static float[] expand(float[] x, int[] xs, int[] shape) {
        Strided plan = new Strided(shape, xs);
        float[] y = ArrayPool.zeroed(Shape.numel(shape));
        int inner = plan.inner;
        int sx = plan.innerStride(1);
        Parallel.forRange(plan.rows, Math.max(1, GRAIN / inner), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yo = plan.offset(0, r);
                int xo = plan.offset(1, r);
                if (sx == 0) {
                    Arrays.fill(y, yo, yo + inner, x[xo]);
                } else {
                    System.arraycopy(x, xo, y, yo, inner);
                }
            }
        });
        return y;
    }
}
