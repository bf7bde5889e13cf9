package org.sargan.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.sargan.core.FamilySuite;
import org.sargan.core.OpTable.Family;
import org.sargan.core.Tensor;

/**
 * Convolution and transposed convolution: zero and reflection padding, strides, output padding.
 *
 * <p>Hand-computed values (worked out in the comments), then the family's rows of the op table against finite
 * differences, first and second order ({@link FamilySuite}). Written once, run on every backend.
 */
public class ConvolutionsTest extends FamilySuite {
    public ConvolutionsTest() {
        super(Family.CONVOLUTIONS);
    }

    @Test
    void conv2dByHand() {
        // 3x3 image 1..9, 2x2 kernel [1 0; 0 -1], stride 1, no pad: x[i][j] - x[i+1][j+1] = -4 everywhere
        Tensor x = t(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = t(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
        assertValues(new float[] {-4, -4, -4, -4}, Convolutions.conv2d(x, w, null, 1, 0));
        // zero padding 1, stride 2, all-ones 2x2 kernel: sums of the 2x2 windows at (-1,-1), (-1,1), (1,-1), (1,1)
        Tensor ones = t(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertValues(new float[] {1, 5, 11, 28}, Convolutions.conv2d(x, ones, t(new float[] {0}, 1), 2, 1));
        // bias is added per output channel
        assertValues(new float[] {-1.5f, -1.5f, -1.5f, -1.5f}, Convolutions.conv2d(x, w, t(new float[] {2.5f}, 1), 1, 0));
    }

    @Test
    void convTransposeByHand() {
        // stride 2, 2x2 kernel, no pad: each input pixel stamps its value times the kernel into a disjoint 2x2 block
        Tensor x = t(new float[] {1, 2}, 1, 1, 1, 2);
        Tensor w = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertValues(new float[] {1, 2, 2, 4, 3, 4, 6, 8}, Convolutions.convTranspose2d(x, w, null, 2, 0, 0));
        // kernel 4, stride 2, pad 1 doubles the size (SARGAN's up-sampling layers)
        Tensor up = Convolutions.convTranspose2d(Tensor.ones(1, 3, 5, 7), Tensor.ones(3, 2, 4, 4), null, 2, 1, 0);
        assertArrayEquals(new int[] {1, 2, 10, 14}, up.shape());
    }
}
