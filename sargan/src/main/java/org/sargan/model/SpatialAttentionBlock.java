package org.sargan.model;

import java.util.Random;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Attention;
import org.sargan.nn.Layer;

/**
 * SARB, the spatial-attention residual block (sargan/README.md):
 * <pre>
 *   h = conv1 = ConvLayer(C -> C, IN, ReLU)(x);  h = conv2 = ConvLayer(C -> C, IN, no activation)(h)
 *   z = att_func(h): Hourglass(depth 2, C, mid 64) and the 64 -> 1 attention conv     (N, 1, H, W)
 *   y = x + h * sigmoid(z)                                      m = sigmoid(z) broadcast over the C channels
 * </pre>
 * Only the expression-related regions (where m is high) change; the gate is one fused op.
 */
final class SpatialAttentionBlock extends Layer {
    private final ConvLayer conv1;
    private final ConvLayer conv2;
    private final Hourglass attFunc;

    SpatialAttentionBlock(Random rng, int channels) {
        this.conv1 = child("conv1", ConvLayer.normRelu(rng, channels, channels, ConvLayer.Scale.SAME));
        this.conv2 = child("conv2", ConvLayer.normOnly(rng, channels, channels));
        this.attFunc = child("att_func", new Hourglass(rng, 2, channels, 64));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h1 = conv1.forward(x);
        Tensor h = conv2.forward(h1);
        MemoryScope.freeIntermediate(h1, h, x);
        Tensor a = attFunc.forward(h);
        Tensor y = Attention.gate(x, h, a);
        MemoryScope.freeIntermediate(h, y, x);
        MemoryScope.freeIntermediate(a, y, x);
        return y;
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }
}
