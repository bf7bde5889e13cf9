package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Matrix multiplication of 2-D tensors, optionally transposing either operand (no copy is made). */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /** {@code op(a) * op(b)}, where op transposes when the flag is set. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        Shape.checkRank("matmul", "left operand", a, 2, "(M, K)");
        Shape.checkRank("matmul", "right operand", b, 2, "(K, N)");
        int ka = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(a.shape())
                    + (transA ? "^T" : "") + " x " + Shape.str(b.shape()) + (transB ? "^T" : "") + " (" + ka + " vs "
                    + kb + ")");
        }
        Elementwise.backendOf("matmul", a, b);
        Tensor y = a.backend().matmul(a, b, transA, transB);
        // C = op(A) op(B): d op(A) = G op(B)^T and d op(B) = op(A)^T G, transposed back where op transposed.
        return Autograd.record("matmul", y, new Tensor[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? (transA ? matmul(b, gy, transB, true) : matmul(gy, b, false, !transB)) : null,
            needs[1] ? (transB ? matmul(gy, a, true, transA) : matmul(a, gy, !transA, false)) : null});
    }
}
