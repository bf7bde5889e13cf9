package org.sargan.model;

import java.util.Random;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.nn.Activation;
import org.sargan.nn.Conv2d;
import org.sargan.nn.Module;
import org.sargan.nn.Sequential;

/**
 * The PatchGAN critic with an expression classifier (sargan/README.md). Input: the image only. {@code layers} 4x4
 * stride-2 convolutions with bias and LeakyReLU(0.01), channels 3 -> 64 -> 128 -> ... (6 layers at 128 px, down to
 * 2x2), no normalisation; then two bias-free heads on the last features:
 * <ul>
 *   <li>{@code conv1}, source: 3x3 stride 1 pad 1 -> 1 channel, a patch map of real/fake scores;</li>
 *   <li>{@code conv2}, class: kernel = size / 2^layers, no padding -> one logit per expression.</li>
 * </ul>
 */
public final class Discriminator extends Module {
    private final int size;
    private final int classes;
    private final Sequential main;
    private final Conv2d conv1;
    private final Conv2d conv2;

    /** The paper's layer count for an image size: down to 2x2 (6 at 128 px, 5 at 64 px, 4 at 32 px). */
    public static int layersFor(int size) {
        int layers = 0;
        while (size >> (layers + 1) >= 2 && (size >> (layers + 1)) << (layers + 1) == size) {
            layers++;
        }
        return layers;
    }

    public Discriminator(Random rng, int size, int convDim, int classes, int layers) {
        if (layers < 1 || size % (1 << layers) != 0 || convDim <= 0 || classes <= 1) {
            throw new IllegalArgumentException("discriminator: image size " + size + " must be a multiple of 2^"
                    + layers + " (" + (1 << Math.max(0, layers)) + "), with conv_dim " + convDim + " > 0 and classes "
                    + classes + " > 1");
        }
        this.size = size;
        this.classes = classes;
        main = child("main", new Sequential());
        int c = convDim;
        main.add(new Conv2d(rng, 3, c, 4, 2, 1, true, Padding.ZERO)).add(Activation.leakyRelu(0.01f));
        for (int i = 1; i < layers; i++) {
            main.add(new Conv2d(rng, c, 2 * c, 4, 2, 1, true, Padding.ZERO)).add(Activation.leakyRelu(0.01f));
            c *= 2;
        }
        int k = size >> layers;
        conv1 = child("conv1", new Conv2d(rng, c, 1, 3, 1, 1, false, Padding.ZERO));
        conv2 = child("conv2", new Conv2d(rng, c, classes, k, 1, 0, false, Padding.ZERO));
    }

    public int size() {
        return size;
    }

    public Sequential main() {
        return main;
    }

    /**
     * The critic's two answers for a batch.
     *
     * @param outSrc real/fake scores of image patches (N, 1, h, w)
     * @param outCls expression logits (N, classes)
     */
    public record Output(Tensor outSrc, Tensor outCls) {
    }

    public Output forward(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != size || s[3] != size) {
            throw new IllegalArgumentException("discriminator: images must be (N, 3, " + size + ", " + size
                    + "), got " + Shape.str(s));
        }
        Tensor h = main.forward(x);
        Tensor src = conv1.forward(h);
        Tensor cls = conv2.forward(h).reshape(s[0], classes);
        return new Output(src, cls);
    }
}
