package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Shapes family on the GPU: concat, narrow and its adjoint, all one strided copy (shapes.cu). The same copy serves
 * the other families' permutes and broadcasts.
 */
final class CudaShapes {
    private final Launcher gpu;

    CudaShapes(Launcher gpu) {
        this.gpu = gpu;
    }

    /** dst[dstOffset + plan.b] = src[srcOffset + plan.a] over the plan's shape. */
    void copyStrided(CudaStorage src, int srcOffset, CudaStorage dst, int dstOffset, IndexPlan plan, String what) {
        long n = plan.numel();
        gpu.launch("copy_strided_kernel", gpu.linear(n), new KernelArgs().ptr(src).ptr(dst).i((int) n).i(srcOffset)
                .i(dstOffset).ints(plan.pack()), what);
    }

    /** (A, B, R) -> (B, A, R): between the GEMM's (Cout, N*HoWo) and the tensor's (N, Cout, HoWo). */
    CudaStorage swap01(CudaStorage src, int a, int b, int r, String what) {
        CudaStorage dst = gpu.empty(a * b * r, what + " permute");
        // walk the destination (B, A, R) in order; the source steps r along B and b*r along A
        copyStrided(src, 0, dst, 0, IndexPlan.of(new int[] {b, a, r}, new int[] {r, b * r, 1},
                new int[] {a * r, r, 1}), what);
        return dst;
    }

    /** Copies rows of {@code len} floats: source row r at r*srcRow + srcOff, destination at r*dstRow + dstOff. */
    private void copyRows(CudaStorage src, int srcRow, int srcOff, CudaStorage dst, int dstRow, int dstOff, int rows,
            int len, String what) {
        copyStrided(src, srcOff, dst, dstOff, IndexPlan.of(new int[] {rows, len}, new int[] {srcRow, 1},
                new int[] {dstRow, 1}), what);
    }

    Tensor concat(Tensor[] xs, int dim) {
        int[] out = xs[0].shape();
        out[dim] = 0;
        for (Tensor t : xs) {
            out[dim] += t.dim(dim);
        }
        String what = "concat " + xs.length + " tensors to " + Shape.str(out) + " along " + dim;
        Tensor y = gpu.emptyTensor(out, what);
        int in = Shape.inner(out, dim);
        int rows = Shape.outer(out, dim);
        int off = 0;
        for (Tensor t : xs) {
            int len = t.dim(dim) * in;
            copyRows(storage(t, what), len, 0, storage(y, what), out[dim] * in, off, rows, len, what);
            off += len;
        }
        return y;
    }

    Tensor narrow(Tensor x, int dim, int start, int length) {
        int[] s = x.shape();
        String what = "narrow " + Shape.str(s) + " dim " + dim + " [" + start + ", " + (start + length) + ")";
        int[] out = s.clone();
        out[dim] = length;
        Tensor y = gpu.emptyTensor(out, what);
        int in = Shape.inner(s, dim);
        copyRows(storage(x, what), s[dim] * in, start * in, storage(y, what), length * in, 0, Shape.outer(s, dim),
                length * in, what);
        return y;
    }

    Tensor unnarrow(Tensor gy, int dim, int start, int size) {
        int[] s = gy.shape();
        String what = "unnarrow " + Shape.str(s) + " dim " + dim + " at " + start + " of " + size;
        int[] out = s.clone();
        out[dim] = size;
        Tensor y = gpu.zerosTensor(out, what);
        int in = Shape.inner(s, dim);
        copyRows(storage(gy, what), s[dim] * in, 0, storage(y, what), size * in, start * in, Shape.outer(s, dim),
                s[dim] * in, what);
        return y;
    }
}
