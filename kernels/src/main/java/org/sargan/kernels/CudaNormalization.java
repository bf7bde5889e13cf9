package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Normalization family on the GPU: instance norm, one block per (n, c) plane, forward and backward in one launch
 * each, and a tiny launch that sums the per-plane partials into dgamma, dbeta (normalization.cu).
 */
final class CudaNormalization {
    /** Most threads per plane (NORM_THREADS in normalization.cu). */
    static final int NORM_THREADS = 512;
    /** Values a thread keeps in registers (NORM_PER_THREAD in normalization.cu). */
    static final int NORM_PER_THREAD = 32;
    /** Planes up to this many pixels take the single-read kernels; larger ones the _big kernels. */
    static final int REGISTER_PIXELS = NORM_THREADS * NORM_PER_THREAD;

    private final Launcher gpu;

    CudaNormalization(Launcher gpu) {
        this.gpu = gpu;
    }

    /** Threads per instance-norm plane: about 8 pixels each, a power of two in [64, 512]. */
    static int normThreads(int hw) {
        int want = Math.max(64, Math.min(NORM_THREADS, Integer.highestOneBit(Math.max(1, (hw + 7) / 8) - 1) << 1));
        return hw > REGISTER_PIXELS ? NORM_THREADS : want;
    }

    Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        String what = "instance_norm " + Shape.str(x.shape());
        int[] s = x.shape();
        int planes = s[0] * s[1];
        int hw = s[2] * s[3];
        Tensor y = gpu.emptyTensor(s, what);
        Tensor mean = gpu.emptyTensor(new int[] {s[0], s[1]}, what);
        Tensor rstd = gpu.emptyTensor(new int[] {s[0], s[1]}, what);
        if (planes > 0 && hw > 0) {
            gpu.launch(hw <= REGISTER_PIXELS ? "instnorm_fwd_kernel" : "instnorm_fwd_big_kernel",
                    new LaunchShape(planes, 1, 1, normThreads(hw), 1, 1), new KernelArgs().ptr(storage(x, what))
                            .ptr(storage(gamma, what)).ptr(storage(beta, what)).ptr(storage(y, what))
                            .ptr(storage(mean, what)).ptr(storage(rstd, what)).i(s[1]).i(hw).f(eps), what);
        }
        return new Tensor[] {y, mean, rstd};
    }

    Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        String what = "instance_norm grad " + Shape.str(x.shape());
        int[] s = x.shape();
        int planes = s[0] * s[1];
        int hw = s[2] * s[3];
        Tensor dx = gpu.emptyTensor(s, what);
        Tensor dgamma = gpu.emptyTensor(gamma.shape(), what);
        Tensor dbeta = gpu.emptyTensor(gamma.shape(), what);
        CudaStorage sumGy = gpu.empty(planes, what);
        CudaStorage sumGyXhat = gpu.empty(planes, what);
        gpu.launch(hw <= REGISTER_PIXELS ? "instnorm_bwd_kernel" : "instnorm_bwd_big_kernel",
                new LaunchShape(planes, 1, 1, normThreads(hw), 1, 1), new KernelArgs().ptr(storage(gy, what))
                        .ptr(storage(x, what)).ptr(storage(gamma, what)).ptr(storage(mean, what))
                        .ptr(storage(rstd, what)).ptr(storage(dx, what)).ptr(sumGy).ptr(sumGyXhat).i(s[1]).i(hw),
                what);
        gpu.launch("instnorm_param_grad_kernel", gpu.linear(s[1]), new KernelArgs().ptr(sumGy).ptr(sumGyXhat)
                .ptr(storage(dgamma, what)).ptr(storage(dbeta, what)).i(s[0]).i(s[1]), what);
        sumGy.release();
        sumGyXhat.release();
        return new Tensor[] {dx, dgamma, dbeta};
    }
}
