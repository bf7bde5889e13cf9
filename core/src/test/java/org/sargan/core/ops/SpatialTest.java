package org.sargan.core.ops;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Reflection padding, nearest 2x upsampling and their adjoints.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class SpatialTest extends FamilySuite {
    public SpatialTest() {
        super(Family.SPATIAL);
    }

    @Test
    void reflectionPadAndUpsample() {
        // rows [1 2 3], [4 5 6] padded by 1: the mirror skips the edge
        Tensor x = t(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        assertValues(new float[] {5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2}, Spatial.reflectionPad(x, 1));
        Tensor y = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertValues(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, Spatial.upsampleNearest2x(y));
        assertValues(new float[] {4, 8, 12, 16}, Spatial.upsampleNearest2xGrad(Spatial.upsampleNearest2x(y)));
    }
}
