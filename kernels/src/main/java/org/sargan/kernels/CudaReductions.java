package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Reductions family on the GPU: sum_to and its adjoint expand, and the in-order sum of split partial results that
 * the split-K GEMM shares (reductions.cu).
 */
final class CudaReductions {
    /** Threads per block of sum_to_block_kernel (SUM_THREADS in reductions.cu). */
    static final int SUM_THREADS = 256;

    private final Launcher gpu;
    private final CudaShapes shapes;

    CudaReductions(Launcher gpu, CudaShapes shapes) {
        this.gpu = gpu;
        this.shapes = shapes;
    }

    Tensor expand(Tensor x, int[] shape) {
        String what = "expand " + Shape.str(x.shape()) + " to " + Shape.str(shape);
        Tensor y = gpu.emptyTensor(shape, what);
        shapes.copyStrided(storage(x, what), 0, storage(y, what), 0,
                IndexPlan.of(shape, IndexPlan.broadcastStrides(x.shape(), shape), IndexPlan.contiguous(shape)), what);
        return y;
    }

    Tensor sumTo(Tensor x, int[] shape) {
        String what = "sum " + Shape.str(x.shape()) + " to " + Shape.str(shape);
        int[] xs = x.shape();
        int[] xStrides = IndexPlan.contiguous(xs);
        int rank = xs.length;
        int[] keptShape = new int[rank];
        int[] redShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            boolean reduced = shape[d] == 1 && xs[d] != 1;
            keptShape[d] = reduced ? 1 : xs[d];
            redShape[d] = reduced ? xs[d] : 1;
        }
        int[] zeros = new int[rank];
        IndexPlan kept = IndexPlan.of(keptShape, xStrides, zeros);
        IndexPlan red = IndexPlan.of(redShape, xStrides, zeros);
        int nOut = Shape.numel(shape);
        int nRed = (int) red.numel();
        Tensor y = gpu.emptyTensor(shape, what);
        if (nRed <= 64 || (nOut >= 4096 && nRed <= 1024)) {
            // many outputs, few summands each: a thread per output reads neighbouring outputs' values together
            gpu.launch("sum_to_thread_kernel", gpu.linear(nOut), new KernelArgs().ptr(storage(x, what))
                    .ptr(storage(y, what)).i(nOut).i(nRed).ints(kept.pack()).ints(red.pack()), what);
            return y;
        }
        int splits = sumSplits(nOut, nRed, gpu.multiprocessors());
        int chunk = (nRed + splits - 1) / splits;
        CudaStorage partial = splits == 1 ? storage(y, what) : gpu.empty(splits * nOut, what + " partial sums");
        gpu.launch("sum_to_block_kernel", new LaunchShape(Math.min(nOut, 65535), splits, 1, SUM_THREADS, 1, 1),
                new KernelArgs().ptr(storage(x, what)).ptr(partial).i(nOut).i(nRed).i(chunk).ints(kept.pack())
                        .ints(red.pack()), what);
        if (splits > 1) {
            sumSplits(partial, storage(y, what), nOut, splits, what);
            partial.release();
        }
        return y;
    }

    /** out[i] = sum over s of partial[s * n + i], in split order (deterministic). */
    void sumSplits(CudaStorage partial, CudaStorage out, int n, int splits, String what) {
        gpu.launch("sum_splits_kernel", gpu.linear(n), new KernelArgs().ptr(partial).ptr(out).i(n).i(splits), what);
    }

    /**
     * Slices to cut a long reduction into when its outputs are too few to fill the GPU: about eight blocks per
     * multiprocessor, each slice at least 4096 summands.
     */
    static int sumSplits(int nOut, int nRed, int multiprocessors) {
        int wanted = 8 * multiprocessors / Math.max(1, nOut);
        return Math.max(1, Math.min(Math.min(wanted, nRed / 4096), LaunchShape.MAX_GRID_YZ));
    }
}
