package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Shapes;
import org.sargan.core.ops.Spatial;

/** Forward values of each op on inputs small enough to work out by hand (the expected values are in comments). */
class OpValuesTest {
    private static final float TOL = (float) Tolerances.FP32_OP;

    private static Tensor t(float[] d, int... shape) {
        return Tensor.of(d, shape);
    }

    private static void assertValues(float[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toArray(), TOL);
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

    @Test
    void reflectionPadAndUpsample() {
        // rows [1 2 3], [4 5 6] padded by 1: the mirror skips the edge
        Tensor x = t(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3);
        assertValues(new float[] {5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2}, Spatial.reflectionPad(x, 1));
        Tensor y = t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertValues(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, Spatial.upsampleNearest2x(y));
        assertValues(new float[] {4, 8, 12, 16}, Spatial.upsampleNearest2xGrad(Spatial.upsampleNearest2x(y)));
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
    void attentionGateByHand() {
        // y = identity + h * sigmoid(z), z broadcast over 2 channels; sigmoid(0) = 0.5, sigmoid(ln 3) = 0.75
        Tensor id = t(new float[] {1, 1, 1, 1}, 1, 2, 1, 2);
        Tensor h = t(new float[] {2, 4, 6, 8}, 1, 2, 1, 2);
        Tensor z = t(new float[] {0, (float) Math.log(3)}, 1, 1, 1, 2);
        assertValues(new float[] {2, 4, 4, 7}, Attention.gate(id, h, z));
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
