package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Attention family on the GPU: the SARB gate y = identity + h * sigmoid(z), forward and backward (attention.cu). */
final class CudaAttention {
    /** Pixels per block of the backward kernel, one warp across (GATE_PIX in attention.cu). */
    static final int GATE_PIX = 32;
    /** Channel groups per block of the backward kernel, summed in shared memory (GATE_GROUPS in attention.cu). */
    static final int GATE_GROUPS = 32;

    private final Launcher gpu;

    CudaAttention(Launcher gpu) {
        this.gpu = gpu;
    }

    Tensor attentionGate(Tensor identity, Tensor h, Tensor z) {
        String what = "attention_gate " + Shape.str(h.shape());
        int[] s = h.shape();
        Tensor y = gpu.emptyTensor(s, what);
        int total = h.numel();
        if (total > 0) {
            int hw = s[2] * s[3];
            int planes = s[0] * s[1];
            LaunchShape grid = new LaunchShape(LaunchShape.ceilDiv(hw, LaunchShape.THREADS), Math.min(planes,
                    LaunchShape.MAX_GRID_YZ), 1, LaunchShape.THREADS, 1, 1);
            gpu.launch("attention_gate_kernel", grid, new KernelArgs().ptr(storage(identity, what))
                    .ptr(storage(h, what)).ptr(storage(z, what)).ptr(storage(y, what)).i(s[1]).i(hw).i(planes),
                    what);
        }
        return y;
    }

    Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z) {
        String what = "attention_gate grad " + Shape.str(h.shape());
        int[] s = h.shape();
        int hw = s[2] * s[3];
        Tensor dh = gpu.emptyTensor(s, what);
        Tensor dz = gpu.emptyTensor(z.shape(), what);
        int pixels = s[0] * hw;
        if (pixels > 0) {
            gpu.launch("attention_gate_grad_kernel", new LaunchShape(LaunchShape.ceilDiv(pixels, GATE_PIX), 1, 1,
                    GATE_PIX, GATE_GROUPS, 1), new KernelArgs().ptr(storage(gy, what)).ptr(storage(h, what))
                            .ptr(storage(z, what)).ptr(storage(dh, what)).ptr(storage(dz, what)).i(s[0]).i(s[1])
                            .i(hw), what);
        }
        return new Tensor[] {dh, dz};
    }
}
