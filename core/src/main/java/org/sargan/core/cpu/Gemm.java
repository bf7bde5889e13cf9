package org.sargan.core.cpu;

import java.util.Arrays;

/**
 * Single-precision matrix multiply {@code C = A * B} (or {@code C += A * B}) with the BLIS loop structure:
 * A is packed once into panels of MR rows (k-major, in blocks of KC along k) and shared by all threads; each thread
 * packs KC x NC blocks of B into panels of NR columns and runs the micro-kernel on MR x NR tiles of C, with a B panel
 * in L1 and MC rows of packed A in L2.
 *
 * <p>Operands are addressed by strides so transposes cost nothing: A(i, k) = a[aOff + i*aRs + k*aCs],
 * B(k, j) = b[bOff + k*bRs + j*bCs], C(i, j) = c[cOff + i*ldc + j].
 *
 * <p>A packed A can be reused across calls with the same left operand ({@link #pack} then {@link #multiply}):
 * a convolution packs its weights once for the whole batch.
 *
 * <p>Work is split over threads by rows or columns of C only, never over k, so every C element sees the same
 * sequence of operations whatever the thread count: results are deterministic.
 */
public final class Gemm {
    /** Depth of one packed block: the number of fused multiply-adds chained per C element before storing. */
    static final int KC = 256;
    /**
     * Rows of packed A walked per B panel (MC x KC floats = 128 KiB: stays in L2); {@link #mcMax} rounds it down to
     * whole panels of the kernel's rows.
     */
    static final int MC = 128;
    /** Columns of B packed at once (KC x NC floats = 4 MiB). */
    static final int NC = 4096;
    /** Below this many multiply-adds, threading costs more than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 21;
    /** Pieces a large product is cut into (rows or columns of C): a few per thread, for load balance. */
    private static final int PARTS = Math.max(4, 2 * Parallel.threads());

