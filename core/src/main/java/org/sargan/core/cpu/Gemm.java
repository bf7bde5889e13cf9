package org.sargan.core.cpu;

/**
 * Single-precision matrix multiply {@code C = A * B} (or {@code C += A * B}) with the BLIS loop structure:
 * B is packed in KC x NC blocks (kept in L3/L2), A in MC x KC blocks (L2), and the micro-kernel computes
 * MR x NR tiles from those packed panels (L1 and registers).
 *
 * <p>Operands are addressed by strides so transposes cost nothing: A(i, k) = a[aOff + i*aRs + k*aCs],
 * B(k, j) = b[bOff + k*bRs + j*bCs], C(i, j) = c[cOff + i*ldc + j].
 *
 * <p>Work is split over threads by rows or columns of C only, never over k, so every C element sees the same
 * sequence of operations whatever the thread count: results are deterministic.
 */
public final class Gemm {
    /** Depth of one packed block: the number of fused multiply-adds chained per C element before storing. */
    static final int KC = 256;
    /** Rows of A packed at once (MC x KC floats = 128 KiB: stays in L2). */
    static final int MC = 128;
    /** Columns of B packed at once (KC x NC floats = 4 MiB). */
    static final int NC = 4096;
    /** Below this many multiply-adds, threading costs more than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 21;
    /** Pieces a large product is cut into (rows or columns of C): a few per thread, for load balance. */
    private static final int PARTS = Math.max(4, 2 * Parallel.threads());

    private static final MicroKernel SCALAR = new MicroKernel.Scalar();
    private static final MicroKernel DEFAULT = SimdSupport.enabled() ? new VectorGemmKernel() : SCALAR;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

    private Gemm() {
    }

    /** Which micro-kernel to use: the tests compare them; everything else uses {@link #DEFAULT_KERNEL}. */
    public enum Kernel {
        SIMD, SCALAR
    }

    /** The kernel used by default: SIMD when the Vector API is enabled. */
    public static final Kernel DEFAULT_KERNEL = SimdSupport.enabled() ? Kernel.SIMD : Kernel.SCALAR;

    /** Row-major {@code C (m x n) = A (m x k) * B (k x n)}. */
    public static void sgemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
    }

    /** Strided GEMM with the default kernel; {@code accumulate} adds into C instead of overwriting it. */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs,
            int bCs, float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(DEFAULT_KERNEL, m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
    }

    public static void sgemm(Kernel kernel, int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b,
            int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        MicroKernel mk = kernel == Kernel.SIMD ? vectorKernel() : SCALAR;
        Block all = new Block(mk, m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
        long flops = (long) m * n * k;
        if (flops < PARALLEL_MIN_FLOPS) {
            all.compute(0, m, 0, n);
        } else if (n >= m) {
            int step = roundUp(Math.max(mk.nr(), (n + PARTS - 1) / PARTS), mk.nr());
            Parallel.forRange(n, step, (lo, hi) -> all.compute(0, m, lo, hi));
        } else {
            int step = roundUp(Math.max(mk.mr(), (m + PARTS - 1) / PARTS), mk.mr());
            Parallel.forRange(m, step, (lo, hi) -> all.compute(lo, hi, 0, n));
        }
    }

    private static MicroKernel vectorKernel() {
        if (!SimdSupport.enabled()) {
            throw new IllegalStateException("gemm: the SIMD kernel needs --add-modules=jdk.incubator.vector");
        }
        return DEFAULT;
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** One GEMM problem; {@link #compute} does the rectangle [i0, i1) x [j0, j1) of C on the calling thread. */
    private record Block(MicroKernel mk, int m, int n, int k, float[] a, int aOff, int aRs, int aCs, float[] b,
            int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, boolean accumulate) {

        void compute(int i0, int i1, int j0, int j1) {
            int mr = mk.mr();
            int nr = mk.nr();
            float[][] buf = BUFFERS.get();
            float[] ap = buffer(buf, 0, roundUp(MC, mr) * KC);
            float[] bp = buffer(buf, 1, KC * roundUp(Math.min(NC, j1 - j0), nr));
            float[] tile = buffer(buf, 2, mr * nr);
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    boolean overwrite = pc == 0 && !accumulate;
                    packB(bp, pc, kc, jc, nc, nr);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        packA(ap, ic, mc, pc, kc, mr);
                        for (int jr = 0; jr < nc; jr += nr) {
                            int nn = Math.min(nr, nc - jr);
                            for (int ir = 0; ir < mc; ir += mr) {
                                int mm = Math.min(mr, mc - ir);
                                int co = cOff + (ic + ir) * ldc + jc + jr;
                                if (mm == mr && nn == nr) {
                                    mk.run(kc, ap, ir * kc, bp, jr * kc, c, co, ldc, overwrite);
                                } else {
                                    mk.run(kc, ap, ir * kc, bp, jr * kc, tile, 0, nr, true);
                                    for (int i = 0; i < mm; i++) {
                                        for (int j = 0; j < nn; j++) {
                                            float t = tile[i * nr + j];
                                            c[co + i * ldc + j] = overwrite ? t : c[co + i * ldc + j] + t;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /** Packs B(pc.., jc..) into panels of nr columns, k-major, zero-filling past the last column. */
        private void packB(float[] bp, int pc, int kc, int jc, int nc, int nr) {
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int dst = jr * kc;
                int src = bOff + pc * bRs + (jc + jr) * bCs;
                if (bCs == 1) {
                    for (int p = 0; p < kc; p++, dst += nr, src += bRs) {
                        System.arraycopy(b, src, bp, dst, nn);
                        if (nn < nr) {
                            java.util.Arrays.fill(bp, dst + nn, dst + nr, 0f);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++, dst += nr, src += bRs) {
                        for (int j = 0; j < nn; j++) {
                            bp[dst + j] = b[src + j * bCs];
                        }
                        for (int j = nn; j < nr; j++) {
                            bp[dst + j] = 0f;
                        }
                    }
                }
            }
        }

        /** Packs A(ic.., pc..) into panels of mr rows, k-major, zero-filling past the last row. */
        private void packA(float[] ap, int ic, int mc, int pc, int kc, int mr) {
            for (int ir = 0; ir < mc; ir += mr) {
                int mm = Math.min(mr, mc - ir);
                int dst = ir * kc;
                for (int i = 0; i < mr; i++) {
                    if (i >= mm) {
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * mr + i] = 0f;
                        }
                        continue;
                    }
                    int src = aOff + (ic + ir + i) * aRs + pc * aCs;
                    for (int p = 0; p < kc; p++, src += aCs) {
                        ap[dst + p * mr + i] = a[src];
                    }
                }
            }
        }
    }

    private static float[] buffer(float[][] buf, int i, int size) {
        if (buf[i] == null || buf[i].length < size) {
            buf[i] = new float[size];
        }
        return buf[i];
    }
}
