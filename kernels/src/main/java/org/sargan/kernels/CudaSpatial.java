package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Spatial family on the GPU: reflection padding, nearest 2x upsampling and their adjoints (spatial.cu). */
final class CudaSpatial {
    private final Launcher gpu;

    CudaSpatial(Launcher gpu) {
        this.gpu = gpu;
    }

    Tensor reflectionPad(Tensor x, int pad) {
        String what = "reflection_pad " + Shape.str(x.shape()) + " by " + pad;
        int[] s = x.shape();
        Tensor y = gpu.emptyTensor(new int[] {s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad}, what);
        gpu.launch("reflect_pad_kernel", gpu.linear(y.numel()), new KernelArgs().ptr(storage(x, what))
                .ptr(storage(y, what)).i(s[0] * s[1]).i(s[2]).i(s[3]).i(pad), what);
        return y;
    }

    Tensor reflectionPadGrad(Tensor gy, int pad) {
        String what = "reflection_pad grad " + Shape.str(gy.shape()) + " by " + pad;
        int[] s = gy.shape();
        int h = s[2] - 2 * pad;
        int w = s[3] - 2 * pad;
        Tensor dx = gpu.emptyTensor(new int[] {s[0], s[1], h, w}, what);
        gpu.launch("reflect_pad_grad_kernel", gpu.linear(dx.numel()), new KernelArgs().ptr(storage(gy, what))
                .ptr(storage(dx, what)).i(s[0] * s[1]).i(h).i(w).i(pad), what);
        return dx;
    }

    Tensor upsample2x(Tensor x) {
        String what = "upsample2x " + Shape.str(x.shape());
        int[] s = x.shape();
        Tensor y = gpu.emptyTensor(new int[] {s[0], s[1], 2 * s[2], 2 * s[3]}, what);
        gpu.launch("upsample2x_kernel", gpu.linear(y.numel()), new KernelArgs().ptr(storage(x, what))
                .ptr(storage(y, what)).i(s[0] * s[1]).i(s[2]).i(s[3]), what);
        return y;
    }

    Tensor upsample2xGrad(Tensor gy) {
        String what = "upsample2x grad " + Shape.str(gy.shape());
        int[] s = gy.shape();
        Tensor dx = gpu.emptyTensor(new int[] {s[0], s[1], s[2] / 2, s[3] / 2}, what);
        gpu.launch("upsample2x_grad_kernel", gpu.linear(dx.numel()), new KernelArgs().ptr(storage(gy, what))
                .ptr(storage(dx, what)).i(s[0] * s[1]).i(s[2] / 2).i(s[3] / 2), what);
        return dx;
    }
}
