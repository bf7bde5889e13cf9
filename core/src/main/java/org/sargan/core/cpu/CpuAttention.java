package org.sargan.core.cpu;

/** The SARB attention gate y = identity + h * sigmoid(z), forward and backward (the CPU twin of attention.cu). */
final class CpuAttention {
    private CpuAttention() {
    }

    /** y = identity + h * sigmoid(z): identity and h (n, c, hw), z (n, hw). The map is computed once per sample. */
    static float[] attentionGate(float[] id, float[] h, float[] z, int n, int c, int hw) {
        float[] y = ArrayPool.dirty(h.length);
        float[] s = ArrayPool.dirty(z.length);
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
        ArrayPool.give(s);
        return y;
    }

    /**
     * dh = gy * s; dz = s * (1 - s) * sum_c gy * h, with s = sigmoid(z): one pass over gy and h per sample.
     *
     * @return {dh, dz}
     */
    static float[][] attentionGateGrad(float[] gy, float[] h, float[] z, int n, int c, int hw) {
        float[] dh = ArrayPool.dirty(h.length);
        float[] dz = ArrayPool.dirty(z.length);
        Parallel.forEach(n, img -> {
            int zo = img * hw;
            float[] s = ArrayPool.zeroed(hw);
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
}
