package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import jcuda.Pointer;
import jcuda.Sizeof;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Losses family on the GPU: softmax and cross-entropy over the rows of a 2-D tensor (losses.cu). */
final class CudaLosses {
    /** Threads per row (ROW_THREADS in losses.cu). */
    static final int ROW_THREADS = 256;

    private final Launcher gpu;

    CudaLosses(Launcher gpu) {
        this.gpu = gpu;
    }

    Tensor softmax(Tensor x) {
        String what = "softmax " + Shape.str(x.shape());
        Tensor y = gpu.emptyTensor(x.shape(), what);
        int rows = x.dim(0);
        int k = x.dim(1);
        gpu.launch("softmax_kernel", LaunchShape.perRow(rows, ROW_THREADS, 65535), new KernelArgs()
                .ptr(storage(x, what)).ptr(storage(y, what)).i(rows).i(k), what);
        return y;
    }

    Tensor crossEntropy(Tensor logits, int[] labels) {
        String what = "cross_entropy " + Shape.str(logits.shape());
        CudaStorage l = gpu.upload(Pointer.to(labels), labels.length, Sizeof.INT, what);
        Tensor loss = gpu.emptyTensor(new int[0], what);
        gpu.launch("cross_entropy_kernel", new LaunchShape(1, 1, 1, ROW_THREADS, 1, 1), new KernelArgs()
                .ptr(storage(logits, what)).ptr(l).ptr(storage(loss, what)).i(logits.dim(0)).i(logits.dim(1)), what);
        l.release();
        return loss;
    }
}
