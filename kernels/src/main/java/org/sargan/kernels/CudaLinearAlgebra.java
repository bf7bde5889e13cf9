package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import jcuda.Pointer;
import jcuda.Sizeof;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Linear-algebra family on the GPU: the matrix product, by one of our sgemm kernels (linear_algebra.cu) or by
 * cuBLAS where it loads and agrees with ours. Thin products with a long K are split along K into partial products
 * that {@link CudaReductions#sumSplits} adds in order.
 */
final class CudaLinearAlgebra {
    /**
     * Our GEMM kernels by the name -Dsargan.cuda.gemm takes: "naive" (sgemm_kernel1), "tiled" (sgemm_kernel2),
     * "vector" (sgemm_kernel3, the default). Naming one also keeps cuBLAS out.
     */
    static final Map<String, String> GEMM_KERNELS = Map.of("naive", "sgemm_kernel1", "tiled", "sgemm_kernel2",
            "vector", "sgemm_kernel3");
    /** The C tile of sgemm_kernel2 and 3 (TM = TN in linear_algebra.cu). */
    static final int TILE = 128;
    /** The K step of one staged tile (TK in linear_algebra.cu): a split-K slice is a whole number of them. */
    static final int K_STEP = 8;
    /** Threads per block of sgemm_kernel2 and 3 (GEMM_THREADS in linear_algebra.cu). */
    static final int GEMM_THREADS = 256;
    /** The least K a split-K slice gets, so that a slice is worth its partial-result traffic. */
    private static final int MIN_SPLIT_K = 512;

    private final Launcher gpu;
    private final CudaReductions reductions;
    private volatile String gemmKernel = "vector";
    private volatile boolean ownGemmChosen;
    /** cuBLAS where it loads and agrees with our kernel on a test product; else null and the reason. */
    private final Cublas cublas;
    private final String cublasReason;

    CudaLinearAlgebra(Launcher gpu, CudaReductions reductions) {
        this.gpu = gpu;
        this.reductions = reductions;
        String chosen = System.getProperty("sargan.cuda.gemm");
        if (chosen != null) {
            useGemmKernel(chosen);
        }
        String[] why = new String[1];
        Cublas candidate = Cublas.open(why);
        String reason = why[0];
        if (candidate != null) {
            reason = selfCheck(candidate);
        }
        this.cublasReason = reason;
        this.cublas = candidate != null && reason == null ? candidate : null;
    }

    /** Chooses our GEMM kernel by name (a key of {@link #GEMM_KERNELS}); cuBLAS then stays out. */
    void useGemmKernel(String name) {
        if (!GEMM_KERNELS.containsKey(name)) {
            throw new IllegalArgumentException("cuda: GEMM kernel '" + name + "' is unknown; expected one of "
                    + new TreeSet<>(GEMM_KERNELS.keySet()));
        }
        this.gemmKernel = name;
        this.ownGemmChosen = true;
    }

    /** Which GEMM runs, for {@code sargan info}. */
    String describe() {
        String own = GEMM_KERNELS.get(gemmKernel) + " (" + gemmKernel + ")";
        return ownGemmChosen ? own + ", chosen" : cublas != null ? "cuBLAS (checked against " + own + ")"
                : own + "; cuBLAS " + cublasReason;
    }

    /**
     * cuBLAS is used only after it reproduces our own kernel on small products with every transpose (null when it
     * does; else why not). The reference GPU of this project has no CUDA 12 libraries, so this path is not measured
     * there: the check keeps a mistake in it from reaching anyone's results.
     */
    private String selfCheck(Cublas candidate) {
        Random r = new Random(7);
        int m = 67;
        int n = 45;
        int k = 33;
        float[] ha = new float[m * k];
        float[] hb = new float[k * n];
        for (int i = 0; i < ha.length; i++) {
            ha[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < hb.length; i++) {
            hb[i] = (float) r.nextGaussian();
        }
        CudaStorage a = gpu.upload(Pointer.to(ha), ha.length, Sizeof.FLOAT, "cublas check");
        CudaStorage b = gpu.upload(Pointer.to(hb), hb.length, Sizeof.FLOAT, "cublas check");
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            int sai = ta ? 1 : k;
            int sak = ta ? m : 1;
            int sbk = tb ? 1 : n;
            int sbj = tb ? k : 1;
            CudaStorage ours = gpu.empty(m * n, "cublas check");
            CudaStorage theirs = gpu.empty(m * n, "cublas check");
            gemm(a, b, ours, m, n, k, sai, sak, sbk, sbj, "cublas check", null);
            candidate.sgemm(a, b, theirs, m, n, k, sai, sak, sbk, sbj, "cublas check");
            float[] x = gpu.download(ours);
            float[] y = gpu.download(theirs);
            for (int i = 0; i < x.length; i++) {
                if (!(Math.abs(x[i] - y[i]) <= 1e-3f * (1 + Math.abs(x[i])))) {
                    return "cuBLAS disagrees with " + GEMM_KERNELS.get(gemmKernel) + " (transposes " + ta + ", "
                            + tb + ", element " + i + ": " + y[i] + " vs " + x[i] + "): not used";
                }
            }
        }
        return null;
    }

    Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        String what = "matmul " + Shape.str(a.shape()) + (transA ? "^T" : "") + " x " + Shape.str(b.shape())
                + (transB ? "^T" : "");
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int n = transB ? b.dim(0) : b.dim(1);
        int lda = a.dim(1);
        int ldb = b.dim(1);
        Tensor c = gpu.emptyTensor(new int[] {m, n}, what);
        gemm(storage(a, what), storage(b, what), storage(c, what), m, n, k, transA ? 1 : lda, transA ? lda : 1,
                transB ? 1 : ldb, transB ? ldb : 1, what);
        return c;
    }

    /**
     * C (m, n) = A' (m, k) * B' (k, n) with A'(i, p) = A[i * sai + p * sak] and B'(p, j) = B[p * sbk + j * sbj].
     */
    void gemm(CudaStorage a, CudaStorage b, CudaStorage c, int m, int n, int k, int sai, int sak, int sbk, int sbj,
            String what) {
        gemm(a, b, c, m, n, k, sai, sak, sbk, sbj, what, ownGemmChosen ? null : cublas);
    }

    private void gemm(CudaStorage a, CudaStorage b, CudaStorage c, int m, int n, int k, int sai, int sak, int sbk,
            int sbj, String what, Cublas blas) {
        if (blas != null && blas.sgemm(a, b, c, m, n, k, sai, sak, sbk, sbj, what)) {
            return;
        }
        String kernel = GEMM_KERNELS.get(gemmKernel);
        if (kernel.equals("sgemm_kernel1")) {
            gpu.launch(kernel, gpu.linear((long) m * n), new KernelArgs().ptr(a).ptr(b).ptr(c).i(m).i(n).i(k)
                    .i(sai).i(sak).i(sbk).i(sbj), what);
            return;
        }
        int splits = LaunchShape.splitK(m, n, k, TILE, TILE, gpu.multiprocessors(), MIN_SPLIT_K);
        if (splits == 1) {
            gpu.launch(kernel, LaunchShape.tiles(m, n, TILE, TILE, 1, GEMM_THREADS), new KernelArgs().ptr(a).ptr(b)
                    .ptr(c).i(m).i(n).i(k).i(k).i(sai).i(sak).i(sbk).i(sbj), what);
            return;
        }
        int kPerSplit = kPerSplit(k, splits);
        splits = (k + kPerSplit - 1) / kPerSplit;
        CudaStorage partial = gpu.empty(splits * m * n, what + " split-K partials");
        gpu.launch(kernel, LaunchShape.tiles(m, n, TILE, TILE, splits, GEMM_THREADS), new KernelArgs().ptr(a).ptr(b)
                .ptr(partial).i(m).i(n).i(k).i(kPerSplit).i(sai).i(sak).i(sbk).i(sbj), what);
        reductions.sumSplits(partial, c, m * n, splits, what);
        partial.release();
    }

    /** K per split-K slice: k spread over the splits, rounded up to whole K steps (a kernel stages TK at a time). */
    static int kPerSplit(int k, int splits) {
        int perSplit = (k + splits - 1) / splits;
        return (perSplit + K_STEP - 1) / K_STEP * K_STEP;
    }
}
