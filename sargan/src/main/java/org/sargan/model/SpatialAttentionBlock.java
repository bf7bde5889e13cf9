package org.sargan.model;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.nn.Conv2d;
import org.sargan.nn.Layer;

/**
 * SARB, the spatial-attention residual block (SARGAN.md):
 * <pre>
 *   h = ConvLayer(C -> C, IN, ReLU)(x);  h = ConvLayer(C -> C, IN, no activation)(h)
 *   a = Hourglass(depth 2, C, mid 64)(h)                       (N, 64, H, W)
 *   m = sigmoid(conv3x3(64 -> 1, bias, reflection pad)(a))     (N, 1, H, W)
 *   y = x + h * m                                               m broadcast over the C channels
 * </pre>
 * Only the expression-related regions (where m is high) change; the gate is one fused op.
 */
final class SpatialAttentionBlock extends Layer {
    private final ConvLayer conv1;
    private final ConvLayer conv2;
    private final Hourglass hourglass;
    private final Conv2d attention;

    SpatialAttentionBlock(Random rng, int channels) {
        this.conv1 = child("conv1", new ConvLayer(rng, channels, channels, ConvLayer.Scale.SAME, true, true));
        this.conv2 = child("conv2", new ConvLayer(rng, channels, channels, ConvLayer.Scale.SAME, true, false));
        this.hourglass = child("hourglass", new Hourglass(rng, 2, channels, 64));
        this.attention = child("attention", new Conv2d(rng, 64, 1, 3, 1, 1, true, Padding.REFLECT));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = conv2.forward(conv1.forward(x));
        Tensor logits = attention.forward(hourglass.forward(h));
        return Attention.gate(x, h, logits);
    }

    /** The attention map m = sigmoid(logits) for an input, for pictures of where the block acts. */
    Tensor attentionMap(Tensor x) {
        return attention.forward(hourglass.forward(conv2.forward(conv1.forward(x)))).sigmoid();
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }
}
