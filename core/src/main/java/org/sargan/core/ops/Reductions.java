package org.sargan.core.ops;

import java.util.Arrays;
import org.sargan.core.Autograd;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Sums and means, and the pair of broadcasting adjoints: {@link #sumTo} (reduce a broadcast result back to an
 * operand's shape) and {@link #expand} (broadcast up). Each is the other's backward.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Sum of all elements, as a scalar (shape []). */
    public static Tensor sum(Tensor x) {
        int[] ones = new int[x.rank()];
        Arrays.fill(ones, 1);
        return Shapes.reshape(sumTo(x, ones));
    }

    /** Sum over the listed dimensions (negative counts from the end). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int[] shape = x.shape();
        boolean[] mask = Shape.dimMask("sum", shape, dims);
        int[] kept = shape.clone();
        int rank = 0;
        for (int i = 0; i < shape.length; i++) {
            if (mask[i]) {
                kept[i] = 1;
            } else {
                rank++;
            }
        }
        Tensor s = sumTo(x, kept);
        if (keepDim) {
            return s;
        }
        int[] squeezed = new int[rank];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (!mask[i]) {
                squeezed[j++] = shape[i];
            }
        }
        return Shapes.reshape(s, squeezed);
    }

    public static Tensor mean(Tensor x) {
        return Elementwise.scale(sum(x), 1f / x.numel());
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        Tensor s = sum(x, dims, keepDim);
        return Elementwise.scale(s, (float) s.numel() / x.numel());
    }

    /**
     * Reduces {@code x} by summation to {@code shape}, which must broadcast to x's shape (the gradient of a
     * broadcast). Returns x itself when the shapes already agree.
     */
    public static Tensor sumTo(Tensor x, int[] shape) {
        int[] xs = x.shape();
        if (Arrays.equals(xs, shape)) {
            return x;
        }
        if (!Shape.broadcastsTo(shape, xs)) {
            throw new IllegalArgumentException("sum_to: shape " + Shape.str(shape) + " does not broadcast to "
                    + Shape.str(xs));
        }
        int[] padded = Shape.padLeft(shape, xs.length);
        Tensor y = x.backend().sumTo(x, padded);
        Tensor out = padded.length == shape.length ? y : new Tensor(y.storage(), shape);
        return Autograd.record("sum_to", out, new Tensor[] {x}, (gy, needs) -> new Tensor[] {expand(gy, xs)});
    }

    /** Broadcasts {@code x} to {@code shape} (e.g. a label (N, C, 1, 1) tiled to (N, C, H, W)). */
    public static Tensor expand(Tensor x, int[] shape) {
        int[] xs = x.shape();
        if (Arrays.equals(xs, shape)) {
            return x;
        }
        if (!Shape.broadcastsTo(xs, shape)) {
            throw new IllegalArgumentException("expand: shape " + Shape.str(xs) + " cannot be broadcast to "
                    + Shape.str(shape));
        }
        Shape.checkValid("expand", shape);
        Tensor src = xs.length == shape.length ? x : new Tensor(x.storage(), Shape.padLeft(xs, shape.length));
        Tensor y = x.backend().expand(src, shape);
        return Autograd.record("expand", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {sumTo(gy, xs)});
    }
}
