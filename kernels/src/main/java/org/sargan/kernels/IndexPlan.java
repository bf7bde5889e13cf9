package org.sargan.kernels;

import java.util.Arrays;
import org.sargan.core.Shape;

/**
 * How a kernel walks a shape while reading one operand and writing (or reading) another with different strides:
 * broadcasting (stride 0), permutes, slices. The host builds it, drops dimensions of size 1, merges neighbours that
 * both operands store contiguously (so a broadcast bias over (N, C, H, W) becomes a 2-D walk), and packs it as the
 * {@code IndexPlan} struct of {@code common.cuh}: rank, shape[8], a[8], b[8].
 */
public final class IndexPlan {
    /** Must equal MAX_DIMS in common.cuh. */
    public static final int MAX_DIMS = 8;

    final int[] shape;
    final int[] a;
    final int[] b;

    private IndexPlan(int[] shape, int[] a, int[] b) {
        this.shape = shape;
        this.a = a;
        this.b = b;
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    public static int[] contiguous(int[] shape) {
        return Shape.strides(shape);
    }

    /** Strides of a contiguous tensor of {@code from} read as {@code to} (same rank): 0 where from has 1. */
    public static int[] broadcastStrides(int[] from, int[] to) {
        int[] s = contiguous(from);
        for (int d = 0; d < from.length; d++) {
            if (from[d] == 1 && to[d] != 1) {
                s[d] = 0;
            }
        }
        return s;
    }

    /** The plan for walking {@code shape} with strides {@code a} and {@code b}, simplified. */
    public static IndexPlan of(int[] shape, int[] a, int[] b) {
        if (shape.length != a.length || shape.length != b.length) {
            throw new IllegalArgumentException("index plan: shape " + Shape.str(shape) + " with strides "
                    + Arrays.toString(a) + " and " + Arrays.toString(b) + " differ in rank");
        }
        int[] s = new int[shape.length];
        int[] sa = new int[shape.length];
        int[] sb = new int[shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;  // a dimension of 1 moves nothing
            }
            if (r > 0 && sa[r - 1] == a[d] * shape[d] && sb[r - 1] == b[d] * shape[d]) {
                // the previous dimension steps exactly over this one in both operands: one longer dimension
                s[r - 1] *= shape[d];
                sa[r - 1] = a[d];
                sb[r - 1] = b[d];
                continue;
            }
            s[r] = shape[d];
            sa[r] = a[d];
            sb[r] = b[d];
            r++;
        }
        if (r > MAX_DIMS) {
            throw new IllegalArgumentException("index plan: shape " + Shape.str(shape) + " needs " + r
                    + " dimensions after merging, the CUDA kernels handle at most " + MAX_DIMS);
        }
        return new IndexPlan(Arrays.copyOf(s, r), Arrays.copyOf(sa, r), Arrays.copyOf(sb, r));
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        long n = 1;
        for (int v : shape) {
            n *= v;
        }
        return n;
    }

    /** The struct as the kernel reads it: rank, then shape, a and b each padded to MAX_DIMS. */
    public int[] pack() {
        int[] p = new int[1 + 3 * MAX_DIMS];
        p[0] = shape.length;
        System.arraycopy(shape, 0, p, 1, shape.length);
        System.arraycopy(a, 0, p, 1 + MAX_DIMS, a.length);
        System.arraycopy(b, 0, p, 1 + 2 * MAX_DIMS, b.length);
        return p;
    }

    @Override
    public String toString() {
        return "plan " + Arrays.toString(shape) + " a " + Arrays.toString(a) + " b " + Arrays.toString(b);
    }
}
