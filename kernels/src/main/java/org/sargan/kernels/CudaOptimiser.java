package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Optimiser family on the GPU: the fused Adam step, one read and one write per element (optimiser.cu). */
final class CudaOptimiser {
    private final Launcher gpu;

    CudaOptimiser(Launcher gpu) {
        this.gpu = gpu;
    }

    Tensor[] adamUpdate(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1, float beta2,
            float eps) {
        String what = "adam " + Shape.str(p.shape());
        int n = p.numel();
        Tensor pOut = gpu.emptyTensor(p.shape(), what);
        Tensor mOut = gpu.emptyTensor(p.shape(), what);
        Tensor vOut = gpu.emptyTensor(p.shape(), what);
        boolean first = m == null;
        if (n > 0) {
            CudaStorage ms = first ? storage(g, what) : storage(m, what);  // not read on the first step
            CudaStorage vs = first ? storage(g, what) : storage(v, what);
            gpu.launch("adam_kernel", gpu.linear(n), new KernelArgs().ptr(storage(p, what)).ptr(storage(g, what))
                    .ptr(ms).ptr(vs).ptr(storage(pOut, what)).ptr(storage(mOut, what)).ptr(storage(vOut, what)).i(n)
                    .f(lrOverC1).f(invC2).f(beta1).f(beta2).f(eps).i(first ? 1 : 0), what);
        }
        return new Tensor[] {pOut, mOut, vOut};
    }
}
