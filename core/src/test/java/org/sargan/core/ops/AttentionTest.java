package org.sargan.core.ops;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * The SARB attention gate.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class AttentionTest extends FamilySuite {
    public AttentionTest() {
        super(Family.ATTENTION);
    }

    @Test
    void attentionGateByHand() {
        // y = identity + h * sigmoid(z), z broadcast over 2 channels; sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75
        Tensor id = t(new float[] {1, 1, 1, 1}, 1, 2, 1, 2);
        Tensor h = t(new float[] {2, 4, 6, 8}, 1, 2, 1, 2);
        Tensor z = t(new float[] {0, (float) Math.log(3)}, 1, 1, 1, 2);
        assertValues(new float[] {2, 4, 4, 7}, Attention.gate(id, h, z));
    }

    @Test
    void composedGradientIsTheFusedOne() {
        Random r = new Random(4);
        assertComposedGradientIsFused("attention gate", x -> Attention.gate(x[0], x[1], x[2]),
                Tensor.randn(r, 2, 3, 5, 7), Tensor.randn(r, 2, 3, 5, 7), Tensor.randn(r, 2, 1, 5, 7));
    }
}
