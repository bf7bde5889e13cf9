package org.sargan.model;

import java.util.Random;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.Spatial;
import org.sargan.nn.Conv2d;
import org.sargan.nn.InstanceNorm2d;
import org.sargan.nn.Layer;

/**
 * The SARB and hourglass building block (sargan/README.md): [nearest 2x upsample if scale is up] -> reflection pad 1 ->
 * 3x3 conv (stride 2 if scale is down; bias only when there is no norm) -> instance norm -> ReLU (unless disabled).
 * Its weights are {@code conv2d.weight} (+ {@code conv2d.bias} without norm) and {@code norm.norm.{weight,bias}}:
 * the reference wraps its InstanceNorm2d in a NormLayer, and our keys are the reference's keys.
 */
final class ConvLayer extends Layer {
    /** Resolution change of the layer. */
    enum Scale {
        SAME, DOWN, UP
    }

    private final Scale scale;
    private final boolean relu;
    private final Conv2d conv;
    private final NormLayer norm;

    /** conv -> IN -> ReLU at the given scale: the hourglass layers and SARB's first conv. */
    static ConvLayer normRelu(Random rng, int in, int out, Scale scale) {
        return new ConvLayer(rng, in, out, scale, true, true);
    }

    /** conv -> IN, no activation: SARB's second conv, whose output the attention map gates. */
    static ConvLayer normOnly(Random rng, int in, int out) {
        return new ConvLayer(rng, in, out, Scale.SAME, true, false);
    }

    /** conv with bias, no norm, no activation: the 1-channel attention conv (its sigmoid is in the fused gate). */
    static ConvLayer plain(Random rng, int in, int out) {
        return new ConvLayer(rng, in, out, Scale.SAME, false, false);
    }

    private ConvLayer(Random rng, int in, int out, Scale scale, boolean norm, boolean relu) {
        this.scale = scale;
        this.relu = relu;
        this.conv = child("conv2d", new Conv2d(rng, in, out, 3, scale == Scale.DOWN ? 2 : 1, 1, !norm,
                Padding.REFLECT));
        this.norm = norm ? child("norm", new NormLayer(out)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor in = scale == Scale.UP ? Spatial.upsampleNearest2x(x) : x;
        Tensor h = conv.forward(in);
        MemoryScope.freeIntermediate(in, h, x);
        if (norm != null) {
            // with a ReLU after it: one op, which keeps no activation between the two for backward
            Tensor n = relu ? norm.norm.forwardRelu(h) : norm.forward(h);
            MemoryScope.freeIntermediate(h, n, x);
            if (relu) {
                return n;
            }
            h = n;
        }
        if (!relu) {
            return h;
        }
        Tensor y = h.relu();
        MemoryScope.freeIntermediate(h, y, x);
        return y;
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] in = scale == Scale.UP ? new int[] {s[0], s[1], 2 * s[2], 2 * s[3]} : s;
        return conv.outputShape(in);
    }

    @Override
    public String toString() {
        return "ConvLayer(" + conv + (scale != Scale.SAME ? ", " + scale.name().toLowerCase() : "")
                + (norm != null ? ", IN" : "") + (relu ? ", ReLU" : "") + ")";
    }

    /** The reference's NormLayer: an InstanceNorm2d registered as {@code norm}, so the keys read norm.norm.*. */
    private static final class NormLayer extends Layer {
        private final InstanceNorm2d norm;

        NormLayer(int channels) {
            this.norm = child("norm", new InstanceNorm2d(channels));
        }

        @Override
        public Tensor forward(Tensor x) {
            return norm.forward(x);
        }

        @Override
        public int[] outputShape(int[] s) {
            return s.clone();
        }
    }
}
