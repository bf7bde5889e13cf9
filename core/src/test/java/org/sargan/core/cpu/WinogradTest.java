package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sargan.core.ConvGeometry;

/**
 * Winograd F(2x2, 3x3) against convolution by definition, in double: odd output sizes (a cut last tile row and
 * column), every padding it takes, tile counts that are and are not whole GEMM panels (the in-place and the packed
 * products), and batches split into groups of images.
 */
class WinogradTest {
    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Convolution by definition, in double ({@link ConvReferenceTest#direct}). */
    private static double[] direct(float[] x, float[] w, ConvGeometry g) {
        return ConvReferenceTest.direct(x, w, g.n(), g.cin(), g.h(), g.w(), g.cout(), 3, 3, 1, g.pad(), g.ho(), g.wo());
    }

    private static ConvGeometry geometry(int n, int cin, int h, int w, int cout, int pad) {
        return new ConvGeometry(n, cin, h, w, cout, 3, 3, 1, pad, h + 2 * pad - 2, w + 2 * pad - 2);
    }

    @ParameterizedTest(name = "n={0} cin={1} {2}x{3} cout={4} pad={5}")
    @CsvSource({"2, 5, 9, 11, 3, 0", "1, 3, 7, 6, 4, 1", "3, 4, 5, 8, 6, 2", "1, 1, 3, 3, 1, 0",
        // 4 images of 8x8 outputs: 64 tiles, whole panels, so the products read V in place
        "4, 6, 8, 8, 5, 1",
        // 576 tiles an image: one image per group; 64 tiles an image: groups of 4 images and 1
        "3, 2, 48, 48, 3, 1", "5, 3, 16, 16, 4, 1",
        // 37 x 23 outputs (228 tiles an image, one image a group): the odd last output row and column
        "2, 3, 37, 23, 5, 1"})
    void matchesConvolutionByDefinition(int n, int cin, int h, int w, int cout, int pad) {
        Random r = new Random(n * 1000L + cin * 100 + h * 10 + pad);
        ConvGeometry g = geometry(n, cin, h, w, cout, pad);
        float[] x = random(r, n * cin * h * w);
        float[] wt = random(r, cout * cin * 9);
        ConvReferenceTest.assertClose(direct(x, wt, g), WinogradConvolutions.forward(x, wt, g), "winograd forward");
    }

    /** The SARB's layers take this route, forward and (as a convolution padded by 2) input gradient; others do not. */
    @Test
    void appliesToWideThreeByThreeLayersOnly() {
        assertTrue(WinogradConvolutions.applies(geometry(8, 256, 34, 34, 256, 0)));
        assertTrue(WinogradConvolutions.applies(geometry(8, 256, 32, 32, 256, 2)));
        // at 64 px too (512 tiles, and 648 for the input gradient); with fewer images the GEMM route
        assertTrue(WinogradConvolutions.applies(geometry(8, 256, 18, 18, 256, 0)));
        assertTrue(WinogradConvolutions.applies(geometry(8, 256, 16, 16, 256, 2)));
        assertFalse(WinogradConvolutions.applies(geometry(4, 256, 18, 18, 256, 0)));
        assertFalse(WinogradConvolutions.applies(geometry(8, 64, 18, 18, 64, 0)));
        assertFalse(WinogradConvolutions.applies(new ConvGeometry(8, 256, 18, 18, 256, 3, 3, 2, 0, 8, 8)));
        assertFalse(WinogradConvolutions.applies(new ConvGeometry(8, 256, 18, 18, 256, 4, 4, 1, 0, 15, 15)));
    }

    /** Through the backend's routing: the forward and the input gradient of a 128-channel layer, by definition. */
    @Test
    void routedForwardAndInputGradientMatchDefinition() {
        Random r = new Random(7);
        // one image of 66 x 66 (64 x 64 out, 1,024 tiles)
        ConvGeometry g = geometry(1, 128, 66, 66, 128, 0);
        assertTrue(WinogradConvolutions.applies(g));
        float[] x = random(r, 128 * 66 * 66);
        float[] wt = random(r, 128 * 128 * 9);
        ConvReferenceTest.assertClose(direct(x, wt, g), CpuConvolutions.forward(x, wt, g), "routed forward");
        float[] gy = random(r, 128 * g.outPixels());
        // dx[b][c][iy][ix] = sum over o, ky, kx of gy[b][o][iy - ky][ix - kx] * w[o][c][ky][kx] (pad 0)
        double[] dx = new double[x.length];
        for (int b = 0; b < 1; b++) {
            for (int o = 0; o < 128; o++) {
                for (int oy = 0; oy < g.ho(); oy++) {
                    for (int ox = 0; ox < g.wo(); ox++) {
                        double d = gy[((b * 128 + o) * g.ho() + oy) * g.wo() + ox];
                        for (int c = 0; c < 128; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    dx[((b * 128 + c) * 66 + oy + ky) * 66 + ox + kx] +=
                                            d * wt[((o * 128 + c) * 3 + ky) * 3 + kx];
                                }
                            }
                        }
                    }
                }
            }
        }
        ConvReferenceTest.assertClose(dx, CpuConvolutions.inputGrad(gy, wt, g), "routed input gradient");
    }
}
