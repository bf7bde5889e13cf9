package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector-API rectifiers against their plain loops, bit for bit, on odd lengths with signed zeros and NaN. */
class VectorLoopsTest {

    @Test
    void rectifiersGiveTheSameBitsAsThePlainLoops() {
        assumeTrue(SimdSupport.enabled(), "SIMD disabled: only the plain loops run");
        Random r = new Random(5);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (r.nextFloat() - 0.5f) * 4;
        }
        x[3] = -0f;
        x[4] = 0f;
        x[17] = Float.NaN;
        x[40] = Float.NEGATIVE_INFINITY;
        x[997] = Float.NaN;
        for (VectorLoops.Rectifier kind : VectorLoops.Rectifier.values()) {
            for (int[] range : new int[][] {{0, 1000}, {3, 998}, {5, 12}}) {
                float[] y = new float[x.length];
                VectorLoops.rectify(kind, x, y, 0.01f, range[0], range[1]);
                for (int i = 0; i < x.length; i++) {
                    float v = x[i];
                    float expected = i < range[0] || i >= range[1] ? 0f : switch (kind) {
                        case RELU -> v > 0 ? v : 0f;
                        case LEAKY -> v > 0 ? v : 0.01f * v;
                        case SLOPE -> v > 0 ? 1f : 0.01f;
                    };
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y[i]),
                            kind + " at " + i + " of x = " + v);
                }
            }
        }
    }
}
