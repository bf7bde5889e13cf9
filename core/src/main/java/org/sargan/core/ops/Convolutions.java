package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.ConvSpec;
import org.sargan.core.MemoryScope;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * 2-D convolution and transposed convolution (NCHW, weights as PyTorch lays them out).
 *
 * <p>Three linear primitives close under differentiation: {@link #conv2dRaw} (y = x * w),
 * {@link #conv2dInputGrad} (its adjoint in x, which is also the transposed convolution) and
 * {@link #conv2dWeightGrad} (its adjoint in w). The backward of each is written with the other two, so conv
 * gradients of any order work, as the WGAN-GP penalty needs.
 */
public final class Convolutions {
    private Convolutions() {
    }

    /** How a convolution fills the border. */
    public enum Padding {
        /** Zeros (SARGAN's main path: the tiled label must survive instance norm through the border). */
        ZERO,
        /** Mirror the image without repeating the edge (SARB and hourglass layers). */
        REFLECT
    }

    /**
     * {@code y = conv(x, w) + bias}: x (N, Cin, H, W), w (Cout, Cin, KH, KW), bias (Cout) or null.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Padding padding) {
        checkConv("conv2d", x, w, bias, 1);
        Tensor in = x;
        int zeroPad = pad;
        if (padding == Padding.REFLECT && pad > 0) {
            in = Spatial.reflectionPad(x, pad);
            zeroPad = 0;
        }
        Tensor y = conv2dRaw(in, w, new ConvSpec(stride, zeroPad));
        MemoryScope.freeIntermediate(in, y, x);
        if (bias == null) {
            return y;
        }
        Tensor out = Elementwise.add(y, Shapes.reshape(bias, 1, -1, 1, 1));
        MemoryScope.freeIntermediate(y, out, x);
        return out;
    }

    /** Zero-padded convolution. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv2d(x, w, bias, stride, pad, Padding.ZERO);
    }

    /**
     * Transposed convolution: x (N, Cin, H, W), w (Cin, Cout, KH, KW) as in PyTorch's ConvTranspose2d.
     * Output size per axis: {@code (in - 1) * stride - 2 * pad + kernel + outputPadding}.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, int outputPadding) {
        checkConv("conv_transpose2d", x, w, bias, 0);
        if (outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("conv_transpose2d: output padding is " + outputPadding
                    + ", expected 0 <= output padding < stride " + stride);
        }
        int[] xs = x.shape();
        int[] ws = w.shape();
        int ho = (xs[2] - 1) * stride - 2 * pad + ws[2] + outputPadding;
        int wo = (xs[3] - 1) * stride - 2 * pad + ws[3] + outputPadding;
        if (ho <= 0 || wo <= 0) {
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(xs) + " with weight "
                    + Shape.str(ws) + ", stride " + stride + ", padding " + pad + " gives an empty output " + ho + "x"
                    + wo);
        }
        Tensor y = conv2dInputGrad(x, w, new int[] {xs[0], ws[1], ho, wo}, new ConvSpec(stride, pad));
        return bias == null ? y : Elementwise.add(y, Shapes.reshape(bias, 1, -1, 1, 1));
    }

    /** Checks ranks, channel agreement (wIn: the weight dimension holding input channels) and the bias length. */
    private static void checkConv(String op, Tensor x, Tensor w, Tensor bias, int wIn) {
        Shape.checkRank(op, "input", x, 4, "(N, C, H, W)");
        Shape.checkRank(op, "weight", w, 4, wIn == 1 ? "(Cout, Cin, KH, KW)" : "(Cin, Cout, KH, KW)");
        if (x.dim(1) != w.dim(wIn)) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(x.shape()) + " has " + x.dim(1)
                    + " channels but weight " + Shape.str(w.shape()) + " expects " + w.dim(wIn));
        }
        int out = w.dim(1 - wIn);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException(op + ": bias " + Shape.str(bias.shape()) + " does not match the "
                    + out + " output channels of weight " + Shape.str(w.shape()));
        }
        Elementwise.backendOf(op, x, w);
    }

    /** Zero-padded cross-correlation without bias: the differentiable primitive. */
    public static Tensor conv2dRaw(Tensor x, Tensor w, ConvSpec spec) {
        checkConv("conv2d", x, w, null, 1);
        int[] xs = x.shape();
        int[] ws = w.shape();
        int ho = spec.outSize(xs[2], ws[2]);
        int wo = spec.outSize(xs[3], ws[3]);
        if (ho <= 0 || wo <= 0) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(xs) + " is smaller than kernel "
                    + ws[2] + "x" + ws[3] + " with padding " + spec.pad() + " (output would be " + ho + "x" + wo + ")");
        }
        Tensor y = x.backend().conv2d(x, w, spec);
        return Autograd.record("conv2d", y, new Tensor[] {x, w}, (gy, needs) -> new Tensor[] {
            needs[0] ? conv2dInputGrad(gy, w, xs, spec) : null,
            needs[1] ? conv2dWeightGrad(x, gy, ws, spec) : null});
    }

    /** Adjoint of conv2d in its input: gy (N, Cout, Ho, Wo), w (Cout, Cin, KH, KW) -> (N, Cin, H, W) = xShape. */
    public static Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
        int[] ws = w.shape();
        checkAdjoint("conv2d_input_grad", xShape, ws, gy.shape(), spec);
        Tensor y = gy.backend().conv2dInputGrad(gy, w, xShape, spec);
        return Autograd.record("conv2d_input_grad", y, new Tensor[] {gy, w}, (g, needs) -> new Tensor[] {
            needs[0] ? conv2dRaw(g, w, spec) : null,
            needs[1] ? conv2dWeightGrad(g, gy, ws, spec) : null});
    }

    /** Adjoint of conv2d in its weight: x (N, Cin, H, W), gy (N, Cout, Ho, Wo) -> wShape (Cout, Cin, KH, KW). */
    public static Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
        checkAdjoint("conv2d_weight_grad", x.shape(), wShape, gy.shape(), spec);
        Tensor y = x.backend().conv2dWeightGrad(x, gy, wShape, spec);
        int[] xs = x.shape();
        return Autograd.record("conv2d_weight_grad", y, new Tensor[] {x, gy}, (g, needs) -> new Tensor[] {
            needs[0] ? conv2dInputGrad(gy, g, xs, spec) : null,
            needs[1] ? conv2dRaw(x, g, spec) : null});
    }

    /** The shapes of x, w and y must be those of one convolution with this spec. */
    private static void checkAdjoint(String op, int[] xs, int[] ws, int[] ys, ConvSpec spec) {
        boolean ok = xs.length == 4 && ws.length == 4 && ys.length == 4 && xs[0] == ys[0] && xs[1] == ws[1]
                && ys[1] == ws[0] && ys[2] == spec.outSize(xs[2], ws[2]) && ys[3] == spec.outSize(xs[3], ws[3]);
        if (!ok) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + ", weight " + Shape.str(ws)
                    + " and output " + Shape.str(ys) + " are not one convolution with stride " + spec.stride()
                    + " and padding " + spec.pad());
        }
    }
}
