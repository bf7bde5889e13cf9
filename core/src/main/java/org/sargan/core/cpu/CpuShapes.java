package org.sargan.core.cpu;

import org.sargan.core.Shape;

/**
 * Concatenation, narrowing and its adjoint on float arrays (the CPU twin of shapes.cu). All three are one move:
 * a block of {@code len} elements from each of {@code outer} rows, between arrays of different row lengths.
 */
final class CpuShapes {
    private CpuShapes() {
    }

    /** The parts, each of shape {@code shapes[i]}, joined along {@code dim} into {@code out}. */
    static float[] concat(float[][] parts, int[][] shapes, int[] out, int dim) {
        int inner = Shape.inner(out, dim);
        int outer = Shape.outer(out, dim);
        float[] y = ArrayPool.zeroed(Shape.numel(out));
        int off = 0;
        for (int i = 0; i < parts.length; i++) {
            int len = shapes[i][dim] * inner;
            copyRows(parts[i], len, 0, y, out[dim] * inner, off, len, outer);
            off += len;
        }
        return y;
    }

    /** The slice {@code [start, start + length)} of dimension {@code dim} of x (shape s). */
    static float[] narrow(float[] x, int[] s, int dim, int start, int length) {
        int inner = Shape.inner(s, dim);
        float[] y = ArrayPool.zeroed(Shape.outer(s, dim) * length * inner);
        copyRows(x, s[dim] * inner, start * inner, y, length * inner, 0, length * inner, Shape.outer(s, dim));
        return y;
    }

    /** gy (shape s) embedded at {@code start} of dimension {@code dim} in zeros of {@code size}. */
    static float[] unnarrow(float[] gy, int[] s, int dim, int start, int size) {
        int inner = Shape.inner(s, dim);
        float[] y = ArrayPool.zeroed(Shape.outer(s, dim) * size * inner);
        copyRows(gy, s[dim] * inner, 0, y, size * inner, start * inner, s[dim] * inner, Shape.outer(s, dim));
        return y;
    }

    private static void copyRows(float[] src, int srcRow, int srcOff, float[] dst, int dstRow, int dstOff, int len,
            int outer) {
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, o * srcRow + srcOff, dst, o * dstRow + dstOff, len);
        }
    }
}
