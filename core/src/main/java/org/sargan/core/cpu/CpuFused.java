package org.sargan.core.cpu;

/** Fused kernels: instance norm, the SARB attention gate, softmax and cross-entropy. */
final class CpuFused {
    private CpuFused() {
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

    /** y = identity + h * sigmoid(z): identity and h (n, c, hw), z (n, hw). The map is computed once per sample. */
    static float[] attentionGate(float[] id, float[] h, float[] z, int n, int c, int hw) {
        float[] y = new float[h.length];
        float[] s = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            s[i] = CpuElementwise.sigmoid(z[i]);
        }
        Parallel.forEach(n * c, plane -> {
            int o = plane * hw;
            int so = (plane / c) * hw;
            for (int i = 0; i < hw; i++) {
                y[o + i] = id[o + i] + h[o + i] * s[so + i];
            }
        });
        return y;
    }

    /**
     * dh = gy * s; dz = s * (1 - s) * sum_c gy * h, with s = sigmoid(z): one pass over gy and h per sample.
     *
     * @return {dh, dz}
     */
    static float[][] attentionGateGrad(float[] gy, float[] h, float[] z, int n, int c, int hw) {
        float[] dh = new float[h.length];
        float[] dz = new float[z.length];
        Parallel.forEach(n, img -> {
            int zo = img * hw;
            float[] s = new float[hw];
            for (int i = 0; i < hw; i++) {
                s[i] = CpuElementwise.sigmoid(z[zo + i]);
            }
            double[] acc = new double[hw];
            for (int ch = 0; ch < c; ch++) {
                int o = (img * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    acc[i] += gy[o + i] * h[o + i];
                    dh[o + i] = gy[o + i] * s[i];
                }
            }
            for (int i = 0; i < hw; i++) {
                dz[zo + i] = (float) (acc[i] * s[i] * (1 - s[i]));
            }
        });
        return new float[][] {dh, dz};
    }

    /** log(sum_j exp(x[o + j])) over a row of k values, with the maximum subtracted first so nothing overflows. */
    private static double logSumExp(float[] x, int o, int k) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(x[o + j] - max);
        }
        return Math.log(sum) + max;
    }

    static float[] softmax(float[] x, int rows, int k) {
        float[] y = new float[x.length];
        for (int r = 0; r < rows; r++) {
            int o = r * k;
            double lse = logSumExp(x, o, k);
            for (int j = 0; j < k; j++) {
                y[o + j] = (float) Math.exp(x[o + j] - lse);
            }
        }
        return y;
    }

    /** Mean over rows of logsumexp(row) - row[label]. */
    static float crossEntropy(float[] x, int rows, int k, int[] labels) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += logSumExp(x, r * k, k) - x[r * k + labels[r]];
        }
        return (float) (total / rows);
    }

    /** Adam, element by element, in the float operation order that {@code Backend.adamUpdate} documents. */
    static float[][] adam(float[] p, float[] g, float[] m, float[] v, float lrOverC1, float invC2, float b1, float b2,
            float eps) {
        int n = p.length;
        float[] po = new float[n];
        float[] mo = new float[n];
        float[] vo = new float[n];
        Parallel.forRange(n, 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float gi = g[i];
                float mi = m == null ? gi * (1 - b1) : m[i] * b1 + gi * (1 - b1);
                float vi = v == null ? gi * gi * (1 - b2) : v[i] * b2 + gi * gi * (1 - b2);
                float denom = (float) Math.sqrt(vi) * invC2 + eps;
                po[i] = p[i] - mi / denom * lrOverC1;
                mo[i] = mi;
                vo[i] = vi;
            }
        });
        return new float[][] {po, mo, vo};
    }
}
