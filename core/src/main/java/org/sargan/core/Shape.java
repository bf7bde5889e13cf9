package org.sargan.core;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every op: element counts, validation, broadcasting and dimension lists.
 * Shapes are plain {@code int[]} in row-major (NCHW) order; every tensor is contiguous.
 */
public final class Shape {
    private Shape() {
    }

    /** Number of elements of a shape; the shape must already be valid. */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return (int) n;
    }

    /** Text form used in every error message, e.g. {@code [8, 3, 128, 128]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Checks that a shape is usable for a new tensor: every dimension positive and at most 2^31-1 elements.
     *
     * @throws IllegalArgumentException naming the op, the shape and the offending dimension
     */
    public static int[] checkValid(String op, int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException(op + ": shape is null");
        }
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                throw new IllegalArgumentException(op + ": dimension " + i + " of shape " + str(shape)
                        + " is " + shape[i] + ", expected a positive size");
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": shape " + str(shape) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return shape.clone();
    }

    /** Throws unless the tensor has exactly {@code rank} dimensions; {@code layout} names them, e.g. "(N, C, H, W)". */
    public static void checkRank(String op, String what, Tensor t, int rank, String layout) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + rank + "-D " + layout + ", got shape "
                    + str(t.shape()));
        }
    }

    /** Throws unless both tensors have the same shape. */
    public static void checkSame(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes must match, got " + str(a.shape()) + " and "
                    + str(b.shape()));
        }
    }

    /**
     * NumPy broadcasting: align trailing dimensions; each pair must be equal or contain a 1.
     *
     * @throws IllegalArgumentException naming the op and both shapes when they do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromEnd(a, rank - 1 - i);
            int db = dimFromEnd(b, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": cannot broadcast shapes " + str(a) + " and " + str(b)
                        + " (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** Dimension {@code fromEnd} places before the last one, 1 beyond the shape's rank. */
    private static int dimFromEnd(int[] s, int fromEnd) {
        int i = s.length - 1 - fromEnd;
        return i >= 0 ? s[i] : 1;
    }

    /** {@code small} left-padded with ones to {@code rank} dimensions. */
    public static int[] padLeft(int[] small, int rank) {
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        System.arraycopy(small, 0, out, rank - small.length, small.length);
        return out;
    }

    /** True if {@code small} broadcasts to exactly {@code big}. */
    public static boolean broadcastsTo(int[] small, int[] big) {
        if (small.length > big.length) {
            return false;
        }
        int[] p = padLeft(small, big.length);
        for (int i = 0; i < big.length; i++) {
            if (p[i] != big[i] && p[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Normalises a list of dimensions (negative counts from the end) and checks each is in range and unique.
     *
     * @return a boolean mask over the tensor's dimensions
     */
    public static boolean[] dimMask(String op, int[] shape, int[] dims) {
        boolean[] mask = new boolean[shape.length];
        for (int d : dims) {
            int k = d < 0 ? d + shape.length : d;
            if (k < 0 || k >= shape.length) {
                throw new IllegalArgumentException(op + ": dimension " + d + " is out of range for shape "
                        + str(shape) + " (rank " + shape.length + ")");
            }
            if (mask[k]) {
                throw new IllegalArgumentException(op + ": dimension " + d + " listed twice in " + Arrays.toString(dims));
            }
            mask[k] = true;
        }
        return mask;
    }

    /** Row-major strides of a contiguous tensor. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Elements after dimension {@code dim}: the contiguous run that a slice along dim moves together. */
    public static int inner(int[] shape, int dim) {
        int v = 1;
        for (int i = dim + 1; i < shape.length; i++) {
            v *= shape[i];
        }
        return v;
    }

    /** Elements before dimension {@code dim}: how many such runs there are. */
    public static int outer(int[] shape, int dim) {
        int v = 1;
        for (int i = 0; i < dim; i++) {
            v *= shape[i];
        }
        return v;
    }
}
