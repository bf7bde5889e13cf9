package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sargan.core.ConvGeometry;

/**
 * The gathering col2im of 4x4 stride-2 pad-1 convolutions against the column matrix scattered back in double,
 * entry by entry (the definition of col2im), and its vector rows against its scalar rows bit for bit.
 */
class Col2imStride2Test {

    private static ConvGeometry geometry(int cin, int ho, int wo) {
        return new ConvGeometry(1, cin, 2 * ho, 2 * wo, 3, 4, 4, 2, 1, ho, wo);
    }

    private static float[] columns(ConvGeometry g, long seed) {
        Random r = new Random(seed);
        float[] cols = new float[g.patch() * g.outPixels()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = r.nextFloat() * 2 - 1;
        }
        return cols;
    }

    /** Every column entry (ci, ky, kx, oy, ox) added, in double, to input pixel (2oy - 1 + ky, 2ox - 1 + kx). */
    private static double[] scattered(float[] cols, ConvGeometry g) {
        double[] dx = new double[g.cin() * g.h() * g.w()];
        for (int ci = 0; ci < g.cin(); ci++) {
            for (int t = 0; t < 16; t++) {
                for (int oy = 0; oy < g.ho(); oy++) {
                    for (int ox = 0; ox < g.wo(); ox++) {
                        int iy = 2 * oy - 1 + t / 4;
                        int ix = 2 * ox - 1 + t % 4;
                        if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                            dx[(ci * g.h() + iy) * g.w() + ix] += cols[((ci * 16 + t) * g.ho() + oy) * g.wo() + ox];
                        }
                    }
                }
            }
        }
        return dx;
    }

    // rows of 1, 3, 5 and 8 columns (the scalar rows with 16 lanes), 16, 32 and 48 (vector rows: one chunk with both
    // ends, two, three); one output row (every input row has one kernel row) and several
    @ParameterizedTest(name = "cin={0} ho={1} wo={2}")
    @CsvSource({"1, 1, 1", "2, 3, 3", "3, 2, 5", "2, 4, 8", "2, 1, 16", "3, 3, 16", "2, 2, 32", "1, 5, 48", "2, 3, 64"})
    void gatherEqualsTheScatteredColumns(int cin, int ho, int wo) {
        ConvGeometry g = geometry(cin, ho, wo);
        assertTrue(Col2imStride2.applies(g));
        float[] cols = columns(g, 31L * wo + ho);
        float[] dx = new float[g.cin() * g.inPixels() + 3];
        Arrays.fill(dx, Float.NaN); // every element must be written: no leftover from a dirty array
        Col2imStride2.col2im(cols, g, dx, 2);
        assertFalse(Float.isNaN(dx[2 + g.cin() * g.inPixels() - 1]));
        assertTrue(Float.isNaN(dx[1]) && Float.isNaN(dx[2 + g.cin() * g.inPixels()]), "wrote outside its image");
        ConvReferenceTest.assertClose(scattered(cols, g), Arrays.copyOfRange(dx, 2, 2 + g.cin() * g.inPixels()),
                "col2im " + g);
    }

    @ParameterizedTest(name = "wo={0}")
    @CsvSource({"16", "32", "48", "64"})
    void vectorRowsGiveTheScalarRowsBits(int wo) {
        assumeTrue(SimdSupport.enabled() && wo % VectorLoops.lanes() == 0, "SIMD off or rows not whole vectors");
        ConvGeometry g = geometry(2, 3, wo);
        float[] cols = columns(g, wo);
        int plane = g.outPixels();
        int base = 16 * plane; // channel 1: its rows have neighbours on both sides in cols
        int[][] rows = {{base + 4 * plane, -1}, {base + 4 * plane + wo, base + 12 * plane}, {base + wo, base + 8 * plane}};
        for (int[] r : rows) {
            float[] a = new float[2 * wo];
            float[] b = new float[2 * wo];
            Col2imStride2.row(cols, r[0], r[1], plane, wo, a, 0);
            VectorLoops.col2imStride2Row(cols, r[0], r[1], plane, wo, b, 0);
            for (int j = 0; j < 2 * wo; j++) {
                assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(b[j]), "column " + j);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'1, 4, 9, 9, 3, 4, 4, 2, 1, 4, 4'", "'1, 4, 8, 8, 3, 4, 4, 2, 0, 3, 3'", "'1, 4, 8, 8, 3, 3, 3, 2, 1, 4, 4'"})
    void otherGeometriesAreLeftToTheScatter(String spec) {
        int[] v = Arrays.stream(spec.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        assertFalse(Col2imStride2.applies(new ConvGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                v[10])));
    }
}
