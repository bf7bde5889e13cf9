package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Ops that move data without arithmetic: reshape, concatenation, slicing, label tiling. */
public final class Shapes {
    private Shapes() {
    }

    /** Same data in a new shape (shares storage); one dimension may be -1 and is then inferred. */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] target = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1 && infer < 0) {
                infer = i;
            } else if (target[i] <= 0) {
                throw new IllegalArgumentException("reshape: dimension " + i + " of " + Shape.str(shape) + " is "
                        + target[i] + ", expected a positive size or a single -1");
            } else {
                known *= target[i];
            }
        }
        if (infer >= 0) {
            if (x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape()) + " ("
                        + x.numel() + " elements) as " + Shape.str(shape));
            }
            target[infer] = (int) (x.numel() / known);
        }
        if (Shape.numel(target) != x.numel()) {
            throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape()) + " (" + x.numel()
                    + " elements) as " + Shape.str(shape) + " (" + Shape.numel(target) + " elements)");
        }
        int[] xs = x.shape();
        Tensor y = new Tensor(x.storage(), target);
        return Autograd.record("reshape", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {reshape(gy, xs)});
    }

    /** Concatenation along {@code dim}; all other dimensions must agree (SARGAN joins image and label planes). */
    public static Tensor concat(int dim, Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        int[] first = xs[0].shape();
        int d = dim < 0 ? dim + first.length : dim;
        if (d < 0 || d >= first.length) {
            throw new IllegalArgumentException("concat: dimension " + dim + " is out of range for shape "
                    + Shape.str(first));
        }
        int total = 0;
        int[] sizes = new int[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int[] s = xs[i].shape();
            boolean ok = s.length == first.length;
            for (int k = 0; ok && k < s.length; k++) {
                ok = k == d || s[k] == first[k];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + Shape.str(first) + " and " + Shape.str(s)
                        + " (tensor " + i + ") differ outside dimension " + d);
            }
            Elementwise.backendOf("concat", xs[0], xs[i]);
            sizes[i] = s[d];
            total += s[d];
        }
        Tensor y = xs[0].backend().concat(xs.clone(), d);
        return Autograd.record("concat", y, xs, (gy, needs) -> {
            Tensor[] g = new Tensor[sizes.length];
            for (int i = 0, off = 0; i < sizes.length; off += sizes[i], i++) {
                g[i] = needs[i] ? narrow(gy, d, off, sizes[i]) : null;
            }
            return g;
        });
    }

    /** The slice {@code [start, start + length)} along {@code dim}. */
    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        int[] s = x.shape();
        if (dim < 0 || dim >= s.length || start < 0 || length <= 0 || start + length > s[dim]) {
            throw new IllegalArgumentException("narrow: slice [" + start + ", " + (start + length) + ") of dimension "
                    + dim + " is outside shape " + Shape.str(s));
        }
        Tensor y = x.backend().narrow(x, dim, start, length);
        int size = s[dim];
        return Autograd.record("narrow", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            unnarrow(gy, dim, start, size)});
    }

    /** Adjoint of {@link #narrow}: places x at {@code start} of dimension {@code dim} in zeros of length size. */
    public static Tensor unnarrow(Tensor x, int dim, int start, int size) {
        int[] s = x.shape();
        if (dim < 0 || dim >= s.length || start < 0 || start + s[dim] > size) {
            throw new IllegalArgumentException("unnarrow: " + Shape.str(s) + " does not fit at " + start
                    + " of dimension " + dim + " with size " + size);
        }
        Tensor y = x.backend().unnarrow(x, dim, start, size);
        int length = s[dim];
        return Autograd.record("unnarrow", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            narrow(gy, dim, start, length)});
    }

    /** Tiles a label batch (N, C) to planes (N, C, H, W), as SARGAN does before concatenating it to the image. */
    public static Tensor tile(Tensor labels, int height, int width) {
        Shape.checkRank("tile", "labels", labels, 2, "(N, C)");
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("tile: spatial size " + height + "x" + width + " must be positive");
        }
        int n = labels.dim(0);
        int c = labels.dim(1);
        return Reductions.expand(reshape(labels, n, c, 1, 1), new int[] {n, c, height, width});
    }
}
