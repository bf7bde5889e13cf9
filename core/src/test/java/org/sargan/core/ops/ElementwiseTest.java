package org.sargan.core.ops;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Element-wise ops: unary functions and broadcasting arithmetic.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class ElementwiseTest extends FamilySuite {
    public ElementwiseTest() {
        super(Family.ELEMENTWISE);
    }

    @Test
    void broadcastArithmetic() {
        Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = t(new float[] {10, 20, 30}, 3);
        Tensor col = t(new float[] {2, 4}, 2, 1);
        assertValues(new float[] {11, 22, 33, 14, 25, 36}, a.add(row));
        assertValues(new float[] {-1, 0, 1, 1, 2, 3}, a.sub(col.mul(0.5f).add(1f)));
        assertValues(new float[] {2, 4, 6, 16, 20, 24}, a.mul(col));
        assertValues(new float[] {0.5f, 1, 1.5f, 1, 1.25f, 1.5f}, a.div(col));
        assertValues(new float[] {-1, -2, -3, -4, -5, -6}, a.neg());
    }

    @Test
    void unaryFunctions() {
        Tensor x = t(new float[] {-2, -0.5f, 0.5f, 2}, 4);
        assertValues(new float[] {0, 0, 0.5f, 2}, x.relu());
        assertValues(new float[] {-0.02f, -0.005f, 0.5f, 2}, x.leakyRelu(0.01f));
        assertValues(new float[] {2, 0.5f, 0.5f, 2}, x.abs());
        assertValues(new float[] {4, 0.25f, 0.25f, 4}, x.pow(2f));
        // tanh(0.5) = 0.46211716, sigmoid(2) = 0.88079708, exp(-0.5) = 0.60653066
        assertValues(new float[] {-0.9640276f, -0.46211716f, 0.46211716f, 0.9640276f}, x.tanh());
        assertValues(new float[] {0.11920292f, 0.37754067f, 0.62245933f, 0.88079708f}, x.sigmoid());
        assertValues(new float[] {0.13533528f, 0.60653066f, 1.6487213f, 7.3890561f}, x.exp());
        Tensor p = t(new float[] {1, 4, 9}, 3);
        assertValues(new float[] {1, 2, 3}, p.sqrt());
        assertValues(new float[] {0, 1.3862944f, 2.1972246f}, p.log());
    }
}
