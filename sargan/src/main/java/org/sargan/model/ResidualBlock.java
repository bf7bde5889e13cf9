package org.sargan.model;

import java.util.Random;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.nn.Activation;
import org.sargan.nn.Conv2d;
import org.sargan.nn.InstanceNorm2d;
import org.sargan.nn.Layer;
import org.sargan.nn.Sequential;

/** StarGAN's vanilla residual block, {@code x + IN(conv3x3(ReLU(IN(conv3x3(x)))))}, zero padding, no bias. */
final class ResidualBlock extends Layer {
    private final Sequential main;

    ResidualBlock(Random rng, int channels) {
        this.main = child("main", new Sequential(
                new Conv2d(rng, channels, channels, 3, 1, 1, false, Padding.ZERO), new InstanceNorm2d(channels),
                Activation.relu(),
                new Conv2d(rng, channels, channels, 3, 1, 1, false, Padding.ZERO), new InstanceNorm2d(channels)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.add(main.forward(x));
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }
}
