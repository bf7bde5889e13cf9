package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sargan.core.ConvSpec;
import org.sargan.core.Tensor;
import org.sargan.core.Tolerances;
import org.sargan.core.ops.Convolutions;

/** The im2col + GEMM convolutions against direct seven-loop convolutions in double precision. */
class ConvReferenceTest {

    private static float[] random(Random r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextFloat() * 2 - 1;
        }
        return d;
    }

    /** y[n][co][oy][ox] = sum x[n][ci][oy*s-p+ky][ox*s-p+kx] * w[co][ci][ky][kx], zero outside the image. */
    static double[] direct(float[] x, float[] w, int n, int ci, int h, int wd, int co, int kh, int kw, int s,
            int p, int ho, int wo) {
        double[] y = new double[n * co * ho * wo];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double acc = 0;
                        for (int c = 0; c < ci; c++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * s - p + ky;
                                    int ix = ox * s - p + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        acc += (double) x[((b * ci + c) * h + iy) * wd + ix]
                                                * w[((o * ci + c) * kh + ky) * kw + kx];
                                    }
                                }
                            }
                        }
                        y[((b * co + o) * ho + oy) * wo + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= Tolerances.FP32_SUM_REL * (1 + Math.abs(expected[i])),
                    what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    @ParameterizedTest(name = "n={0} cin={1} {2}x{3} cout={4} k={5}x{6} s={7} p={8}")
    @CsvSource({
        "2, 3, 7, 5, 4, 3, 3, 1, 1", "1, 2, 9, 9, 3, 4, 4, 2, 1", "2, 10, 8, 8, 5, 7, 7, 1, 3", "1, 4, 5, 6, 2, 1, 1, 1, 0",
        "3, 2, 6, 7, 3, 3, 2, 2, 0", "1, 1, 3, 3, 1, 3, 3, 3, 2", "2, 5, 11, 4, 6, 2, 3, 1, 1",
        // rows of 64: the forward (6 channels) and the input gradient (18) through DirectConvolutions, with SIMD
        "1, 18, 2, 64, 6, 3, 3, 1, 1",
        // rows of 64 with 8 output channels and a 5x5 kernel (the direct forward; a direct weight gradient was tried)
        "1, 3, 2, 64, 8, 5, 5, 1, 2",
        // an input gradient (16 channels, 10x14) computed on the padded grid (forwardPitched)
        "1, 16, 10, 14, 5, 3, 3, 1, 0",
        // strided input gradients with 16+ input channels and rows of 32 (a by-phase route was tried on these)
        "1, 16, 4, 32, 5, 4, 4, 2, 1", "1, 17, 8, 32, 6, 3, 3, 2, 1"})
    void forwardAndBothGradientsMatchDirectLoops(int n, int ci, int h, int wd, int co, int kh, int kw, int s, int p) {
        Random r = new Random(n * 1000 + ci * 100 + h * 10 + kh);
        ConvSpec spec = new ConvSpec(s, p);
        int ho = spec.outSize(h, kh);
        int wo = spec.outSize(wd, kw);
        float[] x = random(r, n * ci * h * wd);
        float[] w = random(r, co * ci * kh * kw);
        float[] gy = random(r, n * co * ho * wo);
        Tensor tx = Tensor.of(x, n, ci, h, wd);
        Tensor tw = Tensor.of(w, co, ci, kh, kw);
        Tensor tgy = Tensor.of(gy, n, co, ho, wo);

        assertClose(direct(x, w, n, ci, h, wd, co, kh, kw, s, p, ho, wo), Convolutions.conv2dRaw(tx, tw, spec).toArray(),
                "forward");

        // <conv(x, w), gy> is bilinear: its gradient in x and w, by the definition of the adjoint, element by element
        float[] dx = Convolutions.conv2dInputGrad(tgy, tw, tx.shape(), spec).toArray();
        float[] dw = Convolutions.conv2dWeightGrad(tx, tgy, tw.shape(), spec).toArray();
        double[] dxRef = new double[x.length];
        double[] dwRef = new double[w.length];
        for (int i = 0; i < x.length; i++) {
            float[] e = new float[x.length];
            e[i] = 1;
            dxRef[i] = dot(direct(e, w, n, ci, h, wd, co, kh, kw, s, p, ho, wo), gy);
        }
        for (int i = 0; i < w.length; i++) {
            float[] e = new float[w.length];
            e[i] = 1;
            dwRef[i] = dot(direct(x, e, n, ci, h, wd, co, kh, kw, s, p, ho, wo), gy);
        }
        assertClose(dxRef, dx, "input gradient");
        assertClose(dwRef, dw, "weight gradient");
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Larger images, where the forward pass splits each image into several column tasks. */
    @ParameterizedTest(name = "forward n={0} cin={1} {2}x{3} cout={4} k={5} s={6} p={7}")
    @CsvSource({"2, 3, 24, 24, 4, 3, 1, 1", "1, 4, 40, 36, 5, 4, 2, 1", "1, 3, 33, 30, 2, 7, 1, 3", "3, 10, 32, 32, 8, 7, 1, 3",
        "2, 16, 34, 34, 8, 3, 1, 0", "2, 10, 6, 64, 8, 7, 1, 3", "1, 5, 3, 128, 7, 3, 1, 1",
        // im2col read straight from phase-split images (stride 2 and 3; 70 rows, a partial micro-tile; 320 taps)
        "1, 6, 32, 64, 70, 4, 2, 1", "1, 5, 10, 95, 9, 3, 3, 1", "1, 20, 8, 32, 12, 4, 2, 1",
        // rows of 18 and 34 on the padded grid (forwardPitched)
        "2, 7, 20, 18, 9, 3, 1, 1", "1, 30, 9, 34, 11, 3, 1, 1",
        // 2, 3 and 6 channels on rows of 64: four-channel direct blocks, padded with zero weights; with 7x7
        // kernels the weight gradient in three-channel blocks (40 and 5 channels leave one and two over; 64
        // channels go through WeightGradFromTaps with the 8-row kernel, its patch of 490 rounded up to 8-row blocks)
        "2, 5, 4, 64, 3, 7, 1, 3", "1, 3, 2, 64, 2, 5, 1, 2", "1, 6, 3, 64, 6, 3, 1, 1", "1, 10, 5, 64, 64, 7, 1, 3",
        "1, 10, 5, 64, 40, 7, 1, 3", "2, 4, 40, 32, 5, 7, 1, 3",
        // a narrow weight gradient (patch 48, as the discriminator's first layer) over an odd number of images:
        // image groups in parallel, partial sums added in group order
        "5, 3, 16, 16, 64, 4, 2, 1",
        // the weight gradient from taps (WeightGradFromTaps, with the 8-row SIMD kernel of 512-bit vectors; with
        // narrower vectors these shapes take the gathered route, checked the same way): 256 pixels an image over an
        // odd number of images, and 600 (a partial last block of pixels) with 64 output channels (two panels)
        "3, 5, 32, 32, 32, 4, 2, 1", "1, 8, 20, 30, 64, 3, 1, 1",
        // 4x4 stride 2 by phase Winograd (PhaseWinograd, with SIMD; rows of 32 and 64 outputs): one tile row, an
        // odd channel count over three images, 130 output channels (a partial row block of the products), and 288
        // tiles an image in bands of tile rows (8 and 1) over two images
        "1, 32, 4, 64, 8, 4, 2, 1", "3, 33, 8, 64, 12, 4, 2, 1", "1, 40, 12, 128, 130, 4, 2, 1",
        "2, 32, 36, 128, 8, 4, 2, 1"})
    void forwardOnLargerImagesMatchesDirectLoops(int n, int ci, int h, int wd, int co, int k, int s, int p) {
        Random r = new Random(h * 31L + wd);
        ConvSpec spec = new ConvSpec(s, p);
        int ho = spec.outSize(h, k);
        int wo = spec.outSize(wd, k);
        float[] x = random(r, n * ci * h * wd);
        float[] w = random(r, co * ci * k * k);
        assertClose(direct(x, w, n, ci, h, wd, co, k, k, s, p, ho, wo),
                Convolutions.conv2dRaw(Tensor.of(x, n, ci, h, wd), Tensor.of(w, co, ci, k, k), spec).toArray(), "forward");
        // the weight gradient gathers its panels from padded images; the per-image route copies runs per tap
        org.sargan.core.ConvGeometry g = new org.sargan.core.ConvGeometry(n, ci, h, wd, co, k, k, s, p, ho, wo);
        float[] gy = random(r, n * co * ho * wo);
        assertClose(toDouble(CpuConvolutions.weightGradPerImage(x, gy, g)), CpuConvolutions.weightGrad(x, gy, g),
                "weight gradient");
    }

    /**
     * The input gradient against its definition, dx[n][ci][iy][ix] = sum of gy[n][co][oy][ox] * w[co][ci][ky][kx] over
     * iy = oy*s - p + ky, ix = ox*s - p + kx, in double: shapes for the dcols route of stride-1 gradients with 256
     * output channels that would otherwise run on the padded grid (COLUMNS_MIN_DEPTH), whose col2im adds rows a
     * vector at a time (rows of 5 and of 33: a tail alone, two vectors and a tail); and 4x4 stride-2 gradients by
     * phase Winograd.
     */
    @ParameterizedTest(name = "input gradient n={0} cin={1} {2}x{3} cout={4} k={5} s={6} p={7}")
    @CsvSource({"1, 16, 6, 7, 256, 3, 1, 0", "1, 16, 20, 35, 256, 3, 1, 0", "1, 17, 9, 9, 256, 3, 1, 1",
        // 4x4 stride 2 by phase Winograd (PhaseWinogradTransposed, with SIMD; output rows of 32 and 64): one tile
        // row, odd channel counts over three images with a partial panel of tiles, 130 input channels (a partial
        // row block of the products), and 288 tiles an image in bands of tile rows (8 and 1) over two images
        "1, 32, 4, 64, 32, 4, 2, 1", "3, 33, 8, 64, 35, 4, 2, 1", "1, 130, 12, 128, 40, 4, 2, 1",
        "2, 32, 36, 128, 33, 4, 2, 1",
        // rows of 16 outputs (with 512-bit vectors: two tile rows a vector, the paired layout): one image of 4 tile
        // rows, three images in one group, and 80 tiles an image in bands of 8 and 2 tile rows
        "1, 32, 16, 32, 32, 4, 2, 1", "3, 33, 8, 32, 35, 4, 2, 1", "2, 32, 40, 32, 33, 4, 2, 1"})
    void inputGradientMatchesItsDefinition(int n, int ci, int h, int wd, int co, int k, int s, int p) {
        Random r = new Random(ci * 131L + wd);
        ConvSpec spec = new ConvSpec(s, p);
        int ho = spec.outSize(h, k);
        int wo = spec.outSize(wd, k);
        float[] w = random(r, co * ci * k * k);
        float[] gy = random(r, n * co * ho * wo);
        double[] dx = new double[n * ci * h * wd];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double gv = gy[((b * co + o) * ho + oy) * wo + ox];
                        for (int c = 0; c < ci; c++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * s - p + ky;
                                    int ix = ox * s - p + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        dx[((b * ci + c) * h + iy) * wd + ix] += gv * w[((o * ci + c) * k + ky) * k + kx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        org.sargan.core.ConvGeometry g = new org.sargan.core.ConvGeometry(n, ci, h, wd, co, k, k, s, p, ho, wo);
        assertClose(dx, CpuConvolutions.inputGrad(gy, w, g), "input gradient");
    }

    /**
     * Both routes of every product on odd shapes: the batched one for tiny outputs (SmallImageConvolutions) and the
     * per-image one, each against the direct loops (forward) and against each other (both gradients, whose
     * per-image route the test above checks against the adjoint).
     */
    @ParameterizedTest(name = "both routes n={0} cin={1} {2}x{3} cout={4} k={5} s={6} p={7}")
    @CsvSource({"3, 5, 4, 4, 7, 4, 2, 1", "2, 17, 2, 2, 9, 3, 1, 1", "5, 3, 3, 5, 2, 2, 1, 0", "2, 33, 8, 8, 40, 4, 2, 1",
        "4, 6, 2, 2, 3, 2, 1, 0", "3, 2, 9, 7, 5, 3, 3, 1", "3, 20, 2, 2, 10, 4, 2, 1", "2, 64, 4, 4, 68, 4, 2, 1",
        // 144 rows and 130 output channels: both gradients' products through the packed GEMM
        "9, 6, 8, 8, 130, 4, 2, 1",
        // output channels in blocks of 8: the forward through WeightRowsProduct (with the 8-row SIMD kernel of 512-bit
        // vectors; with narrower ones through the dot products, checked the same way), with one partial panel
        // of columns (12 rows), several panels and a partial last task (144 rows, 136 channels), and a depth of 1,120
        // (several k blocks, the last one partial)
        "3, 5, 4, 4, 8, 4, 2, 1", "9, 6, 8, 8, 136, 4, 2, 1", "2, 70, 4, 4, 16, 4, 2, 1", "2, 17, 2, 2, 72, 3, 1, 1"})
    void batchedAndPerImageRoutesAgree(int n, int ci, int h, int wd, int co, int k, int s, int p) {
        Random r = new Random(n * 7919L + ci * 31 + h);
        ConvSpec spec = new ConvSpec(s, p);
        int ho = spec.outSize(h, k);
        int wo = spec.outSize(wd, k);
        org.sargan.core.ConvGeometry g = new org.sargan.core.ConvGeometry(n, ci, h, wd, co, k, k, s, p, ho, wo);
        assertTrue(SmallImageConvolutions.applies(g), "shape meant for the batched route");
        float[] x = random(r, n * ci * h * wd);
        float[] w = random(r, co * ci * k * k);
        float[] gy = random(r, n * co * ho * wo);
        double[] ref = direct(x, w, n, ci, h, wd, co, k, k, s, p, ho, wo);
        assertClose(ref, SmallImageConvolutions.forward(x, w, g), "batched forward");
        assertClose(ref, CpuConvolutions.forwardPerImage(x, w, g), "per-image forward");
        assertClose(toDouble(CpuConvolutions.inputGradPerImage(gy, w, g)), SmallImageConvolutions.inputGrad(gy, w, g),
                "input gradient");
        assertClose(toDouble(CpuConvolutions.weightGradPerImage(x, gy, g)), CpuConvolutions.weightGrad(x, gy, g),
                "weight gradient");
    }

    /** The direct few-output-channel route (the 7x7 64 -> 3 layer and the attention map) against the GEMM routes. */
    @ParameterizedTest(name = "few channels n={0} cin={1} {2}x{3} cout={4} k={5} p={6}")
    @CsvSource({"2, 5, 9, 7, 3, 7, 3", "3, 4, 6, 6, 1, 3, 1", "1, 3, 5, 11, 4, 3, 0", "2, 2, 13, 5, 2, 4, 2",
        "2, 17, 20, 20, 3, 7, 3",
        // rows of 16 and 32 (whole vectors): the SIMD weight gradient
        "2, 6, 10, 16, 3, 7, 3", "1, 4, 5, 32, 3, 7, 3", "2, 3, 6, 16, 2, 7, 3"})
    void fewChannelRouteMatchesDirectLoopsAndGemm(int n, int ci, int h, int wd, int co, int k, int p) {
        Random r = new Random(n * 131L + ci * 17 + h * 3 + co);
        ConvSpec spec = new ConvSpec(1, p);
        int ho = spec.outSize(h, k);
        int wo = spec.outSize(wd, k);
        org.sargan.core.ConvGeometry g = new org.sargan.core.ConvGeometry(n, ci, h, wd, co, k, k, 1, p, ho, wo);
        assertTrue(FewChannelConvolutions.applies(g), "shape meant for the few-channel route");
        float[] x = random(r, n * ci * h * wd);
        float[] w = random(r, co * ci * k * k);
        float[] gy = random(r, n * co * ho * wo);
        assertClose(direct(x, w, n, ci, h, wd, co, k, k, 1, p, ho, wo), FewChannelConvolutions.forward(x, w, g),
                "few-channel forward");
        assertClose(toDouble(CpuConvolutions.weightGradPerImage(x, gy, g)), FewChannelConvolutions.weightGrad(x, gy, g),
                "few-channel weight gradient");
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
