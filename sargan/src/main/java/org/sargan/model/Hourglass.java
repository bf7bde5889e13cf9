package org.sargan.model;

import java.util.Random;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;
import org.sargan.nn.Layer;
import org.sargan.nn.Sequential;

/**
 * SARB's attention branch (the reference's SEDN): the symmetric encoder-decoder that looks at several scales, then
 * the 1-channel attention conv. Recursive over levels L = depth .. 1:
 * <pre>
 *   up1  = b1_L = ConvLayer(c_in -> mid)(x)              same resolution       (c_in = C at the top level, mid below)
 *   low1 = b2_L = ConvLayer(c_in -> mid, down)(x)        half resolution
 *   low2 = level(L-1, low1) if L > 1 else b2_plus_1 = ConvLayer(mid -> mid)(low1)
 *   up2  = b3_L = ConvLayer(mid -> mid, up)(low2)        back to up1's resolution
 *   level(L, x) = up1 + up2
 *   logits = out_block.0 = ConvLayer(mid -> 1, bias, no norm, no activation)(level(depth, h))     (N, 1, H, W)
 * </pre>
 * Shapes at 32x32 with depth 2: 32 -> 16 -> 8 -> 16 -> 32. The children carry the reference's flat names
 * ({@code b1_2}, {@code b2_2}, {@code b1_1}, {@code b2_1}, {@code b2_plus_1}, {@code b3_1}, {@code b3_2},
 * {@code out_block.0}), registered in the reference's order, so the keys and the initialisation order are theirs.
 * The sigmoid of {@code out_block.1} is applied inside the fused gate ({@link SpatialAttentionBlock}).
 */
final class Hourglass extends Layer {
    private final int depth;

    Hourglass(Random rng, int depth, int in, int mid) {
        if (depth < 1) {
            throw new IllegalArgumentException("hourglass: depth is " + depth + ", expected at least 1");
        }
        this.depth = depth;
        addLevel(rng, depth, in, mid);
        child("out_block", new Sequential(ConvLayer.plain(rng, mid, 1)));
    }

    private void addLevel(Random rng, int level, int in, int mid) {
        int c = level == depth ? in : mid;
        child("b1_" + level, ConvLayer.normRelu(rng, c, mid, ConvLayer.Scale.SAME));
        child("b2_" + level, ConvLayer.normRelu(rng, c, mid, ConvLayer.Scale.DOWN));
        if (level > 1) {
            addLevel(rng, level - 1, in, mid);
        } else {
            child("b2_plus_1", ConvLayer.normRelu(rng, mid, mid, ConvLayer.Scale.SAME));
        }
        child("b3_" + level, ConvLayer.normRelu(rng, mid, mid, ConvLayer.Scale.UP));
    }

    private Layer layer(String name) {
        return (Layer) children().get(name);
    }

    private Tensor level(int l, Tensor x) {
        Tensor up1 = layer("b1_" + l).forward(x);
        Tensor low1 = layer("b2_" + l).forward(x);
        Tensor low2 = l > 1 ? level(l - 1, low1) : layer("b2_plus_1").forward(low1);
        MemoryScope.freeIntermediate(low1, low2, x);
        Tensor up2 = layer("b3_" + l).forward(low2);
        MemoryScope.freeIntermediate(low2, up2, x);
        Tensor y = up1.add(up2);
        MemoryScope.freeIntermediate(up1, y, x);
        MemoryScope.freeIntermediate(up2, y, x);
        return y;
    }

    /** @return the attention logits (N, 1, H, W) for features h (N, C, H, W) */
    @Override
    public Tensor forward(Tensor h) {
        Tensor features = level(depth, h);
        Tensor logits = layer("out_block").forward(features);
        MemoryScope.freeIntermediate(features, logits, h);
        return logits;
    }

    @Override
    public int[] outputShape(int[] s) {
        return new int[] {s[0], 1, s[2], s[3]};
    }
}
