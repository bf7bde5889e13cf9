package org.sargan.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Softmax, cross-entropy and the L1 loss.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class LossesTest extends FamilySuite {
    public LossesTest() {
        super(Family.LOSSES);
    }

    @Test
    void softmaxAndCrossEntropy() {
        // logits [0, ln 3] -> softmax [0.25, 0.75]; CE with label 1 = -ln 0.75, label 0 = -ln 0.25
        Tensor logits = t(new float[] {0, (float) Math.log(3), 0, (float) Math.log(3)}, 2, 2);
        assertValues(new float[] {0.25f, 0.75f, 0.25f, 0.75f}, Losses.softmax(logits));
        float ce = Losses.crossEntropy(logits, new int[] {1, 0}).item();
        assertEquals((float) ((-Math.log(0.75) - Math.log(0.25)) / 2), ce, TOL);
        // large logits do not overflow: the max is subtracted first
        assertEquals(0f, Losses.crossEntropy(t(new float[] {1000, 0}, 1, 2), new int[] {0}).item(), TOL);
    }

    @Test
    void l1Loss() {
        assertEquals(1.5f, Losses.l1(t(new float[] {1, 2}, 2), t(new float[] {2, 0}, 2)).item(), TOL);
    }
}
