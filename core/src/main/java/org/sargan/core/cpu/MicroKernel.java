package org.sargan.core.cpu;

import java.util.Arrays;

/**
 * The innermost GEMM loop: an MR x NR block of C from packed panels of A (MR rows, k-major) and B (NR columns,
 * k-major). Every implementation accumulates each C element as a chain of fused multiply-adds in k order starting
 * from zero, then stores (or adds) it: so all kernels give bit-identical results, whatever MR and NR.
 */
interface MicroKernel {
    int mr();

    int nr();

    /**
     * @param overwrite store the block into C (first k block) instead of adding it
     */
    void run(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, boolean overwrite);

    /** The plain-Java kernel: the reference, and the fallback when the Vector API is not enabled. */
    final class Scalar implements MicroKernel {
        static final int MR = 8;
        static final int NR = 16;
        private final ThreadLocal<float[]> acc = ThreadLocal.withInitial(() -> new float[MR * NR]);

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
            float[] t = acc.get();
            Arrays.fill(t, 0f);
            for (int p = 0; p < kc; p++) {
                int ap = ao + p * MR;
                int bp = bo + p * NR;
                for (int i = 0; i < MR; i++) {
                    float ai = a[ap + i];
                    int ti = i * NR;
                    for (int j = 0; j < NR; j++) {
                        t[ti + j] = Math.fma(ai, b[bp + j], t[ti + j]);
                    }
                }
            }
            for (int i = 0; i < MR; i++) {
                int ci = co + i * ldc;
                for (int j = 0; j < NR; j++) {
                    c[ci + j] = overwrite ? t[i * NR + j] : c[ci + j] + t[i * NR + j];
                }
            }
        }
    }
}
