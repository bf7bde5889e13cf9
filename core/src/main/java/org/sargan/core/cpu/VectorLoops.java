package org.sargan.core.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
    /** Doubles in a vector of S's size: a float vector converts to two of them. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());

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
     * and ox below wo (a multiple of the vector length), of gy[g0 + r*gStride + ox] * xp[x0 + r*xStride + j + ox].
     * The four sums stay in vector registers for the whole run (partial sums per lane, reduced at the end).
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

    /**
     * {@link #weightGradTaps4} for three output channels and seven neighbouring taps at once (the generator's last
     * layer, 64 -> 3 channels, 7x7): out[outOff + c*outStride + j] += the sum over the rows r and ox of
     * gy[g0 + c*cStride + r*gStride + ox] * xp[x0 + r*xStride + j + ox], for c = 0..2 and j = 0..6. Ten loads feed
     * 21 fused multiply-adds (four taps of one channel: five feed four), each sum in the same order as there, so the
     * same floats.
     */
    static void weightGrad3x7(float[] gy, int g0, int cStride, int gStride, float[] xp, int x0, int xStride, int rows,
            int wo, float[] out, int outOff, int outStride) {
        int l = S.length();
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z, a05 = z, a06 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z, a16 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a24 = z, a25 = z, a26 = z;
        int gb = g0;
        int xb = x0;
        int ox = 0;
        for (int i = rows * (wo / l); i > 0; i--) {
            FloatVector g0v = FloatVector.fromArray(S, gy, gb + ox);
            FloatVector g1v = FloatVector.fromArray(S, gy, gb + cStride + ox);
            FloatVector g2v = FloatVector.fromArray(S, gy, gb + 2 * cStride + ox);
            FloatVector x = FloatVector.fromArray(S, xp, xb + ox);
            a00 = g0v.fma(x, a00);
            a10 = g1v.fma(x, a10);
            a20 = g2v.fma(x, a20);
            x = FloatVector.fromArray(S, xp, xb + ox + 1);
            a01 = g0v.fma(x, a01);
            a11 = g1v.fma(x, a11);
            a21 = g2v.fma(x, a21);
            x = FloatVector.fromArray(S, xp, xb + ox + 2);
            a02 = g0v.fma(x, a02);
            a12 = g1v.fma(x, a12);
            a22 = g2v.fma(x, a22);
            x = FloatVector.fromArray(S, xp, xb + ox + 3);
            a03 = g0v.fma(x, a03);
            a13 = g1v.fma(x, a13);
            a23 = g2v.fma(x, a23);
            x = FloatVector.fromArray(S, xp, xb + ox + 4);
            a04 = g0v.fma(x, a04);
            a14 = g1v.fma(x, a14);
            a24 = g2v.fma(x, a24);
            x = FloatVector.fromArray(S, xp, xb + ox + 5);
            a05 = g0v.fma(x, a05);
            a15 = g1v.fma(x, a15);
            a25 = g2v.fma(x, a25);
            x = FloatVector.fromArray(S, xp, xb + ox + 6);
            a06 = g0v.fma(x, a06);
            a16 = g1v.fma(x, a16);
            a26 = g2v.fma(x, a26);
            ox += l;
            if (ox == wo) {
                ox = 0;
                gb += gStride;
                xb += xStride;
            }
        }
        int o0 = outOff;
        int o1 = o0 + outStride;
        int o2 = o1 + outStride;
        out[o0 + 0] += a00.reduceLanes(VectorOperators.ADD);
        out[o0 + 1] += a01.reduceLanes(VectorOperators.ADD);
        out[o0 + 2] += a02.reduceLanes(VectorOperators.ADD);
        out[o0 + 3] += a03.reduceLanes(VectorOperators.ADD);
        out[o0 + 4] += a04.reduceLanes(VectorOperators.ADD);
        out[o0 + 5] += a05.reduceLanes(VectorOperators.ADD);
        out[o0 + 6] += a06.reduceLanes(VectorOperators.ADD);
        out[o1 + 0] += a10.reduceLanes(VectorOperators.ADD);
        out[o1 + 1] += a11.reduceLanes(VectorOperators.ADD);
        out[o1 + 2] += a12.reduceLanes(VectorOperators.ADD);
        out[o1 + 3] += a13.reduceLanes(VectorOperators.ADD);
        out[o1 + 4] += a14.reduceLanes(VectorOperators.ADD);
        out[o1 + 5] += a15.reduceLanes(VectorOperators.ADD);
        out[o1 + 6] += a16.reduceLanes(VectorOperators.ADD);
        out[o2 + 0] += a20.reduceLanes(VectorOperators.ADD);
        out[o2 + 1] += a21.reduceLanes(VectorOperators.ADD);
        out[o2 + 2] += a22.reduceLanes(VectorOperators.ADD);
        out[o2 + 3] += a23.reduceLanes(VectorOperators.ADD);
        out[o2 + 4] += a24.reduceLanes(VectorOperators.ADD);
        out[o2 + 5] += a25.reduceLanes(VectorOperators.ADD);
        out[o2 + 6] += a26.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Adam on elements [lo, hi) in place, m and v given: the float operations of {@code CpuOptimiser.adam} in the
     * same order (products and sums apart, no fused multiply-add; sqrt correctly rounded in float as the scalar
     * (float) Math.sqrt of a float is), so the same floats, a vector at a time.
     */
    static void adam(float[] p, float[] g, float[] m, float[] v, float lrOverC1, float invC2, float b1, float b2,
            float eps, int lo, int hi) {
        int l = S.length();
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        int i = lo;
        for (; i <= hi - l; i += l) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(b1).add(gv.mul(c1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(b2).add(gv.mul(gv).mul(c2));
            FloatVector denom = vv.sqrt().mul(invC2).add(eps);
            FloatVector.fromArray(S, p, i).sub(mv.div(denom).mul(lrOverC1)).intoArray(p, i);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
        }
        for (; i < hi; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * c1;
            float vi = v[i] * b2 + gi * gi * c2;
            float denom = (float) Math.sqrt(vi) * invC2 + eps;
            p[i] = p[i] - mi / denom * lrOverC1;
            m[i] = mi;
            v[i] = vi;
        }
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

    /**
     * A 4 x 4 block of dot products, c[c0 + i*ldc + j] = sum over t below k of a[a0 + i*lda + t] * b[b0 + j*ldb + t]
     * (i, j = 0..3): both operands are read along their rows, k-contiguous, so neither is packed. Sixteen vectors of
     * partial sums per lane stay in registers (eight loads feed sixteen fused multiply-adds), reduced at the end;
     * the k % lanes tail is added in plain Java. With 256-bit vectors it runs as two 4 x 2 blocks ({@link #HALF_DOTS}).
     * Spelled out in named locals for the reason given in {@link VectorGemmKernel}.
     */
    static void dot4x4(float[] a, int a0, int lda, float[] b, int b0, int ldb, int k, float[] c, int c0, int ldc) {
        int l = S.length();
        if (HALF_DOTS) {
            dot4x2(a, a0, lda, b, b0, ldb, k, c, c0, ldc);
            dot4x2(a, a0, lda, b, b0 + 2 * ldb, ldb, k, c, c0 + 2, ldc);
            return;
        }
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        int t = 0;
        for (; t <= k - l; t += l) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + t);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + t);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + t);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + t);
            FloatVector y = FloatVector.fromArray(S, b, b0 + t);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            s20 = x2.fma(y, s20);
            s30 = x3.fma(y, s30);
            y = FloatVector.fromArray(S, b, b1 + t);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            s21 = x2.fma(y, s21);
            s31 = x3.fma(y, s31);
            y = FloatVector.fromArray(S, b, b2 + t);
            s02 = x0.fma(y, s02);
            s12 = x1.fma(y, s12);
            s22 = x2.fma(y, s22);
            s32 = x3.fma(y, s32);
            y = FloatVector.fromArray(S, b, b3 + t);
            s03 = x0.fma(y, s03);
            s13 = x1.fma(y, s13);
            s23 = x2.fma(y, s23);
            s33 = x3.fma(y, s33);
        }
        int r0 = c0;
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        c[r0] = s00.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b0, t, k);
        c[r0 + 1] = s01.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b1, t, k);
        c[r0 + 2] = s02.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b2, t, k);
        c[r0 + 3] = s03.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b3, t, k);
        c[r1] = s10.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b0, t, k);
        c[r1 + 1] = s11.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b1, t, k);
        c[r1 + 2] = s12.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b2, t, k);
        c[r1 + 3] = s13.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b3, t, k);
        c[r2] = s20.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b0, t, k);
        c[r2 + 1] = s21.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b1, t, k);
        c[r2 + 2] = s22.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b2, t, k);
        c[r2 + 3] = s23.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b3, t, k);
        c[r3] = s30.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b0, t, k);
        c[r3 + 1] = s31.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b1, t, k);
        c[r3 + 2] = s32.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b2, t, k);
        c[r3 + 3] = s33.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b3, t, k);
    }

    /**
     * Whether {@link #dot4x4} runs as two 4 x 2 blocks, for {@link #HALF_TILES}'s reason: its 16 sums, 4 row loads
     * and the loaded column need 21 vector registers, AVX2 has 16. On an AMD Zen 3 (2 threads, the two forms
     * alternated call by call in one JVM, min of 40 each, five runs) the discriminator's small-image forwards
     * ([16,256,8,8] -> 512 and [16,512,4,4] -> 1024, 4x4 stride 2) took 17.3-21.2 ms against 17.2-30.9, faster in
     * four runs of five (by 15-35%), equal in the fifth. (The packed GEMM instead of these dot products: 1.1-1.5x
     * slower, packing the 8-32 MiB weights.)
     */
    private static final boolean HALF_DOTS = S.length() < 16;

    /** Columns 0 and 1 of {@link #dot4x4}'s block: 8 sums, 4 + 1 loads; the same operations, so the same floats. */
    private static void dot4x2(float[] a, int a0, int lda, float[] b, int b0, int ldb, int k, float[] c, int c0,
            int ldc) {
        int l = S.length();
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int b1 = b0 + ldb;
        int t = 0;
        for (; t <= k - l; t += l) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + t);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + t);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + t);
            FloatVector x3 = FloatVector.fromArray(S, a, a3 + t);
            FloatVector y = FloatVector.fromArray(S, b, b0 + t);
            s00 = x0.fma(y, s00);
            s10 = x1.fma(y, s10);
            s20 = x2.fma(y, s20);
            s30 = x3.fma(y, s30);
            y = FloatVector.fromArray(S, b, b1 + t);
            s01 = x0.fma(y, s01);
            s11 = x1.fma(y, s11);
            s21 = x2.fma(y, s21);
            s31 = x3.fma(y, s31);
        }
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        c[c0] = s00.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b0, t, k);
        c[c0 + 1] = s01.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b1, t, k);
        c[r1] = s10.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b0, t, k);
        c[r1 + 1] = s11.reduceLanes(VectorOperators.ADD) + dotTail(a, a1, b, b1, t, k);
        c[r2] = s20.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b0, t, k);
        c[r2 + 1] = s21.reduceLanes(VectorOperators.ADD) + dotTail(a, a2, b, b1, t, k);
        c[r3] = s30.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b0, t, k);
        c[r3 + 1] = s31.reduceLanes(VectorOperators.ADD) + dotTail(a, a3, b, b1, t, k);
    }

    /**
     * A 4 x (4 vectors) block of a product whose right operand is read in place, row by row:
     * c[c0 + i*ldc + j] = sum over p below k, in order, of a[a0 + i*lda + p] * b[b0 + bRows[p] + j] (i = 0..3, j
     * below 4 lanes). Each p costs four broadcasts and four loads for sixteen fused multiply-adds; no operand is
     * packed. B's rows are wherever {@code bRows} says: evenly spaced for a matrix ({@link InPlaceProducts#rows}),
     * or the kernel taps of a padded image, where block i is four output channels (A's rows: their weights) and the
     * vectors one output row segment ({@link DirectConvolutions}; the same fused multiply-adds in tap order as
     * {@link #convRow}, so the same floats). With {@code accumulate} the chains start from the values in C (a product
     * split along k continues them).
     */
    static void rows4x4(float[] a, int a0, int lda, float[] b, int b0, int[] bRows, int k, float[] c, int c0, int ldc,
            boolean accumulate) {
        int l = S.length();
        if (HALF_TILES) {
            rows4x2(a, a0, lda, b, b0, bRows, k, c, c0, ldc, accumulate);
            rows4x2(a, a0, lda, b, b0 + 2 * l, bRows, k, c, c0 + 2 * l, ldc, accumulate);
            return;
        }
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
        if (accumulate) {
            s00 = FloatVector.fromArray(S, c, c0);
            s01 = FloatVector.fromArray(S, c, c0 + l);
            s02 = FloatVector.fromArray(S, c, c0 + 2 * l);
            s03 = FloatVector.fromArray(S, c, c0 + 3 * l);
            s10 = FloatVector.fromArray(S, c, r1);
            s11 = FloatVector.fromArray(S, c, r1 + l);
            s12 = FloatVector.fromArray(S, c, r1 + 2 * l);
            s13 = FloatVector.fromArray(S, c, r1 + 3 * l);
            s20 = FloatVector.fromArray(S, c, r2);
            s21 = FloatVector.fromArray(S, c, r2 + l);
            s22 = FloatVector.fromArray(S, c, r2 + 2 * l);
            s23 = FloatVector.fromArray(S, c, r2 + 3 * l);
            s30 = FloatVector.fromArray(S, c, r3);
            s31 = FloatVector.fromArray(S, c, r3 + l);
            s32 = FloatVector.fromArray(S, c, r3 + 2 * l);
            s33 = FloatVector.fromArray(S, c, r3 + 3 * l);
        }
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            int bp = b0 + bRows[p];
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + l);
            FloatVector y2 = FloatVector.fromArray(S, b, bp + 2 * l);
            FloatVector y3 = FloatVector.fromArray(S, b, bp + 3 * l);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + l);
        s02.intoArray(c, c0 + 2 * l);
        s03.intoArray(c, c0 + 3 * l);
        s10.intoArray(c, r1);
        s11.intoArray(c, r1 + l);
        s12.intoArray(c, r1 + 2 * l);
        s13.intoArray(c, r1 + 3 * l);
        s20.intoArray(c, r2);
        s21.intoArray(c, r2 + l);
        s22.intoArray(c, r2 + 2 * l);
        s23.intoArray(c, r2 + 3 * l);
        s30.intoArray(c, r3);
        s31.intoArray(c, r3 + l);
        s32.intoArray(c, r3 + 2 * l);
        s33.intoArray(c, r3 + 3 * l);
    }

    /**
     * {@link #rows4x4} for three rows (no accumulate): the generator's last layer, 3 output channels, without a
     * fourth channel of zero weights. Each p costs three broadcasts and four loads for twelve fused multiply-adds
     * (the four-row block with a zero row: sixteen, four of them wasted); each output the same chain in tap order,
     * so the same floats.
     */
    static void rows3x4(float[] a, int a0, int lda, float[] b, int b0, int[] bRows, int k, float[] c, int c0,
            int ldc) {
        int l = S.length();
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        for (int p = 0; p < k; p++) {
            int bp = b0 + bRows[p];
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + l);
            FloatVector y2 = FloatVector.fromArray(S, b, bp + 2 * l);
            FloatVector y3 = FloatVector.fromArray(S, b, bp + 3 * l);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + l);
        s02.intoArray(c, c0 + 2 * l);
        s03.intoArray(c, c0 + 3 * l);
        s10.intoArray(c, r1);
        s11.intoArray(c, r1 + l);
        s12.intoArray(c, r1 + 2 * l);
        s13.intoArray(c, r1 + 3 * l);
        s20.intoArray(c, r2);
        s21.intoArray(c, r2 + l);
        s22.intoArray(c, r2 + 2 * l);
        s23.intoArray(c, r2 + 3 * l);
    }

    /**
     * Whether {@link #rows4x4} runs as two blocks of half its width: with vectors narrower than 512 bits the ISA
     * (AVX2) has 16 vector registers, and a 4 x (4 vectors) block needs 21 (16 sums, 4 loads, a broadcast), so some
     * must live on the stack (inferred from the count; no disassembler was at hand). Each half is the same fused
     * multiply-adds in the same order, so the same floats. Measured on an AMD Zen 3 (AVX2, 2 threads; harness, the
     * two forms alternated call by call in one JVM, min of 20 each): the generator's 7x7 10 -> 64 forward at 64 px
     * 30.8 -> 26.3 ms, the input gradient of its last layer (64 -> 3) 15.5 -> 13.8, the discriminator's 512 -> 1024
     * input gradient ([16,1024,2,2]) 32.5 -> 29.5 and 22.5 -> 22.2 (two runs); the other SARGAN layers within 4%
     * either way. {@link #rows3x4} (12 sums) stays whole: halved, the 64 -> 3 forward went 10.2 -> 12.3 ms.
     */
    private static final boolean HALF_TILES = S.length() < 16;

    /** Columns [0, 2 vectors) of {@link #rows4x4}: 8 sums, 2 loads and a broadcast, in 16 registers. */
    private static void rows4x2(float[] a, int a0, int lda, float[] b, int b0, int[] bRows, int k, float[] c, int c0,
            int ldc, boolean accumulate) {
        int l = S.length();
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
        if (accumulate) {
            s00 = FloatVector.fromArray(S, c, c0);
            s01 = FloatVector.fromArray(S, c, c0 + l);
            s10 = FloatVector.fromArray(S, c, r1);
            s11 = FloatVector.fromArray(S, c, r1 + l);
            s20 = FloatVector.fromArray(S, c, r2);
            s21 = FloatVector.fromArray(S, c, r2 + l);
            s30 = FloatVector.fromArray(S, c, r3);
            s31 = FloatVector.fromArray(S, c, r3 + l);
        }
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            int bp = b0 + bRows[p];
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + l);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + l);
        s10.intoArray(c, r1);
        s11.intoArray(c, r1 + l);
        s20.intoArray(c, r2);
        s21.intoArray(c, r2 + l);
        s30.intoArray(c, r3);
        s31.intoArray(c, r3 + l);
    }

    /** One dot product of {@link #dot4x4}'s kind, for the edges of a product whose sides are not multiples of 4. */
    static float dot1(float[] a, int a0, float[] b, int b0, int k) {
        int l = S.length();
        FloatVector s = FloatVector.zero(S);
        int t = 0;
        for (; t <= k - l; t += l) {
            s = FloatVector.fromArray(S, a, a0 + t).fma(FloatVector.fromArray(S, b, b0 + t), s);
        }
        return s.reduceLanes(VectorOperators.ADD) + dotTail(a, a0, b, b0, t, k);
    }

    private static float dotTail(float[] a, int a0, float[] b, int b0, int t, int k) {
        float s = 0f;
        for (; t < k; t++) {
            s = Math.fma(a[a0 + t], b[b0 + t], s);
        }
        return s;
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

    /**
     * dst[d0 + j] = src[base + offsets[o0 + j]] for j below count (a multiple of {@link #lanes()}): a vector gather
     * per lane group (the weight gradient's transposed im2col panels, one pixel's taps side by side).
     */
    static void gather(float[] src, int base, int[] offsets, int o0, float[] dst, int d0, int count) {
        for (int j = 0; j < count; j += S.length()) {
            FloatVector.fromArray(S, src, base, offsets, o0 + j).intoArray(dst, d0 + j);
        }
    }

    // Instance norm's plane statistics in double, as CpuNormalization's scalar loops compute them, but a vector of
    // floats at a time: each converted to two vectors of doubles, added into two accumulators each (the scalar
    // loops, eight chains of one double each, ran at 10-16 GB/s inside a G step). The order is fixed by the
    // vector length, so results do not depend on the thread count.

    /** The sum of a[o .. o + n) in double. */
    static double sum(float[] a, int o, int n) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector v = FloatVector.fromArray(S, a, o + i);
            s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[o + i];
        }
        return s;
    }

    /** The sum of (a[i] - mu)^2 over a[o .. o + n), in double. */
    static double squaredDeviations(float[] a, int o, int n, double mu) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        DoubleVector m = DoubleVector.broadcast(D, mu);
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector v = FloatVector.fromArray(S, a, o + i);
            DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
            DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            double d = a[o + i] - mu;
            s += d * d;
        }
        return s;
    }

    /** The sum of gy[i] * ((x[i] - mu) * r) (that product in float, as the forward's xhat) in double. */
    static double sumProductWithXhat(float[] gy, int go, float[] x, int o, int n, float mu, float r) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector xhat = FloatVector.fromArray(S, x, o + i).sub(mu).mul(r);
            FloatVector p = FloatVector.fromArray(S, gy, go + i).mul(xhat);
            s0 = s0.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 1));
        }
        double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += gy[go + i] * ((x[o + i] - mu) * r);
        }
        return s;
    }

    /**
     * m[i] = gy[o + i] * (y[o + i] > 0 ? 1 : 0) for i below n: the ReLU's backward product (its slope, then the
     * product), so the same floats as the two ops.
     */
    static void reluMask(float[] gy, float[] y, int o, int n, float[] m) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i <= n - l; i += l) {
            FloatVector slope = zero.blend(one, FloatVector.fromArray(S, y, o + i).compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(S, gy, o + i).mul(slope).intoArray(m, i);
        }
        for (; i < n; i++) {
            m[i] = gy[o + i] * (y[o + i] > 0 ? 1f : 0f);
        }
    }

    /**
     * y[i] = max(x[i] * scale + shift, 0) on [lo, hi): the instance norm's affine step and the ReLU, as a product,
     * a sum (not a fused multiply-add) and the RELU op's comparison, so the same floats as the two ops.
     */
    static void scaleShiftRelu(float[] x, float[] y, float scale, float shift, int lo, int hi) {
        int l = S.length();
        FloatVector zero = FloatVector.zero(S);
        int i = lo;
        for (; i <= hi - l; i += l) {
            FloatVector v = FloatVector.fromArray(S, x, i).mul(scale).add(shift);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < hi; i++) {
            float v = x[i] * scale + shift;
            y[i] = v > 0 ? v : 0f;
        }
    }

    /** Only lane 0, only the last lane: the lanes a shifted load brings in from beyond a row's ends. */
    private static final VectorMask<Float> FIRST = VectorMask.fromLong(S, 1L);
    private static final VectorMask<Float> LAST =
            VectorMask.fromLong(S, 1L << (S.length() - 1));

    /**
     * {@link Col2imStride2#row} a vector of j at a time (wo a multiple of the vector length): the shifted entries
     * C[j - 1] and C[j + 1] are loads one float off, with the lane that crosses the row's end replaced by zero (the
     * float there is the neighbouring row's, and the index stays inside cols: the kx = 3 rows never come first
     * nor the kx = 0 rows last). E and O are then interleaved with the shuffles of {@link WinogradVectors}.
     */
    static void col2imStride2Row(float[] c, int first, int second, int plane, int wo, float[] dx, int out) {
        int l = S.length();
        for (int j = 0; j < wo; j += l) {
            FloatVector left = FloatVector.fromArray(S, c, first + 3 * plane + j - 1);
            FloatVector right = FloatVector.fromArray(S, c, first + j + 1);
            if (j == 0) {
                left = left.blend(0f, FIRST);
            }
            if (j + l == wo) {
                right = right.blend(0f, LAST);
            }
            FloatVector e = FloatVector.fromArray(S, c, first + plane + j).add(left);
            FloatVector o = right.add(FloatVector.fromArray(S, c, first + 2 * plane + j));
            if (second >= 0) {
                left = FloatVector.fromArray(S, c, second + 3 * plane + j - 1);
                right = FloatVector.fromArray(S, c, second + j + 1);
                if (j == 0) {
                    left = left.blend(0f, FIRST);
                }
                if (j + l == wo) {
                    right = right.blend(0f, LAST);
                }
                e = e.add(FloatVector.fromArray(S, c, second + plane + j).add(left));
                o = o.add(right.add(FloatVector.fromArray(S, c, second + 2 * plane + j)));
            }
            e.rearrange(WinogradVectors.TWICE_LO).blend(o.rearrange(WinogradVectors.TWICE_LO), WinogradVectors.ODD)
                    .intoArray(dx, out + 2 * j);
            e.rearrange(WinogradVectors.TWICE_HI).blend(o.rearrange(WinogradVectors.TWICE_HI), WinogradVectors.ODD)
                    .intoArray(dx, out + 2 * j + l);
        }
    }

    /**
     * y[i] = tanh(x[i]) for i in [lo, hi), a vector at a time: each lane does {@link CpuElementwise#tanh}'s
     * operations in its order (adds, multiplies, one division, bit shifts), so that the vector route, its tail and
     * the route without SIMD give the same floats, compiled or not. (The Vector API's own TANH does not: interpreted
     * it is {@code (float) Math.tanh} lane by lane, compiled an SVML routine that differed in the last place on
     * 7,167 of 2^20 Gaussian inputs, JDK 17, AMD Zen 5; a run resumed in a fresh JVM would then not continue bit for
     * bit.) Checked on every float from 2^-13 to 10: 97.9% equal to {@code (float) Math.tanh}, the rest one ulp off
     * ({@link CpuElementwise#TANH_ULPS}; the series to x^19 with the switch at 0.55 had one 2-ulp value, to x^21
     * with the switch at 0.8 values 4 ulp off); interpreted, compiled on JDK 17 and 25, and with 8 lanes (AVX2) the
     * same bits. 0.63 ns an element on one core (AMD Zen 5), against 0.36 for the Vector API's TANH (harness). As
     * one loop it took 2.4-4.8 ms a call inside a 128 px G forward (0.09 by TANH); a harness reproduced that only
     * after running other kernels first (5.6-6.0 ns an element, its parts alone 0.07-0.17), so it runs as two passes
     * ({@link #tanhSeries}, then {@link #tanhExponential}): 1.6 ns in that harness, a fastest call of 0.42 ms in the
     * G forward. The elements past the last whole vector go through {@link CpuElementwise#tanh} itself, so neither
     * the thread count nor SIMD changes a bit.
     */
    static void tanh(float[] x, float[] y, int lo, int hi) {
        int whole = lo + (hi - lo) / S.length() * S.length();
        tanhSeries(x, y, lo, whole);
        tanhExponential(x, y, lo, whole);
        for (int i = whole; i < hi; i++) {
            y[i] = CpuElementwise.tanh(x[i]);
        }
    }

    /**
     * {@link #tanh}'s first pass: y = x below 2^-12, else the series (the exponential's lanes overwrite it in the
     * second pass). Two loops, not one: in one method, after the other kernels had run (JIT profiles shared with
     * them), the loop ran at 5.6-6.0 ns an element against 0.64 in a fresh JVM, its parts at 0.07-0.17 each.
     */
    private static void tanhSeries(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            // |x| < TANH_SERIES_BELOW: x + x z p(z), z = x^2, p the series' coefficients from x^3 on
            FloatVector z = v.mul(v);
            FloatVector p = z.mul(9.69153796e-5f).add(-2.39129114e-4f);
            p = p.mul(z).add(5.90027441e-4f);
            p = p.mul(z).add(-1.45583438e-3f);
            p = p.mul(z).add(3.59212803e-3f);
            p = p.mul(z).add(-8.86323552e-3f);
            p = p.mul(z).add(2.18694885e-2f);
            p = p.mul(z).add(-5.39682540e-2f);
            p = p.mul(z).add(1.33333333e-1f);
            p = p.mul(z).add(-3.33333333e-1f);
            v.add(v.mul(z).mul(p)).blend(v, v.abs().lt(0x1p-12f)).intoArray(y, i);
        }
    }

    /** {@link #tanh}'s second pass: from TANH_SERIES_BELOW on, 1 - 2 / (e^{2|x|} + 1) with the sign of x. */
    private static void tanhExponential(float[] x, float[] y, int lo, int hi) {
        for (int i = lo; i < hi; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector a = v.abs();
            // e = e^{2|x|} = 2^k e^r, k = round(2|x| / ln2), r = 2|x| - k ln2 (ln2 in two parts)
            FloatVector t2 = a.min(9.5f).mul(2f);
            // k rounded to the nearest integer by adding 1.5 * 2^23: it is then the float's low mantissa bits
            FloatVector kShifted = t2.mul(1.44269504f).add(0x1.8p23f);
            FloatVector kf = kShifted.sub(0x1.8p23f);
            FloatVector r = t2.sub(kf.mul(0.693145752f)).sub(kf.mul(1.42860677e-6f));
            FloatVector q = r.mul(1.98412698e-4f).add(1.38888889e-3f);
            q = q.mul(r).add(8.33333333e-3f);
            q = q.mul(r).add(4.16666667e-2f);
            q = q.mul(r).add(1.66666667e-1f);
            q = q.mul(r).add(0.5f);
            q = q.mul(r).add(1f);
            q = q.mul(r).add(1f);
            IntVector twoToK = kShifted.reinterpretAsInts().sub(0x4b400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector e = q.mul(twoToK.reinterpretAsFloats());
            FloatVector large = FloatVector.broadcast(S, 2f).div(e.add(1f)).neg().add(1f);
            large = large.blend(large.neg(), v.lt(0f));
            VectorMask<Float> series = a.lt(CpuElementwise.TANH_SERIES_BELOW);
            FloatVector.fromArray(S, y, i).blend(large, series.not()).intoArray(y, i);
        }
    }

    /** dst[d0 + i] += src[s0 + i] for i below n, a vector at a time (the same floats as the scalar loop). */
    static void addInto(float[] dst, int d0, float[] src, int s0, int n) {
        int l = S.length();
        int i = 0;
        for (; i + l <= n; i += l) {
            FloatVector.fromArray(S, dst, d0 + i).add(FloatVector.fromArray(S, src, s0 + i)).intoArray(dst, d0 + i);
        }
        for (; i < n; i++) {
            dst[d0 + i] += src[s0 + i];
        }
    }

    static int lanes() {
        return S.length();
    }
}
