package org.sargan.core.cpu;

/** The matrix product of two 2-D tensors, either read transposed (the CPU twin of linear_algebra.cu). */
final class CpuLinearAlgebra {
    private CpuLinearAlgebra() {
    }

    /**
     * C (m, n) = op(A) * op(B), where A is stored (rowsA, colsA) and B (rowsB, colsB) row-major, and op transposes
     * when its flag is set. The product is {@link Gemm}'s, which convolutions share.
     */
    static float[] matmul(float[] a, int rowsA, int colsA, boolean transA, float[] b, int rowsB, int colsB,
            boolean transB) {
        int m = transA ? colsA : rowsA;
        int k = transA ? rowsA : colsA;
        int n = transB ? rowsB : colsB;
        float[] c = ArrayPool.zeroed(m * n);
        Gemm.sgemm(m, n, k, a, 0, transA ? 1 : colsA, transA ? colsA : 1, b, 0, transB ? 1 : colsB,
                transB ? colsB : 1, c, 0, n, false);
        return c;
    }
}
