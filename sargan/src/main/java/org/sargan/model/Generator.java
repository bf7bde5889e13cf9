package org.sargan.model;

import java.util.Random;
import org.sargan.core.MemoryScope;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.Shapes;
import org.sargan.nn.Activation;
import org.sargan.nn.Conv2d;
import org.sargan.nn.ConvTranspose2d;
import org.sargan.nn.InstanceNorm2d;
import org.sargan.nn.Module;
import org.sargan.nn.Sequential;

/**
 * SARGAN's generator (sargan/README.md), read top to bottom like its table (128 px, conv_dim 64, 7 classes):
 * <pre>
 *   concat(image, tiled label)                         3 + 7 = 10 channels
 *   conv 7x7 s1 p3 + IN + ReLU                         10 -> 64      128
 *   conv 4x4 s2 p1 + IN + ReLU                         64 -> 128     64
 *   conv 4x4 s2 p1 + IN + ReLU                         128 -> 256    32
 *   bottleneck: SARB | residual block | 6 residual blocks (by variant)
 *   conv-transpose 4x4 s2 p1 + IN + ReLU               256 -> 128    64
 *   conv-transpose 4x4 s2 p1 + IN + ReLU               128 -> 64     128
 *   conv 7x7 s1 p3 + tanh                              64 -> 3       128
 *   output = tanh(...) + image (not for stargan)       range [-2, 2], clamped only when written as an image
 * </pre>
 * Main-path convolutions have no bias and ZERO padding: instance norm removes constant planes, so only the zero
 * border lets the tiled label through; reflection padding there would erase it.
 */
public final class Generator extends Module {
    private final Variant variant;
    private final int classes;
    private final Sequential main;

    /**
     * @param convDim channels after the first conv (64 in the paper)
     * @param classes number of expressions (7)
     */
    public Generator(Random rng, Variant variant, int convDim, int classes) {
        if (convDim <= 0 || classes <= 1) {
            throw new IllegalArgumentException("generator: conv_dim " + convDim + " and classes " + classes
                    + " must be positive (at least 2 classes)");
        }
        this.variant = variant;
        this.classes = classes;
        int c = convDim;
        main = child("main", new Sequential(
                new Conv2d(rng, 3 + classes, c, 7, 1, 3, false, Padding.ZERO), new InstanceNorm2d(c),
                Activation.relu(),
                new Conv2d(rng, c, 2 * c, 4, 2, 1, false, Padding.ZERO), new InstanceNorm2d(2 * c), Activation.relu(),
                new Conv2d(rng, 2 * c, 4 * c, 4, 2, 1, false, Padding.ZERO), new InstanceNorm2d(4 * c),
                Activation.relu()));
        switch (variant) {
            case SARGAN -> main.add(new SpatialAttentionBlock(rng, 4 * c));
            case USGAN -> main.add(new ResidualBlock(rng, 4 * c));
            case STARGAN -> {
                for (int i = 0; i < 6; i++) {
                    main.add(new ResidualBlock(rng, 4 * c));
                }
            }
            default -> throw new IllegalStateException("variant " + variant);
        }
        main.add(new ConvTranspose2d(rng, 4 * c, 2 * c, 4, 2, 1, false)).add(new InstanceNorm2d(2 * c))
                .add(Activation.relu())
                .add(new ConvTranspose2d(rng, 2 * c, c, 4, 2, 1, false)).add(new InstanceNorm2d(c))
                .add(Activation.relu())
                .add(new Conv2d(rng, c, 3, 7, 1, 3, false, Padding.ZERO)).add(Activation.tanh());
    }

    public Variant variant() {
        return variant;
    }

    public int classes() {
        return classes;
    }

    /** The layers in order, for model summaries. */
    public Sequential main() {
        return main;
    }

    /**
     * @param x      images (N, 3, H, W) in [-1, 1], H and W multiples of 16, at least 32
     * @param target one-hot target expressions (N, classes)
     * @return the edited images (N, 3, H, W)
     */
    public Tensor forward(Tensor x, Tensor target) {
        int[] s = x.shape();
        // two stride-2 convs, then the hourglass halves twice more and reflection-pads what is left: H and W must
        // be multiples of 16 and at least 32
        if (s.length != 4 || s[1] != 3 || s[2] % 16 != 0 || s[3] % 16 != 0 || s[2] < 32 || s[3] < 32) {
            throw new IllegalArgumentException("generator: images must be (N, 3, H, W) with H and W multiples of 16,"
                    + " at least 32, got " + Shape.str(s));
        }
        int[] t = target.shape();
        if (t.length != 2 || t[0] != s[0] || t[1] != classes) {
            throw new IllegalArgumentException("generator: labels " + Shape.str(t) + " must be (N, "
                    + classes + ") = [" + s[0] + ", " + classes + "] for images " + Shape.str(s));
        }
        Tensor in = Shapes.concat(1, x, Shapes.tile(target, s[2], s[3]));
        Tensor y = main.forward(in);
        MemoryScope.freeIntermediate(in, y, x);
        if (variant == Variant.STARGAN) {
            return y;
        }
        Tensor out = y.add(x);
        MemoryScope.freeIntermediate(y, out, x);
        return out;
    }
}
