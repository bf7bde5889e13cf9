package org.sargan.core.ops;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Instance normalisation.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class NormalizationTest extends FamilySuite {
    public NormalizationTest() {
        super(Family.NORMALIZATION);
    }

    @Test
    void instanceNormByHand() {
        // plane [1 2 3 4]: mean 2.5, biased variance 1.25, xhat = (x - 2.5) / sqrt(1.25 + 1e-5)
        Tensor x = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        double s = Math.sqrt(1.25 + 1e-5);
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = (float) (2 * ((i + 1) - 2.5) / s + 0.5);
        }
        Tensor y = Normalization.instanceNorm(x, t(new float[] {2}, 1), t(new float[] {0.5f}, 1), 1e-5f);
        assertValues(expected, y);
    }

    /**
     * The one-op IN + ReLU against the two ops: the same floats forward and backward (it only frees the values in
     * between sooner), on a batch with negative and positive normalised values.
     */
    @Test
    void instanceNormReluIsReluOfInstanceNormToTheBit() {
        Random r = new Random(5);
        Tensor x0 = Tensor.randn(r, 2, 3, 6, 5);
        Tensor g0 = Tensor.randn(r, 3);
        Tensor b0 = Tensor.randn(r, 3);
        Tensor weights = Tensor.randn(r, 2, 3, 6, 5);
        float[][] results = new float[2][];
        float[][][] grads = new float[2][][];
        for (int k = 0; k < 2; k++) {
            Tensor[] in = {Tensor.of(x0.toArray(), x0.shape()).requiresGrad(true),
                Tensor.of(g0.toArray(), 3).requiresGrad(true), Tensor.of(b0.toArray(), 3).requiresGrad(true)};
            Tensor y = k == 0 ? Normalization.instanceNormRelu(in[0], in[1], in[2], 1e-5f)
                    : Normalization.instanceNorm(in[0], in[1], in[2], 1e-5f).relu();
            results[k] = y.toArray();
            y.mul(weights).sum().backward();
            grads[k] = new float[][] {in[0].grad().toArray(), in[1].grad().toArray(), in[2].grad().toArray()};
        }
        int zeros = 0;
        for (float v : results[1]) {
            zeros += v == 0 ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertTrue(zeros > 40 && zeros < 140, zeros + " of 180 cut by the ReLU");
        org.junit.jupiter.api.Assertions.assertArrayEquals(results[1], results[0], 0f, "forward");
        String[] names = {"x", "gamma", "beta"};
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(grads[1][i], grads[0][i], 0f, "d/d " + names[i]);
        }
        assertComposedGradientIsFused("instance norm + relu",
                x -> Normalization.instanceNormRelu(x[0], x[1], x[2], 1e-5f), x0, g0, b0);
    }

    @Test
    void composedGradientIsTheFusedOne() {
        Random r = new Random(3);
        assertComposedGradientIsFused("instance norm", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                Tensor.randn(r, 2, 3, 5, 7), Tensor.randn(r, 3), Tensor.randn(r, 3));
    }
}
