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
            for (int i = 0; i < hw; i++) {
                y[o + i] = x[o + i] * scale + shift;
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
        float[] dx = ArrayPool.dirty(x.length);
        double[] sumGy = new double[n * c];
        double[] sumGyXhat = new double[n * c];
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            float mu = mean[plane];
            float r = rstd[plane];
            double sg = SIMD ? VectorLoops.sum(gy, o, hw) : sum(gy, o, hw);
            double sgx = SIMD ? VectorLoops.sumProductWithXhat(gy, x, o, hw, mu, r)
                    : sumProductWithXhat(gy, x, o, hw, mu, r);
            sumGy[plane] = sg;
            sumGyXhat[plane] = sgx;
            float k = gamma[plane % c] * r;
            float mg = (float) (sg / hw);
            float mgx = (float) (sgx / hw);
            for (int i = 0; i < hw; i++) {
                float xhat = (x[o + i] - mu) * r;
                dx[o + i] = k * (gy[o + i] - mg - xhat * mgx);
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

    /** sum of gy * xhat with xhat = (x - mu) * r in float, as the forward pass computes it. */
    private static double sumProductWithXhat(float[] gy, float[] x, int o, int n, float mu, float r) {
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
            s0 += gy[o + i] * ((x[o + i] - mu) * r);
            s1 += gy[o + i + 1] * ((x[o + i + 1] - mu) * r);
            s2 += gy[o + i + 2] * ((x[o + i + 2] - mu) * r);
            s3 += gy[o + i + 3] * ((x[o + i + 3] - mu) * r);
            s4 += gy[o + i + 4] * ((x[o + i + 4] - mu) * r);
            s5 += gy[o + i + 5] * ((x[o + i + 5] - mu) * r);
            s6 += gy[o + i + 6] * ((x[o + i + 6] - mu) * r);
            s7 += gy[o + i + 7] * ((x[o + i + 7] - mu) * r);
        }
        for (; i < n; i++) {
            s0 += gy[o + i] * ((x[o + i] - mu) * r);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
