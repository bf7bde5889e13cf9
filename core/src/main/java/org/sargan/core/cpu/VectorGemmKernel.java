package org.sargan.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD GEMM micro-kernel: an MR x (2 vectors) block of C kept in vector registers while k runs. Each step
 * loads two vectors of the packed B panel, broadcasts MR values of the packed A panel and issues 2 x MR fused
 * multiply-adds: with 512-bit vectors and MR = 8 that is 8 x 32 floats, 512 FLOP per 10 loads. The accumulators
 * are named locals, not an array, so that the JIT keeps them in registers; the 6-row bodies repeat the 8-row ones
 * for that reason (a helper taking vectors would box them).
 *
 * <p>This class and {@link VectorLoops} are the only ones that touch jdk.incubator.vector; {@link SimdSupport} checks the module is present
 * before it is loaded.
 */
final class VectorGemmKernel implements MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    /**
     * Rows of the tile. With 512-bit vectors the ISA (AVX-512) has 32 vector registers: 8 x 2 accumulators, two B
     * vectors and a broadcast fit. With narrower vectors (AVX2, 16 registers) the 8-row tile would spill
     * accumulators to the stack on every step, so the tile is 6 rows (12 accumulators + 3), as in BLIS's Haswell
     * kernel. On an AMD Zen 3 (AVX2), SGEMM 1024^3 on 2 cores went from 44-70 to 57-77 GFLOP/s in paired runs
     * (OpenBLAS there: 132).
     */
    static final int MR = LANES >= 16 ? 8 : 6;
    static final int NR = 2 * LANES;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void run(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, boolean overwrite) {
        if (MR == 8) {
            run8(kc, a, ao, b, bo, c, co, ldc, overwrite);
        } else {
            run6(kc, a, ao, b, bo, c, co, ldc, overwrite);
        }
    }

    private static void run8(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + l);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ao + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ao + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The stores are spelled out instead of calling a helper: vectors passed to a method that the JIT does not
        // inline are boxed, which made the accumulate path ten times slower than the multiply itself.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
            c60.intoArray(c, co + 6 * ldc);
            c61.intoArray(c, co + 6 * ldc + l);
            c70.intoArray(c, co + 7 * ldc);
            c71.intoArray(c, co + 7 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
            FloatVector.fromArray(S, c, co + 6 * ldc).add(c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + l).add(c61).intoArray(c, co + 6 * ldc + l);
            FloatVector.fromArray(S, c, co + 7 * ldc).add(c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + l).add(c71).intoArray(c, co + 7 * ldc + l);
        }
    }

    /**
     * {@link #run} (8 rows only) with A read from an image as a weight gradient's im2col rows: A(r, p) =
     * xp[taps[t0 + r] + kmap[p0 + p]], tap row r of the patch at output pixel p (a corner in the zero-padded image,
     * kmap, plus the tap's offset, taps). Each step loads one corner and broadcasts one float per tap: the im2col
     * matrix is never built nor packed ({@link WeightGradFromTaps}). The same fused multiply-adds in the same order
     * as {@link #run} on the packed panel.
     */
    static void runTapsA8(int kc, float[] xp, int[] taps, int t0, int[] kmap, int p0, float[] b, int bo, float[] c,
            int co, int ldc, boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a0 = taps[t0];
        int a1 = taps[t0 + 1];
        int a2 = taps[t0 + 2];
        int a3 = taps[t0 + 3];
        int a4 = taps[t0 + 4];
        int a5 = taps[t0 + 5];
        int a6 = taps[t0 + 6];
        int a7 = taps[t0 + 7];
        for (int p = 0; p < kc; p++, bo += NR) {
            int q = kmap[p0 + p];
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + l);
            FloatVector av = FloatVector.broadcast(S, xp[a0 + q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, xp[a1 + q]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, xp[a2 + q]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, xp[a3 + q]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, xp[a4 + q]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, xp[a5 + q]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, xp[a6 + q]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, xp[a7 + q]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The stores are spelled out instead of calling a helper: vectors passed to a method that the JIT does not
        // inline are boxed, which made the accumulate path ten times slower than the multiply itself.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
            c60.intoArray(c, co + 6 * ldc);
            c61.intoArray(c, co + 6 * ldc + l);
            c70.intoArray(c, co + 7 * ldc);
            c71.intoArray(c, co + 7 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
            FloatVector.fromArray(S, c, co + 6 * ldc).add(c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + l).add(c61).intoArray(c, co + 6 * ldc + l);
            FloatVector.fromArray(S, c, co + 7 * ldc).add(c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + l).add(c71).intoArray(c, co + 7 * ldc + l);
        }
    }

    /**
     * {@link #run} (8 rows only) with A read where it lies, as 8 rows of a row-major matrix instead of a packed
     * panel: A(r, p) = a[ao + r * lda + p]. Each step broadcasts one float from each of the 8 rows, 8 streams that
     * run forward in memory. For a product whose A is a large weight matrix used by few columns
     * ({@link WeightRowsProduct}), where packing A cost more than the multiply. The same fused multiply-adds in the
     * same order as {@link #run} on the packed panel.
     */
    static void runRowsA8(int kc, float[] a, int ao, int lda, float[] b, int bo, float[] c, int co, int ldc,
            boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int a1 = ao + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        int a6 = a5 + lda;
        int a7 = a6 + lda;
        for (int p = 0; p < kc; p++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + l);
            FloatVector av = FloatVector.broadcast(S, a[ao + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[a6 + p]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[a7 + p]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The stores are spelled out instead of calling a helper: vectors passed to a method that the JIT does not
        // inline are boxed, which made the accumulate path ten times slower than the multiply itself.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
            c60.intoArray(c, co + 6 * ldc);
            c61.intoArray(c, co + 6 * ldc + l);
            c70.intoArray(c, co + 7 * ldc);
            c71.intoArray(c, co + 7 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
            FloatVector.fromArray(S, c, co + 6 * ldc).add(c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + l).add(c61).intoArray(c, co + 6 * ldc + l);
            FloatVector.fromArray(S, c, co + 7 * ldc).add(c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + l).add(c71).intoArray(c, co + 7 * ldc + l);
        }
    }

    /**
     * {@link #run} with B read straight from an image instead of a packed panel: B(p, j) = xp[b0 + taps[p0 + p] + j]
     * for the first vector of columns and xp[b1 + taps[p0 + p] + j - LANES] for the second (a convolution's im2col
     * columns, each vector a run of output pixels within one row; {@link Gemm#multiplyImage}). The same fused
     * multiply-adds in the same order as {@link #run} on the packed panel, so the same floats.
     */
    static void runImage(int kc, float[] a, int ao, float[] xp, int b0, int b1, int[] taps, int p0, float[] c, int co,
            int ldc, boolean overwrite) {
        if (MR == 8) {
            runImage8(kc, a, ao, xp, b0, b1, taps, p0, c, co, ldc, overwrite);
        } else {
            runImage6(kc, a, ao, xp, b0, b1, taps, p0, c, co, ldc, overwrite);
        }
    }

    private static void runImage8(int kc, float[] a, int ao, float[] xp, int b0, int b1, int[] taps, int p0,
            float[] c, int co, int ldc, boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ao += MR) {
            int t = taps[p0 + p];
            FloatVector v0 = FloatVector.fromArray(S, xp, b0 + t);
            FloatVector v1 = FloatVector.fromArray(S, xp, b1 + t);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(v0, c00);
            c01 = av.fma(v1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(v0, c10);
            c11 = av.fma(v1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(v0, c20);
            c21 = av.fma(v1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(v0, c30);
            c31 = av.fma(v1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(v0, c40);
            c41 = av.fma(v1, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
            c50 = av.fma(v0, c50);
            c51 = av.fma(v1, c51);
            av = FloatVector.broadcast(S, a[ao + 6]);
            c60 = av.fma(v0, c60);
            c61 = av.fma(v1, c61);
            av = FloatVector.broadcast(S, a[ao + 7]);
            c70 = av.fma(v0, c70);
            c71 = av.fma(v1, c71);
        }
        // The stores are spelled out instead of calling a helper: vectors passed to a method that the JIT does not
        // inline are boxed, which made the accumulate path ten times slower than the multiply itself.
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
            c60.intoArray(c, co + 6 * ldc);
            c61.intoArray(c, co + 6 * ldc + l);
            c70.intoArray(c, co + 7 * ldc);
            c71.intoArray(c, co + 7 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
            FloatVector.fromArray(S, c, co + 6 * ldc).add(c60).intoArray(c, co + 6 * ldc);
            FloatVector.fromArray(S, c, co + 6 * ldc + l).add(c61).intoArray(c, co + 6 * ldc + l);
            FloatVector.fromArray(S, c, co + 7 * ldc).add(c70).intoArray(c, co + 7 * ldc);
            FloatVector.fromArray(S, c, co + 7 * ldc + l).add(c71).intoArray(c, co + 7 * ldc + l);
        }
    }

    /** {@link #run8} with 6 rows (see {@link #MR}). */
    private static void run6(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
            boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        // the panel offsets computed from p, not stepped as extra induction variables: the JIT then sees each
        // load's index as linear in the loop counter. AMD Zen 3, SGEMM 1024^3, the two forms alternated call by call
        // (80 calls each, four runs): best 30.5-31.8 against 32.7-33.1 ms on one thread, 16.1-16.8 against
        // 17.2-18.7 on two; the kernel alone, panels in L1, 81.7-85.2 against 78.5-81.4 GFLOP/s on one core
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            int ai = ao + p * 6;
            FloatVector v0 = FloatVector.fromArray(S, b, bi);
            FloatVector v1 = FloatVector.fromArray(S, b, bi + l);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            a0 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a0.fma(v0, c10);
            c11 = a0.fma(v1, c11);
            a0 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a0.fma(v0, c20);
            c21 = a0.fma(v1, c21);
            a0 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a0.fma(v0, c30);
            c31 = a0.fma(v1, c31);
            a0 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a0.fma(v0, c40);
            c41 = a0.fma(v1, c41);
            a0 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a0.fma(v0, c50);
            c51 = a0.fma(v1, c51);
        }
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
        }
    }

    /** {@link #runImage8} with 6 rows (see {@link #MR}). */
    private static void runImage6(int kc, float[] a, int ao, float[] xp, int b0, int b1, int[] taps, int p0,
            float[] c, int co, int ldc, boolean overwrite) {
        final int l = LANES;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        for (int p = 0; p < kc; p++, ao += 6) {
            int t = taps[p0 + p];
            FloatVector v0 = FloatVector.fromArray(S, xp, b0 + t);
            FloatVector v1 = FloatVector.fromArray(S, xp, b1 + t);
            FloatVector a0 = FloatVector.broadcast(S, a[ao]);
            c00 = a0.fma(v0, c00);
            c01 = a0.fma(v1, c01);
            a0 = FloatVector.broadcast(S, a[ao + 1]);
            c10 = a0.fma(v0, c10);
            c11 = a0.fma(v1, c11);
            a0 = FloatVector.broadcast(S, a[ao + 2]);
            c20 = a0.fma(v0, c20);
            c21 = a0.fma(v1, c21);
            a0 = FloatVector.broadcast(S, a[ao + 3]);
            c30 = a0.fma(v0, c30);
            c31 = a0.fma(v1, c31);
            a0 = FloatVector.broadcast(S, a[ao + 4]);
            c40 = a0.fma(v0, c40);
            c41 = a0.fma(v1, c41);
            a0 = FloatVector.broadcast(S, a[ao + 5]);
            c50 = a0.fma(v0, c50);
            c51 = a0.fma(v1, c51);
        }
        if (overwrite) {
            c00.intoArray(c, co);
            c01.intoArray(c, co + l);
            c10.intoArray(c, co + ldc);
            c11.intoArray(c, co + ldc + l);
            c20.intoArray(c, co + 2 * ldc);
            c21.intoArray(c, co + 2 * ldc + l);
            c30.intoArray(c, co + 3 * ldc);
            c31.intoArray(c, co + 3 * ldc + l);
            c40.intoArray(c, co + 4 * ldc);
            c41.intoArray(c, co + 4 * ldc + l);
            c50.intoArray(c, co + 5 * ldc);
            c51.intoArray(c, co + 5 * ldc + l);
        } else {
            FloatVector.fromArray(S, c, co).add(c00).intoArray(c, co);
            FloatVector.fromArray(S, c, co + l).add(c01).intoArray(c, co + l);
            FloatVector.fromArray(S, c, co + ldc).add(c10).intoArray(c, co + ldc);
            FloatVector.fromArray(S, c, co + ldc + l).add(c11).intoArray(c, co + ldc + l);
            FloatVector.fromArray(S, c, co + 2 * ldc).add(c20).intoArray(c, co + 2 * ldc);
            FloatVector.fromArray(S, c, co + 2 * ldc + l).add(c21).intoArray(c, co + 2 * ldc + l);
            FloatVector.fromArray(S, c, co + 3 * ldc).add(c30).intoArray(c, co + 3 * ldc);
            FloatVector.fromArray(S, c, co + 3 * ldc + l).add(c31).intoArray(c, co + 3 * ldc + l);
            FloatVector.fromArray(S, c, co + 4 * ldc).add(c40).intoArray(c, co + 4 * ldc);
            FloatVector.fromArray(S, c, co + 4 * ldc + l).add(c41).intoArray(c, co + 4 * ldc + l);
            FloatVector.fromArray(S, c, co + 5 * ldc).add(c50).intoArray(c, co + 5 * ldc);
            FloatVector.fromArray(S, c, co + 5 * ldc + l).add(c51).intoArray(c, co + 5 * ldc + l);
        }
    }
}
