package org.sargan.core.cpu;

/**
 * C (m x n) = W (m x k) * B, with B given as its transpose bT (n x k, row-major): a product whose left operand is a
 * large weight matrix, read once, in place, and whose right operand is small. The discriminator's last layers are
 * the case ({@link SmallImageConvolutions}): W is Cout x patch (up to 1024 x 8192, 32 MiB) and B the batch's
 * im2col, 32-256 columns (images x output pixels). Packing W as GEMM panels cost more than the multiply; the dot
 * products of {@link InPlaceProducts#dots} read it in place but ran at 209-261 GFLOP/s (AMD Zen 5, 2 threads, the
 * harness of {@link #KC}), a horizontal sum per 4 x 4 block and as many loads as multiply-adds.
 *
 * <p>Here only B is packed (into the SIMD micro-kernel's panels, once, shared by the threads) and the micro-kernel
 * broadcasts W's values straight from 8 of its rows ({@link VectorGemmKernel#runRowsA8}): the GEMM's own inner loop,
 * with W streamed from memory once per product, each row block reused from L1 for every panel of B. The threads
 * split W's rows, so every element of C gets the same sums in the same k order (blocks of {@link #KC}) whatever
 * the thread count.
 */
final class WeightRowsProduct {
    /**
     * Depth of one block. Measured on 1024 x 8192 x 32 and three other D shapes (harness, AMD Zen 5, 2 threads):
     * 247-317 GFLOP/s with 128, 263-283 with 256, 253-310 with 64, 268-287 with 512-2048 (the dot products:
     * 209-261). The ranges overlap: 128 had the best top of the range, not a clear win; a guess at why smaller
     * blocks help, not measured: W's 8 rows are a power-of-two distance apart in the discriminator (8,192 floats),
     * so the 8 lines the kernel reads from them fall in one L1 set, beside the B panel block (kc x 32 floats).
     */
    private static final int KC = 128;
    /** Rows of W per task: a few tasks per thread for balance, each a whole number of 8-row blocks. */
    private static final int TASK_ROWS = 64;

    private WeightRowsProduct() {
    }

    /** Whether this product can run here: the SIMD kernel with 8-row tiles (512-bit vectors) and whole row blocks. */
    static boolean applies(int m) {
        return SimdSupport.enabled() && VectorGemmKernel.MR == 8 && m % 8 == 0 && m > 0;
    }

    /**
     * Returns C with rows of {@link #paddedColumns}(n) floats (the columns past n hold products with zero columns):
     * C[i * ldc + j] = sum over p of w[i * ldw + p] * bT[j * ldb + p].
     */
    static float[] multiply(int m, int n, int k, float[] w, int ldw, float[] bT, int ldb) {
        if (!applies(m)) {
            throw new IllegalArgumentException("weight-rows product: needs the 8-row SIMD kernel and rows in blocks of"
                    + " 8; got " + m + " rows, kernel rows " + (SimdSupport.enabled() ? VectorGemmKernel.MR : 0));
        }
        int nr = VectorGemmKernel.NR;
        int ldc = paddedColumns(n);
        int panels = ldc / nr;
        // panel q, k block starting at pc: kc x nr floats at q * k * nr + pc * nr, k-major
        float[] bp = ArrayPool.dirty(panels * k * nr);
        Parallel.forEach(panels, q -> {
            int j0 = q * nr;
            int base = q * k * nr;
            for (int j = 0; j < nr; j++) {
                int col = j0 + j;
                if (col < n) {
                    int src = col * ldb;
                    for (int p = 0; p < k; p++) {
                        bp[base + p * nr + j] = bT[src + p];
                    }
                } else {
                    for (int p = 0; p < k; p++) {
                        bp[base + p * nr + j] = 0f;
                    }
                }
            }
        });
        float[] c = ArrayPool.dirty(m * ldc);
        int tasks = (m + TASK_ROWS - 1) / TASK_ROWS;
        Parallel.forEach(tasks, t -> {
            int i1 = Math.min(m, (t + 1) * TASK_ROWS);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                for (int i = t * TASK_ROWS; i < i1; i += 8) {
                    for (int q = 0; q < panels; q++) {
                        VectorGemmKernel.runRowsA8(kc, w, i * ldw + pc, ldw, bp, q * k * nr + pc * nr, c,
                                i * ldc + q * nr, ldc, pc == 0);
                    }
                }
            }
        });
        ArrayPool.give(bp);
        return c;
    }

    /** n rounded up to whole panels of the micro-kernel: the row length of {@link #multiply}'s result. */
    static int paddedColumns(int n) {
        int nr = VectorGemmKernel.NR;
        return (n + nr - 1) / nr * nr;
    }
}