    private static final MicroKernel SCALAR = new MicroKernel.Scalar();
    private static final MicroKernel SIMD = SimdSupport.enabled() ? new VectorGemmKernel() : null;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][]);

    private Gemm() {
    }

    /** Which micro-kernel to use: the tests compare them; everything else uses {@link #DEFAULT_KERNEL}. */
    public enum Kernel {
        SIMD, SCALAR
    }

    /** The kernel used by default: SIMD when the Vector API is enabled. */
    public static final Kernel DEFAULT_KERNEL = SimdSupport.enabled() ? Kernel.SIMD : Kernel.SCALAR;

    private static MicroKernel micro(Kernel kernel) {
        if (kernel == Kernel.SCALAR) {
            return SCALAR;
        }
        if (SIMD == null) {
            throw new IllegalStateException("gemm: the SIMD kernel needs --add-modules=jdk.incubator.vector");
        }
        return SIMD;
    }

    /**
     * The right operand B, packed on demand: writes B(pc .. pc+kc, jc .. jc+nc) into {@code dst} as panels of nr
     * columns, k-major ({@code dst[jr * kc + p * nr + j]}), zero-filled past the last column. A strided matrix is one
     * source; a convolution packs straight from the image (implicit im2col).
     */
    @FunctionalInterface
    public interface BPanels {
        void pack(float[] dst, int pc, int kc, int jc, int nc, int nr);
    }

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
        PackedA pa = pack(kernel, m, k, a, aOff, aRs, aCs);
        multiply(pa, n, b, bOff, bRs, bCs, c, cOff, ldc, accumulate);
        pa.free();
    }

    /**
     * The left operand A (m x k) packed for one micro-kernel: for each KC block of k, panels of MR rows stored
     * k-major (MR consecutive floats per k), zero-filled past the last row.
     */
    public static final class PackedA {
        final MicroKernel mk;
        final int m;
        final int k;
        final int mPad;
        final float[] data;

        private PackedA(MicroKernel mk, int m, int k) {
            this.mk = mk;
            this.m = m;
            this.k = k;
            this.mPad = roundUp(m, mk.mr());
            // every element is written by pack (the padding rows with zeros)
            this.data = ArrayPool.dirty(mPad * Math.max(k, 1));
        }

        /**
         * An unfilled A for callers that write the panels themselves, element (i, p) at {@link #index}: the padding
         * rows past m are zeroed here, everything else is the caller's to write.
         */
        static PackedA unfilled(Kernel kernel, int m, int k) {
            PackedA pa = new PackedA(micro(kernel), m, k);
            if (pa.mPad > m) {
                for (int p = 0; p < k; p++) {
                    int at = pa.index(m, p);
                    Arrays.fill(pa.data, at, at + pa.mPad - m, 0f);
                }
            }
            return pa;
        }

        /** Where element (i, p) of A lies in the panels. */
        int index(int i, int p) {
            int mr = mk.mr();
            int pc = p / KC * KC;
            int ir = i / mr * mr;
            return offset(pc, ir) + (p - pc) * mr + (i - ir);
        }

        /** Hands the packed panels back to the {@link ArrayPool}: for callers that know this is its last use. */
        void free() {
            ArrayPool.give(data);
        }

        /** Start of the panel holding rows [ir, ir + MR) of the k block starting at pc. */
        int offset(int pc, int ir) {
            return pc * mPad + ir * Math.min(KC, k - pc);
        }

        public int rows() {
            return m;
        }

        public int depth() {
            return k;
        }
    }

    /** Packs A(i, p) = a[aOff + i*aRs + p*aCs] (m x k) for the given kernel, in parallel over panels. */
    public static PackedA pack(Kernel kernel, int m, int k, float[] a, int aOff, int aRs, int aCs) {
        PackedA pa = new PackedA(micro(kernel), m, k);
        int mr = pa.mk.mr();
        int panels = pa.mPad / mr;
        int blocks = (k + KC - 1) / KC;
        int tasks = blocks * panels;
        // a few chunks per thread (a chunk of 4096 floats or more: below that a task costs more than it copies)
        int grain = Math.max(Math.max(1, 4096 / (mr * Math.max(1, Math.min(k, KC)))), tasks / (4 * Parallel.threads()));
        Parallel.forRange(tasks, grain, (lo, hi) -> {
            int[] rows = new int[mr];
            for (int t = lo; t < hi; t++) {
                int pc = (t / panels) * KC;
                int ir = (t % panels) * mr;
                int kc = Math.min(KC, k - pc);
                int dst = pa.offset(pc, ir);
                int full = Math.min(mr, m - ir);
                if (full < mr || aCs != 1) {
                    packPanelStrided(pa.data, dst, mr, full, kc, a, aOff + ir * aRs + pc * aCs, aRs, aCs);
                    continue;
                }
                // k-major: one store stream, mr read streams along the rows
                int r0 = aOff + ir * aRs + pc;
                if (mr == 8) {
                    packPanel8(pa.data, dst, kc, a, r0, aRs);
                    continue;
                }
                for (int i = 0; i < mr; i++) {
                    rows[i] = r0 + i * aRs;
                }
                for (int p = 0; p < kc; p++, dst += mr) {
                    for (int i = 0; i < mr; i++) {
                        pa.data[dst + i] = a[rows[i] + p];
                    }
                }
            }
        });
        return pa;
    }

    /**
     * A full panel of 8 rows of a row-major A, k-major: the row starts in locals rather than an array, so that each
     * step is 8 plain loads and stores (through an index array the packing took 5% of a 64 px D+G step).
     */
    private static void packPanel8(float[] dst, int d, int kc, float[] a, int r0, int lda) {
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int r4 = r3 + lda;
        int r5 = r4 + lda;
        int r6 = r5 + lda;
        int r7 = r6 + lda;
        for (int p = 0; p < kc; p++, d += 8) {
            dst[d] = a[r0 + p];
            dst[d + 1] = a[r1 + p];
            dst[d + 2] = a[r2 + p];
            dst[d + 3] = a[r3 + p];
            dst[d + 4] = a[r4 + p];
            dst[d + 5] = a[r5 + p];
            dst[d + 6] = a[r6 + p];
            dst[d + 7] = a[r7 + p];
        }
    }

    /** One panel of mr rows (the first {@code full} of them real, the rest zero) of a strided A. */
    private static void packPanelStrided(float[] dst, int d0, int mr, int full, int kc, float[] a, int src0, int aRs,
            int aCs) {
        for (int i = 0; i < mr; i++) {
            if (i >= full) {
                for (int p = 0; p < kc; p++) {
                    dst[d0 + p * mr + i] = 0f;
                }
                continue;
            }
            for (int p = 0, src = src0 + i * aRs; p < kc; p++, src += aCs) {
                dst[d0 + p * mr + i] = a[src];
            }
        }
    }

    /** {@code C = A * B} (or +=) with a pre-packed A; B (k x n) and C addressed as in {@link #sgemm}. */
    public static void multiply(PackedA a, int n, float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc,
            boolean accumulate) {
        multiply(a, n, strided(b, bOff, bRs, bCs), c, cOff, ldc, accumulate);
    }

    /** {@code C = A * B} (or +=), A pre-packed, B packed on demand, split over threads by rows or columns of C. */
    public static void multiply(PackedA a, int n, BPanels b, float[] c, int cOff, int ldc, boolean accumulate) {
        int m = a.m;
        if (m <= 0 || n <= 0) {
            return;
        }
        if (a.k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Block all = new Block(a, b, c, cOff, ldc, accumulate);
        MicroKernel mk = a.mk;
        long flops = (long) m * n * a.k;
        if (flops < PARALLEL_MIN_FLOPS) {
            all.compute(0, m, 0, n);
        } else if (n >= 2 * mk.nr() * PARTS || n >= m) {
            int step = roundUp(Math.max(mk.nr(), (n + PARTS - 1) / PARTS), mk.nr());
            Parallel.forRange(n, step, (lo, hi) -> all.compute(0, m, lo, hi));
        } else {
            int step = roundUp(Math.max(mk.mr(), (m + PARTS - 1) / PARTS), mk.mr());
            Parallel.forRange(m, step, (lo, hi) -> all.compute(lo, hi, 0, n));
        }
    }

    /**
     * Columns [j0, j1) of {@code C = A * B} (or +=) on the calling thread: for callers that parallelise over
     * independent products themselves (a convolution runs one task per image and column range).
     */
    public static void multiplyColumns(PackedA a, BPanels b, float[] c, int cOff, int ldc, int j0, int j1,
            boolean accumulate) {
        new Block(a, b, c, cOff, ldc, accumulate).compute(0, a.m, j0, j1);
    }

    /**
     * Columns [j0, j1) of {@code C = A * B} on the calling thread, with B the im2col matrix of one image read where it
     * lies instead of packed: B(k, j) = xd[base(j) + taps[k]], base(j) = (j / wo) * rowPitch + j % wo, so that a run
     * of output pixels of one row is a run of xd (a zero-padded image, its columns split by phase for a stride above
     * 1). Needs the SIMD kernel, output rows a multiple of its vector length and j0, j1 multiples of its NR; each C
     * element gets the same operations as through {@link #multiplyColumns} with packed panels, so the same floats.
     */
    static void multiplyImage(PackedA a, float[] xd, int[] taps, int wo, int rowPitch, float[] c, int cOff, int ldc,
            int j0, int j1) {
        int mr = VectorGemmKernel.MR;
        int nr = VectorGemmKernel.NR;
        int l = VectorGemmKernel.LANES;
        if (!(a.mk instanceof VectorGemmKernel) || wo % l != 0 || j0 % nr != 0 || j1 % nr != 0) {
            throw new IllegalArgumentException("gemm: multiplyImage needs the SIMD kernel, rows of a multiple of " + l
                    + " and column bounds on panels of " + nr + "; got rows of " + wo + ", columns " + j0 + ".." + j1);
        }
        int m = a.m;
        int k = a.k;
        float[] tile = buffer(BUFFERS.get(), 1, mr * nr);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean overwrite = pc == 0;
            for (int ic = 0; ic < m; ic += mcMax(mr)) {
                int mc = Math.min(mcMax(mr), m - ic);
                for (int jr = j0; jr < j1; jr += nr) {
                    int b0 = (jr / wo) * rowPitch + jr % wo;
                    int b1 = ((jr + l) / wo) * rowPitch + (jr + l) % wo;
                    for (int ir = 0; ir < mc; ir += mr) {
                        int mm = Math.min(mr, mc - ir);
                        int ao = a.offset(pc, ic + ir);
                        int co = cOff + (ic + ir) * ldc + jr;
                        if (mm == mr) {
                            VectorGemmKernel.runImage(kc, a.data, ao, xd, b0, b1, taps, pc, c, co, ldc, overwrite);
                        } else {
                            VectorGemmKernel.runImage(kc, a.data, ao, xd, b0, b1, taps, pc, tile, 0, nr, true);
                            storeTile(tile, nr, mm, nr, c, co, ldc, overwrite);
                        }
                    }
                }
            }
        }
    }

    /** Panels of B(k, j) = b[bOff + k*bRs + j*bCs]. */
    public static BPanels strided(float[] b, int bOff, int bRs, int bCs) {
        return (bp, pc, kc, jc, nc, nr) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int dst = jr * kc;
                int src = bOff + pc * bRs + (jc + jr) * bCs;
                if (bCs == 1 && nn == nr) {
                    // a plain loop of fixed length: the JIT turns it into a few vector moves, where an arraycopy
                    // call per 32 floats costs more than the copy
                    for (int p = 0; p < kc; p++, dst += nr, src += bRs) {
                        for (int j = 0; j < nr; j++) {
                            bp[dst + j] = b[src + j];
                        }
                    }
                } else if (bCs == 1) {
                    // the last, partial panel: plain loops (an arraycopy and an Arrays.fill call per row of a few
                    // floats took 3% of a 64 px D+G step)
                    for (int p = 0; p < kc; p++, dst += nr, src += bRs) {
                        for (int j = 0; j < nn; j++) {
                            bp[dst + j] = b[src + j];
                        }
                        for (int j = nn; j < nr; j++) {
                            bp[dst + j] = 0f;
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
        };
    }

    /** NR of the default kernel: a caller splitting columns into tasks keeps their edges on panel boundaries. */
    public static int panelWidth() {
        return micro(DEFAULT_KERNEL).nr();
    }

    /** MC rounded down to whole panels of mr rows: row blocks must start on a panel of the packed A. */
    private static int mcMax(int mr) {
        return MC / mr * mr;
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** One product; {@link #compute} does the rectangle [i0, i1) x [j0, j1) of C on the calling thread. */
    private record Block(PackedA a, BPanels b, float[] c, int cOff, int ldc, boolean accumulate) {

        void compute(int i0, int i1, int j0, int j1) {
            MicroKernel mk = a.mk;
            int mr = mk.mr();
            int nr = mk.nr();
            int k = a.k;
            float[][] buf = BUFFERS.get();
            float[] bp = buffer(buf, 0, KC * roundUp(Math.min(NC, j1 - j0), nr));
            float[] tile = buffer(buf, 1, mr * nr);
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    boolean overwrite = pc == 0 && !accumulate;
                    b.pack(bp, pc, kc, jc, nc, nr);
                    for (int ic = i0; ic < i1; ic += mcMax(mr)) {
                        int mc = Math.min(mcMax(mr), i1 - ic);
                        for (int jr = 0; jr < nc; jr += nr) {
                            int nn = Math.min(nr, nc - jr);
                            for (int ir = 0; ir < mc; ir += mr) {
                                int mm = Math.min(mr, mc - ir);
                                int ao = a.offset(pc, ic + ir);
                                int co = cOff + (ic + ir) * ldc + jc + jr;
                                if (mm == mr && nn == nr) {
                                    mk.run(kc, a.data, ao, bp, jr * kc, c, co, ldc, overwrite);
                                } else {
                                    mk.run(kc, a.data, ao, bp, jr * kc, tile, 0, nr, true);
                                    storeTile(tile, nr, mm, nn, c, co, ldc, overwrite);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The mm x nn corner of a micro-tile computed into a scratch tile (row length nr): stored, or added, into C. */
    private static void storeTile(float[] tile, int nr, int mm, int nn, float[] c, int co, int ldc,
            boolean overwrite) {
        for (int i = 0; i < mm; i++) {
            for (int j = 0; j < nn; j++) {
                float t = tile[i * nr + j];
                c[co + i * ldc + j] = overwrite ? t : c[co + i * ldc + j] + t;
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
