package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Re-indexing of the spatial planes: reflection padding and nearest 2x upsampling, each with its adjoint. */
public final class Spatial {
    private Spatial() {
    }

    /** Pads the last two dimensions by mirroring (PyTorch's ReflectionPad2d): needs pad < height and width. */
    public static Tensor reflectionPad(Tensor x, int pad) {
        Shape.checkRank("reflection_pad", "input", x, 4, "(N, C, H, W)");
        if (pad < 0 || pad >= x.dim(2) || pad >= x.dim(3)) {
            throw new IllegalArgumentException("reflection_pad: padding " + pad + " must be >= 0 and smaller than "
                    + "the spatial size of " + Shape.str(x.shape()));
        }
        if (pad == 0) {
            return x;
        }
        Tensor y = x.backend().reflectionPad(x, pad);
        return Autograd.record("reflection_pad", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            reflectionPadGrad(gy, pad)});
    }

    /** Adjoint of {@link #reflectionPad}: adds each border pixel back onto the pixel it mirrored. */
    public static Tensor reflectionPadGrad(Tensor gy, int pad) {
        Shape.checkRank("reflection_pad_grad", "gradient", gy, 4, "(N, C, H, W)");
        if (pad <= 0 || gy.dim(2) <= 3 * pad || gy.dim(3) <= 3 * pad) {
            throw new IllegalArgumentException("reflection_pad_grad: " + Shape.str(gy.shape())
                    + " cannot be the reflection padding by " + pad + " of a larger-than-padding image");
        }
        Tensor y = gy.backend().reflectionPadGrad(gy, pad);
        return Autograd.record("reflection_pad_grad", y, new Tensor[] {gy}, (g, needs) -> new Tensor[] {
            reflectionPad(g, pad)});
    }

    /** Nearest-neighbour upsampling by 2 of the last two dimensions. */
    public static Tensor upsampleNearest2x(Tensor x) {
        Shape.checkRank("upsample_nearest2x", "input", x, 4, "(N, C, H, W)");
        Tensor y = x.backend().upsample2x(x);
        return Autograd.record("upsample_nearest2x", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            upsampleNearest2xGrad(gy)});
    }

    /** Adjoint of {@link #upsampleNearest2x}: the sum of every 2x2 block. */
    public static Tensor upsampleNearest2xGrad(Tensor gy) {
        Shape.checkRank("upsample_nearest2x_grad", "gradient", gy, 4, "(N, C, H, W)");
        if (gy.dim(2) % 2 != 0 || gy.dim(3) % 2 != 0) {
            throw new IllegalArgumentException("upsample_nearest2x_grad: spatial size of " + Shape.str(gy.shape())
                    + " must be even");
        }
        Tensor y = gy.backend().upsample2xGrad(gy);
        return Autograd.record("upsample_nearest2x_grad", y, new Tensor[] {gy}, (g, needs) -> new Tensor[] {
            upsampleNearest2x(g)});
    }
}
