package org.sargan.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Reshape, concat, narrow and its adjoint, label tiling.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class ShapesTest extends FamilySuite {
    public ShapesTest() {
        super(Family.SHAPES);
    }

    @Test
    void concatNarrowTile() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 1, 2, 1, 2);
        Tensor b = t(new float[] {9, 8}, 1, 1, 1, 2);
        Tensor c = Shapes.concat(1, a, b);
        assertArrayEquals(new int[] {1, 3, 1, 2}, c.shape());
        assertValues(new float[] {1, 2, 3, 4, 9, 8}, c);
        assertValues(new float[] {3, 4, 9, 8}, Shapes.narrow(c, 1, 1, 2));
        assertValues(new float[] {0, 0, 3, 4, 9, 8}, Shapes.unnarrow(Shapes.narrow(c, 1, 1, 2), 1, 1, 3));
        Tensor label = t(new float[] {0, 1, 1, 0}, 2, 2);
        assertValues(new float[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0}, Shapes.tile(label, 1, 3));
    }
}
