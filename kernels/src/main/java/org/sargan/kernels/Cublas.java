package org.sargan.kernels;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

/**
 * The optional cuBLAS GEMM (JCublas2), used where NVIDIA's libcublas.so.12 loads (a CUDA 12 installation). Where it
 * does not, for example on a machine with only CUDA 13 libraries, the hand-written sgemm kernels do the work and
 * {@link #reason} says why. cuBLAS is column-major: a row-major C = A' B' is computed as C^T = B'^T A'^T.
 */
final class Cublas {
    private final cublasHandle handle;
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    private Cublas(cublasHandle handle) {
        this.handle = handle;
    }

    /** The handle, or null with the reason in {@code why[0]}. */
    static Cublas open(String[] why) {
        if ("false".equals(System.getProperty("sargan.cuda.cublas"))) {
            why[0] = "off (-Dsargan.cuda.cublas=false)";
            return null;
        }
        try {
            cublasHandle h = new cublasHandle();
            int r = JCublas2.cublasCreate(h);
            if (r != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                why[0] = "cublasCreate failed with " + cublasStatus.stringFor(r);
                return null;
            }
            return new Cublas(h);
        } catch (LinkageError e) {
            String m = String.valueOf(e.getMessage());
            why[0] = m.contains("libcublas") ? "unavailable: libcublas.so.12 (CUDA 12) does not load here"
                    : "unavailable: JCublas2's native library does not load (it needs libcublas.so.12 from CUDA 12)";
            return null;
        }
    }

    /**
     * C (m, n) = A' (m, k) B' (k, n) with the strides of {@link CudaBackend#gemm}, when both operands have a unit
     * stride in one direction (every matrix of this engine does).
     *
     * @return false when the strides do not fit cuBLAS (the caller then uses its own kernel)
     */
    boolean sgemm(CudaStorage a, CudaStorage b, CudaStorage c, int m, int n, int k, int sai, int sak, int sbk, int sbj,
            String what) {
        int opX;
        int ldx;
        if (sbj == 1) {
            opX = cublasOperation.CUBLAS_OP_N;
            ldx = sbk;
        } else if (sbk == 1) {
            opX = cublasOperation.CUBLAS_OP_T;
            ldx = sbj;
        } else {
            return false;
        }
        int opY;
        int ldy;
        if (sak == 1) {
            opY = cublasOperation.CUBLAS_OP_N;
            ldy = sai;
        } else if (sai == 1) {
            opY = cublasOperation.CUBLAS_OP_T;
            ldy = sak;
        } else {
            return false;
        }
        int r = JCublas2.cublasSgemm(handle, opX, opY, n, m, k, ONE, b.pointer(), Math.max(1, ldx), a.pointer(),
                Math.max(1, ldy), ZERO, c.pointer(), n);
        if (r != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException("cuda: " + what + ": cublasSgemm failed with " + cublasStatus.stringFor(r));
        }
        return true;
    }
}
