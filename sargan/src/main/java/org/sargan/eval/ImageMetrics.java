package org.sargan.eval;

/**
 * Full-reference image metrics between two planar RGB images (3, S, S) with values in [-1, 1], as the model and
 * {@link org.sargan.data.Dataset} hold them. Both are first clamped to [-1, 1] and mapped to [0, 1] (what a written
 * PNG holds), so the data range L is 1:
 * <ul>
 *   <li>L1: mean |x - y| over all values;</li>
 *   <li>PSNR: 10 log10(L^2 / MSE) in dB, MSE floored at {@link #MSE_FLOOR} (identical images give
 *       {@link #PSNR_IDENTICAL_DB} instead of infinity, so means stay finite);</li>
 *   <li>SSIM (Wang, Bovik, Sheikh, Simoncelli 2004): 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, population
 *       (co)variances, computed on the "valid" windows that fit inside the image, per channel, then averaged over
 *       positions and channels. This is what scikit-image's {@code structural_similarity(gaussian_weights=True,
 *       sigma=1.5, use_sample_covariance=False, data_range=1)} returns.</li>
 * </ul>
 */
public final class ImageMetrics {
    /** SSIM's window side; images must be at least this large. */
    public static final int SSIM_WINDOW = 11;
    public static final double SSIM_SIGMA = 1.5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;
    public static final double MSE_FLOOR = 1e-10;
    public static final double PSNR_IDENTICAL_DB = 100;

    private ImageMetrics() {
    }

    /** Mean absolute difference on the [0, 1] scale. */
    public static double l1(float[] x, float[] y) {
        check("l1", x, y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs(unit(x[i]) - unit(y[i]));
        }
        return s / x.length;
    }

    /** Peak signal-to-noise ratio in dB, peak 1 on the [0, 1] scale. */
    public static double psnr(float[] x, float[] y) {
        check("psnr", x, y);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = unit(x[i]) - unit(y[i]);
            s += d * d;
        }
        return 10 * Math.log10(1 / Math.max(MSE_FLOOR, s / x.length));
    }

    /** Mean SSIM over the three channels of (3, S, S) images. */
    public static double ssim(float[] x, float[] y, int size) {
        check("ssim", x, y);
        if (x.length != 3 * size * size || size < SSIM_WINDOW) {
            throw new IllegalArgumentException("ssim: images of " + x.length + " values are not (3, " + size + ", "
                    + size + ") with size >= " + SSIM_WINDOW);
        }
        double[] w = gaussianWindow();
        int plane = size * size;
        double total = 0;
        for (int c = 0; c < 3; c++) {
            double[] a = new double[plane];
            double[] b = new double[plane];
            double[] aa = new double[plane];
            double[] bb = new double[plane];
            double[] ab = new double[plane];
            for (int i = 0; i < plane; i++) {
                a[i] = unit(x[c * plane + i]);
                b[i] = unit(y[c * plane + i]);
                aa[i] = a[i] * a[i];
                bb[i] = b[i] * b[i];
                ab[i] = a[i] * b[i];
            }
            double[] muA = filterValid(a, size, w);
            double[] muB = filterValid(b, size, w);
            double[] eAA = filterValid(aa, size, w);
            double[] eBB = filterValid(bb, size, w);
            double[] eAB = filterValid(ab, size, w);
            double s = 0;
            for (int i = 0; i < muA.length; i++) {
                double ma = muA[i];
                double mb = muB[i];
                double va = eAA[i] - ma * ma;
                double vb = eBB[i] - mb * mb;
                double cov = eAB[i] - ma * mb;
                s += (2 * ma * mb + C1) * (2 * cov + C2) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            }
            total += s / muA.length;
        }
        return total / 3;
    }

    /** The normalised 1-D Gaussian of SSIM's separable window. */
    static double[] gaussianWindow() {
        double[] w = new double[SSIM_WINDOW];
        int r = SSIM_WINDOW / 2;
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(-(i - r) * (i - r) / (2 * SSIM_SIGMA * SSIM_SIGMA));
            sum += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Separable correlation with {@code w} over the windows inside the (size, size) plane. */
    private static double[] filterValid(double[] p, int size, double[] w) {
        int out = size - w.length + 1;
        double[] rows = new double[size * out]; // (size, out): filtered along x
        for (int yy = 0; yy < size; yy++) {
            for (int xx = 0; xx < out; xx++) {
                double s = 0;
                for (int k = 0; k < w.length; k++) {
                    s += w[k] * p[yy * size + xx + k];
                }
                rows[yy * out + xx] = s;
            }
        }
        double[] res = new double[out * out]; // (out, out): then along y
        for (int yy = 0; yy < out; yy++) {
            for (int xx = 0; xx < out; xx++) {
                double s = 0;
                for (int k = 0; k < w.length; k++) {
                    s += w[k] * rows[(yy + k) * out + xx];
                }
                res[yy * out + xx] = s;
            }
        }
        return res;
    }

    private static double unit(float v) {
        return (Math.max(-1f, Math.min(1f, v)) + 1) / 2.0;
    }

    private static void check(String what, float[] x, float[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException(what + ": images of " + x.length + " and " + y.length
                    + " values; expected the same positive number");
        }
    }
}
