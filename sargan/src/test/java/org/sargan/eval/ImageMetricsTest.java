package org.sargan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** PSNR, SSIM and L1 on cases with known answers. */
class ImageMetricsTest {
    /** A smooth pattern in [-0.8, 0.8], moved {@code shift} pixels to the left. */
    static float[] pattern(int s, int shift) {
        float[] x = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                for (int xx = 0; xx < s; xx++) {
                    x[c * s * s + y * s + xx] = (float) (0.8 * Math.sin(0.7 * (xx + shift) + 1.3 * y + c));
                }
            }
        }
        return x;
    }

    @Test
    void identicalImages() {
        float[] x = pattern(16, 0);
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, ImageMetrics.psnr(x, x.clone()), EvalTolerances.DOUBLE);
        assertEquals(1.0, ImageMetrics.ssim(x, x.clone(), 16), EvalTolerances.DOUBLE);
        assertEquals(0.0, ImageMetrics.l1(x, x.clone()), 0.0);
    }

    @Test
    void constantOffsetOfOneTenth() {
        float[] x = new float[3 * 16 * 16];
        float[] y = new float[x.length];
        Arrays.fill(y, 0.2f); // 0.5 and 0.6 on the [0, 1] scale
        assertEquals(0.1, ImageMetrics.l1(x, y), EvalTolerances.FLOAT_IMAGE);
        assertEquals(20.0, ImageMetrics.psnr(x, y), EvalTolerances.FLOAT_IMAGE);
        // flat images: only the luminance term is left, (2ab + C1) / (a^2 + b^2 + C1)
        double c1 = 1e-4;
        assertEquals((2 * 0.5 * 0.6 + c1) / (0.25 + 0.36 + c1), ImageMetrics.ssim(x, y, 16), EvalTolerances.FLOAT_IMAGE);
    }

    @Test
    void imageShiftedByOnePixelMatchesScipyReference() {
        float[] x = pattern(16, 0);
        float[] y = pattern(16, 1);
        // numpy/scipy.ndimage.correlate1d with the same window, valid region (what skimage's
        // structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1) computes)
        assertEquals(0.7657284911054153, ImageMetrics.ssim(x, y, 16), EvalTolerances.FLOAT_IMAGE);
        assertEquals(14.245599023841882, ImageMetrics.psnr(x, y), EvalTolerances.FLOAT_IMAGE);
        assertEquals(0.17465169848583173, ImageMetrics.l1(x, y), EvalTolerances.FLOAT_IMAGE);
        assertEquals(ImageMetrics.ssim(x, y, 16), ImageMetrics.ssim(y, x, 16), EvalTolerances.DOUBLE, "SSIM is symmetric");
    }

    @Test
    void worseImagesScoreWorse() {
        float[] x = pattern(16, 0);
        assertTrue(ImageMetrics.ssim(x, pattern(16, 2), 16) < ImageMetrics.ssim(x, pattern(16, 1), 16));
        assertTrue(ImageMetrics.psnr(x, pattern(16, 2)) < ImageMetrics.psnr(x, pattern(16, 1)));
    }

    @Test
    void valuesBeyondTheImageRangeAreClampedAsInAWrittenPng() {
        float[] x = new float[3 * 16 * 16];
        float[] y = new float[x.length];
        Arrays.fill(x, 1f);
        Arrays.fill(y, 1.7f);
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, ImageMetrics.psnr(x, y), EvalTolerances.DOUBLE);
    }

    @Test
    void gaussianWindowIsNormalisedAndSymmetric() {
        double[] w = ImageMetrics.gaussianWindow();
        assertEquals(1.0, Arrays.stream(w).sum(), EvalTolerances.DOUBLE);
        assertEquals(w[0], w[10], 0.0);
        assertEquals(Math.exp(-1 / (2 * 1.5 * 1.5)), w[4] / w[5], EvalTolerances.DOUBLE);
    }

    @Test
    void refusesMismatchedOrTooSmallImages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageMetrics.psnr(new float[3], new float[4]));
        assertTrue(e.getMessage().contains("3 and 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(new float[300], new float[300], 10));
    }
}
