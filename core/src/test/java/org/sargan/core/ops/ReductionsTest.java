package org.sargan.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Sums and means over dimensions, sum_to and expand.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class ReductionsTest extends FamilySuite {
    public ReductionsTest() {
        super(Family.REDUCTIONS);
    }

    @Test
    void reductions() {
        Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(21f, a.sum().item(), TOL);
        assertEquals(3.5f, a.mean().item(), TOL);
        assertValues(new float[] {5, 7, 9}, a.sum(new int[] {0}, false));
        assertValues(new float[] {2, 5}, a.mean(new int[] {1}, false));
        assertArrayEquals(new int[] {2, 1}, a.sum(new int[] {1}, true).shape());
        assertArrayEquals(new int[0], a.sum().shape());
    }
}
