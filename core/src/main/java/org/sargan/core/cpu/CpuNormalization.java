package org.sargan.core.cpu;

/** Instance normalisation, forward and backward (the CPU twin of normalization.cu). */
final class CpuNormalization {
    private CpuNormalization() {
    }

    /**
     * Instance norm over planes of {@code hw} pixels, one plane per (n, c). Statistics in double (two passes over a
     * plane that sits in cache), biased variance.
     *
     * @return {y, mean (n*c), rstd (n*c)}
     */
    static float[][] instanceNorm(float[] x, float[] gamma, float[] beta, int n, int c, int hw, float eps) {
        float[] y = new float[x.length];
        float[] mean = new float[n * c];
        float[] rstd = new float[n * c];
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            double s = 0;
            for (int i = 0; i < hw; i++) {
                s += x[o + i];
            }
            double mu = s / hw;
            double v = 0;
            for (int i = 0; i < hw; i++) {
                double d = x[o + i] - mu;
                v += d * d;
            }
            double r = 1.0 / Math.sqrt(v / hw + eps);
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
        float[] dx = new float[x.length];
        double[] sumGy = new double[n * c];
        double[] sumGyXhat = new double[n * c];
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            float mu = mean[plane];
            float r = rstd[plane];
            double sg = 0;
            double sgx = 0;
            for (int i = 0; i < hw; i++) {
                float g = gy[o + i];
                sg += g;
                sgx += g * ((x[o + i] - mu) * r);
            }
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
        float[] dgamma = new float[c];
        float[] dbeta = new float[c];
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
}
