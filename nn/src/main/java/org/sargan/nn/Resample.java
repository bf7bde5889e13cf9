package org.sargan.nn;

import org.sargan.core.Tensor;
import org.sargan.core.ops.Spatial;

/** Parameter-free spatial layers: nearest 2x upsampling and reflection padding. */
public final class Resample extends Layer {
    private final int pad;

    private Resample(int pad) {
        this.pad = pad;
    }

    /** Nearest-neighbour upsampling by 2 (PyTorch's Upsample(scale_factor=2)). */
    public static Resample upsample2x() {
        return new Resample(-1);
    }

    /** ReflectionPad2d(pad). */
    public static Resample reflectionPad(int pad) {
        if (pad < 0) {
            throw new IllegalArgumentException("ReflectionPad2d: padding is " + pad + ", expected >= 0");
        }
        return new Resample(pad);
    }

    @Override
    public Tensor forward(Tensor x) {
        return pad < 0 ? Spatial.upsampleNearest2x(x) : Spatial.reflectionPad(x, pad);
    }

    @Override
    public int[] outputShape(int[] s) {
        return pad < 0 ? new int[] {s[0], s[1], 2 * s[2], 2 * s[3]} : new int[] {s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad};
    }

    @Override
    public String toString() {
        return pad < 0 ? "Upsample(x2, nearest)" : "ReflectionPad2d(" + pad + ")";
    }
}
