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

    @Test
    void composedGradientIsTheFusedOne() {
        Random r = new Random(3);
        assertComposedGradientIsFused("instance norm", x -> Normalization.instanceNorm(x[0], x[1], x[2], 1e-5f),
                Tensor.randn(r, 2, 3, 5, 7), Tensor.randn(r, 3), Tensor.randn(r, 3));
    }
}
