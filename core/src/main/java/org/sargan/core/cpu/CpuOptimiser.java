package org.sargan.core.cpu;

/** The fused Adam step (the CPU twin of optimiser.cu). */
final class CpuOptimiser {
    private static final boolean SIMD = SimdSupport.enabled();

    private CpuOptimiser() {
    }

    /**
     * Adam, element by element, in the float operation order that {@code Backend.adamUpdate} documents, written into
     * p, m and v (each element is read before it is written, by the same thread); returns {p, m, v}, the moments new
     * arrays on the first step (m and v null).
     */
    static float[][] adam(float[] p, float[] g, float[] m, float[] v, float lrOverC1, float invC2, float b1, float b2,
            float eps) {
        int n = p.length;
        float[] po = p;
        float[] mo = m == null ? ArrayPool.dirty(n) : m;
        float[] vo = v == null ? ArrayPool.dirty(n) : v;
        Parallel.forRange(n, 1 << 15, (lo, hi) -> {
            if (SIMD && m != null) {
                VectorLoops.adam(p, g, m, v, lrOverC1, invC2, b1, b2, eps, lo, hi);
                return;
            }
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
