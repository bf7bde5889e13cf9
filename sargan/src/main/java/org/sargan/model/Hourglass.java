package org.sargan.model;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.nn.Layer;

/**
 * The symmetric encoder-decoder that looks at several scales (SARGAN.md), recursive:
 * <pre>
 *   up1  = ConvLayer(c_in -> mid)(x)              same resolution
 *   low1 = ConvLayer(c_in -> mid, down)(x)        half resolution
 *   low2 = level(L-1, low1) if L > 1 else ConvLayer(mid -> mid)(low1)
 *   up2  = ConvLayer(mid -> mid, up)(low2)        back to up1's resolution
 *   return up1 + up2
 * </pre>
 * Shapes at 32x32 with depth 2: 32 -> 16 -> 8 -> 16 -> 32.
 */
final class Hourglass extends Layer {
    private final ConvLayer up1;
    private final ConvLayer low1;
    private final Layer low2;
    private final ConvLayer up2;
    private final int mid;

    Hourglass(Random rng, int depth, int in, int mid) {
        this.mid = mid;
        this.up1 = child("up1", new ConvLayer(rng, in, mid, ConvLayer.Scale.SAME, true, true));
        this.low1 = child("low1", new ConvLayer(rng, in, mid, ConvLayer.Scale.DOWN, true, true));
        this.low2 = child("low2", depth > 1 ? new Hourglass(rng, depth - 1, mid, mid)
                : new ConvLayer(rng, mid, mid, ConvLayer.Scale.SAME, true, true));
        this.up2 = child("up2", new ConvLayer(rng, mid, mid, ConvLayer.Scale.UP, true, true));
    }

    @Override
    public Tensor forward(Tensor x) {
        return up1.forward(x).add(up2.forward(low2.forward(low1.forward(x))));
    }

    @Override
    public int[] outputShape(int[] s) {
        return new int[] {s[0], mid, s[2], s[3]};
    }
}
