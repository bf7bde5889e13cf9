package org.sargan.eval;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.nn.Activation;
import org.sargan.nn.Conv2d;
import org.sargan.nn.Module;
import org.sargan.nn.Sequential;

/**
 * The small CNN behind the evaluation's two judges, trained with the engine itself: the expression classifier
 * (7 classes) and the identity embedding (one class per training identity). S = image size, c = width:
 * <pre>
 *   conv 4x4 s2 p1 + LeakyReLU(0.2)        3 -> c        S/2
 *   conv 4x4 s2 p1 + LeakyReLU(0.2)        c -> 2c       S/4
 *   conv 4x4 s2 p1 + LeakyReLU(0.2)        2c -> 4c      S/8
 *   conv (S/8)x(S/8), no pad + LeakyReLU   4c -> F       1      the features (Fréchet distance, identity)
 *   conv 1x1                                F -> classes 1      the logits
 * </pre>
 * The full-extent fourth conv keeps where things are (a mouth is a mouth because of where it sits); a global
 * average pool would throw that away. No normalisation: the nets are small and Adam trains them as they are.
 */
public final class ProbeNet extends Module {
    public static final int WIDTH = 32;
    public static final int FEATURES = 64;

    private final int size;
    private final int classes;
    private final Sequential main;
    private final Conv2d head;

    public ProbeNet(Random rng, int size, int classes) {
        if (size < 16 || size % 8 != 0 || classes < 2) {
            throw new IllegalArgumentException("probe net: image size " + size + " must be a multiple of 8, at least "
                    + "16, and classes " + classes + " at least 2");
        }
        this.size = size;
        this.classes = classes;
        int c = WIDTH;
        main = child("main", new Sequential(
                new Conv2d(rng, 3, c, 4, 2, 1, true, Padding.ZERO), Activation.leakyRelu(0.2f),
                new Conv2d(rng, c, 2 * c, 4, 2, 1, true, Padding.ZERO), Activation.leakyRelu(0.2f),
                new Conv2d(rng, 2 * c, 4 * c, 4, 2, 1, true, Padding.ZERO), Activation.leakyRelu(0.2f),
                new Conv2d(rng, 4 * c, FEATURES, size / 8, 1, 0, true, Padding.ZERO), Activation.leakyRelu(0.2f)));
        head = child("head", new Conv2d(rng, FEATURES, classes, 1, 1, 0, true, Padding.ZERO));
    }

    public int size() {
        return size;
    }

    public int classes() {
        return classes;
    }

    /** @param x (N, 3, S, S) in [-1, 1]; returns (N, FEATURES) */
    public Tensor features(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != size || s[3] != size) {
            throw new IllegalArgumentException("probe net: images must be (N, 3, " + size + ", " + size + "), got "
                    + org.sargan.core.Shape.str(s));
        }
        return main.forward(x).reshape(s[0], FEATURES);
    }

    /** Logits (N, classes) from features (N, FEATURES). */
    public Tensor logits(Tensor features) {
        int n = features.dim(0);
        return head.forward(features.reshape(n, FEATURES, 1, 1)).reshape(n, classes);
    }
}
