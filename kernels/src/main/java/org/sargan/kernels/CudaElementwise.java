package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import java.util.Arrays;
import java.util.Locale;
import org.sargan.core.Binary;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/** Element-wise family on the GPU: unary functions and broadcasting binary ops (kernels in elementwise.cu). */
final class CudaElementwise {
    private final Launcher gpu;

    CudaElementwise(Launcher gpu) {
        this.gpu = gpu;
    }

    /** The op codes of common.cuh (OP_NEG ...); a test checks the two lists agree. */
    static int unaryCode(Unary op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case ABS -> 4;
            case SIGN -> 5;
            case RELU -> 6;
            case LEAKY_RELU -> 7;
            case LEAKY_RELU_SLOPE -> 8;
            case TANH -> 9;
            case SIGMOID -> 10;
            case POW -> 11;
            case SCALE -> 12;
            case ADD_SCALAR -> 13;
        };
    }

    static int binaryCode(Binary op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
        };
    }

    Tensor unary(Unary op, Tensor x, float alpha) {
        String what = op.name().toLowerCase(Locale.ROOT) + " " + Shape.str(x.shape());
        Tensor y = gpu.emptyTensor(x.shape(), what);
        int n = x.numel();
        if (n > 0) {
            gpu.launch("unary_kernel", gpu.linear(n), new KernelArgs().ptr(storage(x, what)).ptr(storage(y, what))
                    .i(n).i(unaryCode(op)).f(alpha), what);
        }
        return y;
    }

    Tensor binary(Binary op, Tensor a, Tensor b, int[] outShape) {
        String what = op.name().toLowerCase(Locale.ROOT) + " " + Shape.str(a.shape()) + " " + Shape.str(b.shape());
        Tensor y = gpu.emptyTensor(outShape, what);
        int n = Shape.numel(outShape);
        KernelArgs args = new KernelArgs().ptr(storage(a, what)).ptr(storage(b, what)).ptr(storage(y, what)).i(n)
                .i(binaryCode(op));
        if (Arrays.equals(a.shape(), outShape) && Arrays.equals(b.shape(), outShape)) {
            gpu.launch("binary_same_kernel", gpu.linear(n), args, what);
        } else {
            int[] as = Shape.padLeft(a.shape(), outShape.length);
            int[] bs = Shape.padLeft(b.shape(), outShape.length);
            IndexPlan plan = IndexPlan.of(outShape, IndexPlan.broadcastStrides(as, outShape),
                    IndexPlan.broadcastStrides(bs, outShape));
            gpu.launch("binary_bcast_kernel", gpu.linear(n), args.ints(plan.pack()), what);
        }
        return y;
    }
}
