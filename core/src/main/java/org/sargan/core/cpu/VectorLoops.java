package org.sargan.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner loops written with jdk.incubator.vector: convolution loops whose partial sums must stay in vector registers
 * across many taps (the JIT's own vectorisation stores them after every tap), and the rectifiers (a comparison
 * and a blend, which the JIT does not vectorise). Their plain-Java twins are in
 * {@link FewChannelConvolutions} and {@link CpuElementwise}. Loaded only when {@link SimdSupport#enabled()}.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorLoops() {
    }

    /**
     * One output row of a stride-1 convolution, one output channel: y[yo + ox] = sum over the taps t, in order, of
     * w[wo0 + t] * xp[row + offsets[t] + ox], for ox below wo. offsets[t] is tap t's place in the padded image
     * (ci * plane + ky * wp + kx). Four vectors of outputs stay in registers while every tap is added, so each tap
     * costs one broadcast and four loads. The taps are one flat loop: with vectors carried through nested loops
     * the JIT boxed them, 50 times slower.
     */
    static void convRow(float[] xp, int[] offsets, int row, float[] w, int wo0, float[] y, int yo, int wo) {
        int l = S.length();
        int ox = 0;
        for (; ox <= wo - 4 * l; ox += 4 * l) {
            convBlock4(xp, offsets, row + ox, w, wo0, y, yo + ox);
        }
        for (; ox <= wo - l; ox += l) {
            convBlock1(xp, offsets, row + ox, w, wo0, y, yo + ox);
        }
        for (; ox < wo; ox++) {
            float a = 0f;
            for (int t = 0; t < offsets.length; t++) {
                a = Math.fma(w[wo0 + t], xp[row + offsets[t] + ox], a);
            }
            y[yo + ox] = a;
        }
    }

    private static void convBlock4(float[] xp, int[] offsets, int row, float[] w, int wo0, float[] y, int yo) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int t = 0; t < offsets.length; t++) {
            FloatVector wv = FloatVector.broadcast(S, w[wo0 + t]);
            int b = row + offsets[t];
            a0 = wv.fma(FloatVector.fromArray(S, xp, b), a0);
            a1 = wv.fma(FloatVector.fromArray(S, xp, b + l), a1);
            a2 = wv.fma(FloatVector.fromArray(S, xp, b + 2 * l), a2);
            a3 = wv.fma(FloatVector.fromArray(S, xp, b + 3 * l), a3);
        }
        a0.intoArray(y, yo);
        a1.intoArray(y, yo + l);
        a2.intoArray(y, yo + 2 * l);
        a3.intoArray(y, yo + 3 * l);
    }

    private static void convBlock1(float[] xp, int[] offsets, int row, float[] w, int wo0, float[] y, int yo) {
        FloatVector a0 = FloatVector.zero(S);
        for (int t = 0; t < offsets.length; t++) {
            a0 = FloatVector.broadcast(S, w[wo0 + t]).fma(FloatVector.fromArray(S, xp, row + offsets[t]), a0);
        }
        a0.intoArray(y, yo);
    }

    /**
     * Four neighbouring taps j = 0..3 of one weight-gradient row: out[outOff + j] += sum over the rows r below rows,
     * and ox below wo (a multiple of the vector length), of gy[g0 + r*gStride + ox] * xp[x0 + r*xStride + j + ox]. The four sums stay in vector registers for the whole run (partial sums
     * per lane, reduced at the end).
     */
    static void weightGradTaps4(float[] gy, int g0, int gStride, float[] xp, int x0, int xStride, int rows, int wo,
            float[] out, int outOff) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        // one flat loop over (row, vector of the row): see convRow
        int gb = g0;
        int xb = x0;
        int ox = 0;
        for (int i = rows * (wo / l); i > 0; i--) {
            FloatVector g = FloatVector.fromArray(S, gy, gb + ox);
            a0 = g.fma(FloatVector.fromArray(S, xp, xb + ox), a0);
            a1 = g.fma(FloatVector.fromArray(S, xp, xb + ox + 1), a1);
            a2 = g.fma(FloatVector.fromArray(S, xp, xb + ox + 2), a2);
            a3 = g.fma(FloatVector.fromArray(S, xp, xb + ox + 3), a3);
            ox += l;
            if (ox == wo) {
                ox = 0;
                gb += gStride;
                xb += xStride;
            }
        }
        out[outOff] += a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] += a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] += a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] += a3.reduceLanes(VectorOperators.ADD);
    }

    /** One tap of {@link #weightGradTaps4}. */
    static void weightGradTap1(float[] gy, int g0, int gStride, float[] xp, int x0, int xStride, int rows, int wo,
            float[] out, int outOff) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S);
        int gb = g0;
        int xb = x0;
        int ox = 0;
        for (int i = rows * (wo / l); i > 0; i--) {
            a0 = FloatVector.fromArray(S, gy, gb + ox).fma(FloatVector.fromArray(S, xp, xb + ox), a0);
            ox += l;
            if (ox == wo) {
                ox = 0;
                gb += gStride;
                xb += xStride;
            }
        }
        out[outOff] += a0.reduceLanes(VectorOperators.ADD);
    }

    /** What {@link #rectify} computes: x > 0 ? x : 0, x > 0 ? x : slope * x, or the slope x > 0 ? 1 : slope. */
    enum Rectifier { RELU, LEAKY, SLOPE }

    /**
     * A rectifier on [lo, hi), with the same comparison and product as the plain loops of {@link CpuElementwise},
     * so the same floats (signed zeros and NaN included).
     */
    static void rectify(Rectifier kind, float[] x, float[] y, float slope, int lo, int hi) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector a = FloatVector.broadcast(S, slope);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = lo;
        for (; i <= hi - l; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            var positive = v.compare(VectorOperators.GT, 0f);
            FloatVector r = switch (kind) {
                case RELU -> zero.blend(v, positive);
                case LEAKY -> v.mul(a).blend(v, positive);
                case SLOPE -> a.blend(one, positive);
            };
            r.intoArray(y, i);
        }
        for (; i < hi; i++) {
            float v = x[i];
            y[i] = switch (kind) {
                case RELU -> v > 0 ? v : 0f;
                case LEAKY -> v > 0 ? v : slope * v;
                case SLOPE -> v > 0 ? 1f : slope;
            };
        }
    }

    static int lanes() {
        return S.length();
    }
}
