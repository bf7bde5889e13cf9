package org.sargan.core.cpu;

/** Instance normalisation, forward and backward (the CPU twin of normalization.cu). */
final class CpuNormalization {
    private static final boolean SIMD = SimdSupport.enabled();

    private CpuNormalization() {
    }

    /**
     * Instance norm over planes of {@code hw} pixels, one plane per (n, c). Statistics in double (two passes over a
     * plane that sits in cache), biased variance.
     *
     * @return {y, mean (n*c), rstd (n*c)}
     */
    static float[][] instanceNorm(float[] x, float[] gamma, float[] beta, int n, int c, int hw, float eps) {
        return instanceNorm(x, gamma, beta, n, c, hw, eps, false);
    }

    /** {@link #instanceNorm} with the ReLU applied as each output is written (x > 0 ? x : 0, as the RELU op). */
    static float[][] instanceNormRelu(float[] x, float[] gamma, float[] beta, int n, int c, int hw, float eps) {
        return instanceNorm(x, gamma, beta, n, c, hw, eps, true);
    }

    private static float[][] instanceNorm(float[] x, float[] gamma, float[] beta, int n, int c, int hw, float eps,
            boolean relu) {
        float[] y = ArrayPool.dirty(x.length);
        float[] mean = ArrayPool.zeroed(n * c);
        float[] rstd = ArrayPool.zeroed(n * c);
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            double mu = (SIMD ? VectorLoops.sum(x, o, hw) : sum(x, o, hw)) / hw;
            double dev = SIMD ? VectorLoops.squaredDeviations(x, o, hw, mu) : squaredDeviations(x, o, hw, mu);
            double r = 1.0 / Math.sqrt(dev / hw + eps);
            mean[plane] = (float) mu;
            rstd[plane] = (float) r;
            int ch = plane % c;
            float scale = (float) (gamma[ch] * r);
            float shift = (float) (beta[ch] - mu * gamma[ch] * r);
            if (relu && SIMD) {
                VectorLoops.scaleShiftRelu(x, y, scale, shift, o, o + hw);
            } else if (relu) {
                for (int i = o; i < o + hw; i++) {
                    float v = x[i] * scale + shift;
                    y[i] = v > 0 ? v : 0f;
                }
            } else {
                for (int i = 0; i < hw; i++) {
                    y[o + i] = x[o + i] * scale + shift;
                }
            }
        });
        return new float[][] {y, mean, rstd};
    }

    /**
     * dx = gamma * rstd * (gy - mean(gy) - xhat * mean(gy * xhat)); dgamma = sum(gy * xhat); dbeta = sum(gy).
     *
     * @return {dx, dgamma, dbeta}
     */
    static float[][] instanceNormGrad(float[] gy, float[] x, float[] gamma, float[] mean, float[] rstd, int n, int c,
            int hw) {
        return instanceNormGrad(gy, null, x, gamma, mean, rstd, n, c, hw);
    }

    /**
     * The gradient of {@link #instanceNormRelu} from its output y: {@link #instanceNormGrad} of gy * (y > 0 ? 1 :
     * 0), the product the ReLU's backward makes (so the same floats), made a plane at a time in a buffer of the
     * thread's instead of an array as big as x.
     */
    static float[][] instanceNormReluGrad(float[] gy, float[] y, float[] x, float[] gamma, float[] mean,
            float[] rstd, int n, int c, int hw) {
        return instanceNormGrad(gy, y, x, gamma, mean, rstd, n, c, hw);
    }

    private static final ThreadLocal<float[]> MASKED = ThreadLocal.withInitial(() -> new float[0]);

    private static float[][] instanceNormGrad(float[] gyIn, float[] relu, float[] x, float[] gamma, float[] mean,
            float[] rstd, int n, int c, int hw) {
        float[] dx = ArrayPool.dirty(x.length);
        double[] sumGy = new double[n * c];
        double[] sumGyXhat = new double[n * c];
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            float[] gy = gyIn;
            if (relu != null) {
                // gy's plane through the ReLU's slope, into this thread's buffer (read from offset go = 0)
                gy = ArrayPool.threadBuffer(MASKED, hw);
                if (SIMD) {
                    VectorLoops.reluMask(gyIn, relu, o, hw, gy);
                } else {
                    mask(gyIn, relu, o, hw, gy);
                }
            }
            int go = relu != null ? 0 : o;
            float mu = mean[plane];
            float r = rstd[plane];
            double sg = SIMD ? VectorLoops.sum(gy, go, hw) : sum(gy, go, hw);
            double sgx = SIMD ? VectorLoops.sumProductWithXhat(gy, go, x, o, hw, mu, r)
                    : sumProductWithXhat(gy, go, x, o, hw, mu, r);
            sumGy[plane] = sg;
            sumGyXhat[plane] = sgx;
            float k = gamma[plane % c] * r;
            float mg = (float) (sg / hw);
            float mgx = (float) (sgx / hw);
            for (int i = 0; i < hw; i++) {
                float xhat = (x[o + i] - mu) * r;
                dx[o + i] = k * (gy[go + i] - mg - xhat * mgx);
            }
        });
        float[] dgamma = ArrayPool.zeroed(c);
        float[] dbeta = ArrayPool.zeroed(c);
        for (int ch = 0; ch < c; ch++) {
            double a = 0;
            double b = 0;
            for (int img = 0; img < n; img++) {
                a += sumGyXhat[img * c + ch];
                b += sumGy[img * c + ch];
            }
            dgamma[ch] = (float) a;
            dbeta[ch] = (float) b;
        }
        return new float[][] {dx, dgamma, dbeta};
    }

    // The plane sums below (the plain-Java twins of VectorLoops.sum, squaredDeviations and sumProductWithXhat)
    // keep eight partial sums (elements i mod 8) and add them pairwise at the end: one chain
    // of double additions waited on its own latency for every element, and eight chains keep both adders busy
    // (four did half as well: 4.7 GB/s for a forward pass). The order is fixed, so results do not depend on threads.

    private static double sum(float[] a, int o, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += a[o + i];
            s1 += a[o + i + 1];
            s2 += a[o + i + 2];
            s3 += a[o + i + 3];
            s4 += a[o + i + 4];
            s5 += a[o + i + 5];
            s6 += a[o + i + 6];
            s7 += a[o + i + 7];
        }
        for (; i < n; i++) {
            s0 += a[o + i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private static double squaredDeviations(float[] a, int o, int n, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += square(a[o + i] - mu);
            s1 += square(a[o + i + 1] - mu);
            s2 += square(a[o + i + 2] - mu);
            s3 += square(a[o + i + 3] - mu);
            s4 += square(a[o + i + 4] - mu);
            s5 += square(a[o + i + 5] - mu);
            s6 += square(a[o + i + 6] - mu);
            s7 += square(a[o + i + 7] - mu);
        }
        for (; i < n; i++) {
            s0 += square(a[o + i] - mu);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private static double square(double d) {
        return d * d;
    }

    /** m[i] = gy[o + i] * (y[o + i] > 0 ? 1 : 0) for i below n: the product of the ReLU's backward. */
    private static void mask(float[] gy, float[] y, int o, int n, float[] m) {
        for (int i = 0; i < n; i++) {
            m[i] = gy[o + i] * (y[o + i] > 0 ? 1f : 0f);
        }
    }

    /** sum of gy * xhat with xhat = (x - mu) * r in float, as the forward pass computes it. */
    private static double sumProductWithXhat(float[] gy, int go, float[] x, int o, int n, float mu, float r) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += gy[go + i] * ((x[o + i] - mu) * r);
            s1 += gy[go + i + 1] * ((x[o + i + 1] - mu) * r);
            s2 += gy[go + i + 2] * ((x[o + i + 2] - mu) * r);
            s3 += gy[go + i + 3] * ((x[o + i + 3] - mu) * r);
            s4 += gy[go + i + 4] * ((x[o + i + 4] - mu) * r);
            s5 += gy[go + i + 5] * ((x[o + i + 5] - mu) * r);
            s6 += gy[go + i + 6] * ((x[o + i + 6] - mu) * r);
            s7 += gy[go + i + 7] * ((x[o + i + 7] - mu) * r);
        }
        for (; i < n; i++) {
            s0 += gy[go + i] * ((x[o + i] - mu) * r);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
