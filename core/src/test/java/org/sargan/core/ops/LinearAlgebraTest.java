package org.sargan.core.ops;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * The matrix product, with every transpose.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class LinearAlgebraTest extends FamilySuite {
    public LinearAlgebraTest() {
        super(Family.LINEAR_ALGEBRA);
    }

    @Test
    void matmulAllTransposes() {
        // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = t(new float[] {5, 6, 7, 8}, 2, 2);
        assertValues(new float[] {19, 22, 43, 50}, LinearAlgebra.matmul(a, b));
        assertValues(new float[] {26, 30, 38, 44}, LinearAlgebra.matmul(a, b, true, false));
        assertValues(new float[] {17, 23, 39, 53}, LinearAlgebra.matmul(a, b, false, true));
        assertValues(new float[] {23, 31, 34, 46}, LinearAlgebra.matmul(a, b, true, true));
    }
}
