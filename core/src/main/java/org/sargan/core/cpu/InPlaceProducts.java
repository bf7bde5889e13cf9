package org.sargan.core.cpu;

/**
 * Matrix products that read both operands where they lie, with no packing: for products with one huge operand
 * used by few rows, where {@link Gemm} spends more time packing than multiplying. The discriminator's last layers
 * are the case: a 1024-channel 4x4 kernel over 512 channels is a 32 MiB weight matrix that meets only
 * batch x 4 output pixels, so every weight takes part in 32 multiply-adds (fewer than a packed panel needs to pay
 * for its copy).
 * <pre>
 *   dots(A, B)  C = A * B^T   (m x k) (n x k): every C element a dot product of two k-contiguous rows
 *   rows(A, B)  C = A * B     (m x k) (k x n): B read row by row, four rows of A broadcast against it
 * </pre>
 * Work is split over threads by blocks of C only, and each C element is one chain of operations in a fixed order,
 * so results do not depend on the thread count. With SIMD, {@code rows} gives the same floats as its plain loop
 * (one fused multiply-add chain in k order); {@code dots} keeps one partial sum per vector lane and adds the lanes
 * at the end of each k block, so it rounds differently from its plain loop.
 */
final class InPlaceProducts {
    private static final boolean SIMD = SimdSupport.enabled();
    /** Columns of C per task in {@link #rows}: B is read in runs of SLAB floats (a 4 KiB page). */
    private static final int SLAB = 1024;
    /** Depth of one block in {@link #dots}: 128 rows of A x KD floats = 1 MiB, half a core's L2. */
    private static final int KD = 2048;
    /** Rows of B per block in {@link #rows}: a KB x SLAB block of B (256 KiB) stays in L2 for every row tile of A. */
    private static final int KB = 64;

    private InPlaceProducts() {
    }

    /**
     * C[i*ldc + j] = sum over t below k of A[i*lda + t] * B[j*ldb + t], for i below m and j below n. Along k in
     * blocks of {@link #KD}: a block of A's rows (m x KD) stays in L2 while every tile of B's rows passes, and each
     * C element is the sum of its blocks' dot products, in block order.
     */
    static void dots(int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int tilesN = (n + 3) / 4;
        Parallel.forRange(tilesN, 4, (lo, hi) -> {
            float[] tile = new float[16];
            for (int t0 = 0; t0 < k; t0 += KD) {
                int kd = Math.min(KD, k - t0);
                boolean accumulate = t0 > 0;
                for (int tj = lo; tj < hi; tj++) {
                    int j = tj * 4;
                    int nj = Math.min(4, n - j);
                    for (int i = 0; i < m; i += 4) {
                        int mi = Math.min(4, m - i);
                        if (SIMD && mi == 4 && nj == 4) {
                            VectorLoops.dot4x4(a, i * lda + t0, lda, b, j * ldb + t0, ldb, kd, tile, 0, 4);
                        } else {
                            for (int ii = 0; ii < mi; ii++) {
                                for (int jj = 0; jj < nj; jj++) {
                                    tile[ii * 4 + jj] = dot(a, (i + ii) * lda + t0, b, (j + jj) * ldb + t0, kd);
                                }
                            }
                        }
                        for (int ii = 0; ii < mi; ii++) {
                            for (int jj = 0; jj < nj; jj++) {
                                int ci = (i + ii) * ldc + j + jj;
                                c[ci] = accumulate ? c[ci] + tile[ii * 4 + jj] : tile[ii * 4 + jj];
                            }
                        }
                    }
                }
            }
        });
    }

    private static float dot(float[] a, int a0, float[] b, int b0, int k) {
        return SIMD ? VectorLoops.dot1(a, a0, b, b0, k) : dotPlain(a, a0, b, b0, k);
    }

    static float dotPlain(float[] a, int a0, float[] b, int b0, int k) {
        float s = 0f;
        for (int t = 0; t < k; t++) {
            s = Math.fma(a[a0 + t], b[b0 + t], s);
        }
        return s;
    }

    /** C[i*ldc + j] = sum over p below k, in order, of A[i*lda + p] * B[p*ldb + j], for i below m and j below n. */
    static void rows(int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, int ldc) {
        int mFull = m / 4 * 4;
        int[] bRows = new int[KB];
        for (int q = 0; q < KB; q++) {
            bRows[q] = q * ldb;
        }
        Parallel.forRange(n, SLAB, (lo, hi) -> {
            // k in blocks of KB rows of B: a block (KB x SLAB, read as SLAB-long runs) stays in cache while every row
            // tile of A passes, and the C block (m x SLAB) is continued from where the last block left it
            for (int p0 = 0; p0 < k; p0 += KB) {
                int kb = Math.min(KB, k - p0);
                boolean accumulate = p0 > 0;
                for (int i = 0; i < m; i += 4) {
                    int j = lo;
                    if (SIMD && i < mFull) {
                        int w = 4 * VectorLoops.lanes();
                        for (; j + w <= hi; j += w) {
                            VectorLoops.rows4x4(a, i * lda + p0, lda, b, p0 * ldb + j, bRows, kb, c, i * ldc + j,
                                    ldc, accumulate);
                        }
                    }
                    for (int ii = i; ii < Math.min(m, i + 4); ii++) {
                        rowsPlain(a, ii * lda, p0, kb, b, ldb, c, ii * ldc, j, hi);
                    }
                }
            }
        });
    }

    /**
     * Columns [j0, j1) of one row of {@link #rows} over the k block [p0, p0 + kb): the same chain of fused
     * multiply-adds as the SIMD block, continued from C after the first block.
     */
    private static void rowsPlain(float[] a, int a0, int p0, int kb, float[] b, int ldb, float[] c, int c0, int j0,
            int j1) {
        for (int j = j0; j < j1; j++) {
            float s = p0 == 0 ? 0f : c[c0 + j];
            for (int p = p0, bp = p0 * ldb + j; p < p0 + kb; p++, bp += ldb) {
                s = Math.fma(a[a0 + p], b[bp], s);
            }
            c[c0 + j] = s;
        }
    }
}
