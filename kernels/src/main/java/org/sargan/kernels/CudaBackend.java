package org.sargan.kernels;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import java.lang.ref.Reference;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.sargan.core.Backend;
import org.sargan.core.Binary;
import org.sargan.core.ConvGeometry;
import org.sargan.core.ConvSpec;
import org.sargan.core.Shape;
import org.sargan.core.Storage;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/**
 * The CUDA backend: every op of {@link Backend} as one or a few launches of the kernels in {@code src/main/cuda}.
 * Tensors stay in device memory from op to op; data crosses to the host only in {@link #upload} and
 * {@link #download}. All work goes to the driver's default stream, in order, so an op never waits for the host and
 * freed memory can be reused at once (see {@link DeviceMemory}).
 *
 * <p>Kernel launches are asynchronous: a fault inside a kernel surfaces at the next synchronising call. Run with
 * {@code -Dsargan.cuda.sync=true} to synchronise after every launch, so the failing op is the one named.
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";
    /**
     * Our GEMM kernels by the name -Dsargan.cuda.gemm takes: "naive" (sgemm_kernel1), "tiled" (sgemm_kernel2),
     * "vector" (sgemm_kernel3, the default). Naming one also keeps cuBLAS out.
     */
    public static final java.util.Map<String, String> GEMM_KERNELS = java.util.Map.of("naive", "sgemm_kernel1",
            "tiled", "sgemm_kernel2", "vector", "sgemm_kernel3");
    private static final boolean SYNC = Boolean.getBoolean("sargan.cuda.sync");
    private static final String JCUDA_VERSION = "12.6.0";
    /** The C tile of sgemm_kernel2 and 3 (TM, TN in gemm.cu), and the least K a split-K slice gets. */
    private static final int TILE = 128;
    private static final int MIN_SPLIT_K = 512;
    /** Planes up to NORM_THREADS * NORM_PER_THREAD pixels take the single-read instance-norm kernels (norm.cu). */
    private static final int NORM_THREADS = 512;
    private static final int NORM_REGISTER_PIXELS = 512 * 32;

    private final CudaDriver driver;
    private final DeviceMemory<CUdeviceptr> memory;
    /** Blocks of a grid-stride launch: a few full waves on every multiprocessor. */
    private final int maxBlocks;
    /** Whether the calling thread has made the context current (a JCuda context is per thread). */
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);
    private volatile String gemmKernel = "vector";
    private volatile boolean ownGemmChosen;
    /** cuBLAS where it loads and agrees with our kernel on a test product; else null and the reason. */
    private Cublas cublas;
    private String cublasReason;

    CudaBackend(CudaDriver driver) {
        this.driver = driver;
        long gcEvery = Long.getLong("sargan.cuda.gcEveryBytes", Math.max(1L << 30, driver.totalMemory / 4));
        this.memory = new DeviceMemory<>(new DeviceMemory.Raw<>() {
            @Override
            public CUdeviceptr alloc(long bytes) {
                CUdeviceptr p = new CUdeviceptr();
                int r = cuMemAlloc(p, bytes);
                if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                    return null;
                }
                CudaException.check(r, "cuMemAlloc", DeviceMemory.mib(bytes));
                return p;
            }

            @Override
            public void free(CUdeviceptr block) {
                cuMemFree(block);
            }
        }, gcEvery);
        this.maxBlocks = driver.multiprocessors * 32;
        String chosen = System.getProperty("sargan.cuda.gemm");
        if (chosen != null) {
            useGemmKernel(chosen);
        }
        String[] why = new String[1];
        Cublas candidate = Cublas.open(why);
        cublasReason = why[0];
        if (candidate != null) {
            cublasReason = selfCheck(candidate);
            cublas = cublasReason == null ? candidate : null;
        }
    }

    /**
     * cuBLAS is used only after it reproduces our own kernel on small products with every transpose (null when it
     * does; else why not). The reference GPU of this project has no CUDA 12 libraries, so this path is not measured
     * there: the check keeps a mistake in it from reaching anyone's results.
     */
    private String selfCheck(Cublas candidate) {
        java.util.Random r = new java.util.Random(7);
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
        CudaStorage a = (CudaStorage) upload(ha);
        CudaStorage b = (CudaStorage) upload(hb);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            int sai = ta ? 1 : k;
            int sak = ta ? m : 1;
            int sbk = tb ? 1 : n;
            int sbj = tb ? k : 1;
            CudaStorage ours = empty(m * n, "cublas check");
            CudaStorage theirs = empty(m * n, "cublas check");
            gemm(a, b, ours, m, n, k, sai, sak, sbk, sbj, "cublas check", null);
            candidate.sgemm(a, b, theirs, m, n, k, sai, sak, sbk, sbj, "cublas check");
            float[] x = download(ours);
            float[] y = download(theirs);
            for (int i = 0; i < x.length; i++) {
                if (!(Math.abs(x[i] - y[i]) <= 1e-3f * (1 + Math.abs(x[i])))) {
                    return "cuBLAS disagrees with " + GEMM_KERNELS.get(gemmKernel) + " (transposes " + ta + ", "
                            + tb + ", element " + i + ": " + y[i] + " vs " + x[i] + "): not used";
                }
            }
        }
        return null;
    }

    /** The CUDA backend of this JVM, or IllegalStateException "CUDA unavailable: reason". */
    public static CudaBackend create() {
        return Holder.get();
    }

    /** One backend per JVM (one device, one context). */
    private static final class Holder {
        private static CudaBackend backend;

        static synchronized CudaBackend get() {
            if (backend == null) {
                backend = new CudaBackend(CudaDriver.get());
            }
            return backend;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        String own = GEMM_KERNELS.get(gemmKernel) + " (" + gemmKernel + ")";
        String gemm = ownGemmChosen ? own + ", chosen" : cublas != null ? "cuBLAS (checked against " + own + ")"
                : own + "; cuBLAS " + cublasReason;
        return NAME + ": " + driver.describe() + ", GEMM " + gemm + ", convolution im2col + GEMM (cuDNN not bundled:"
                + " no jcudnn release matches jcuda " + JCUDA_VERSION + ")";
    }

    /** Chooses our GEMM kernel by name (a key of {@link #GEMM_KERNELS}); cuBLAS then stays out. */
    public void useGemmKernel(String name) {
        if (!GEMM_KERNELS.containsKey(name)) {
            throw new IllegalArgumentException("cuda: GEMM kernel '" + name + "' is unknown; expected one of "
                    + new java.util.TreeSet<>(GEMM_KERNELS.keySet()));
        }
        this.gemmKernel = name;
        this.ownGemmChosen = true;
    }

    DeviceMemory<CUdeviceptr> memory() {
        return memory;
    }

    /** Device memory statistics, for benchmarks and the GPU check. */
    public String memoryReport() {
        return memory.toString();
    }

    /** Waits for every launched kernel (for timing; reading data synchronises on its own). */
    public void synchronize() {
        bind();
        CudaException.check(cuCtxSynchronize(), "cuCtxSynchronize", "synchronize");
    }

    private void bind() {
        if (!bound.get()) {
            driver.bind();
            bound.set(true);
        }
    }

    // ---- memory ----

    private static CudaStorage storage(Tensor t, String op) {
        Storage s = t.storage();
        if (!(s instanceof CudaStorage cs)) {
            throw new IllegalArgumentException(op + ": tensor " + Shape.str(t.shape()) + " lives on backend "
                    + s.backend().name() + ", not cuda (move it with Tensor.to)");
        }
        return cs;
    }

    /** Device memory for n floats, contents undefined: for outputs a kernel writes completely. */
    private CudaStorage empty(int n, String what) {
        bind();
        return new CudaStorage(this, memory.allocate((long) Math.max(n, 1) * Sizeof.FLOAT, what), n);
    }

    private Tensor emptyTensor(int[] shape, String what) {
        return new Tensor(empty(Shape.numel(shape), what), shape);
    }

    @Override
    public Storage allocate(int n) {
        CudaStorage s = empty(n, "allocate " + n);
        if (n > 0) {
            CudaException.check(cuMemsetD32(s.pointer(), 0, n), "cuMemsetD32", "allocate " + n);
        }
        return s;
    }

    @Override
    public Storage upload(float[] host) {
        CudaStorage s = empty(host.length, "upload " + host.length);
        if (host.length > 0) {
            CudaException.check(cuMemcpyHtoD(s.pointer(), Pointer.to(host), (long) host.length * Sizeof.FLOAT),
                    "cuMemcpyHtoD", "upload " + host.length + " floats");
        }
        return s;
    }

    private CudaStorage uploadInts(int[] host, String what) {
        CudaStorage s = empty(host.length, what);
        if (host.length > 0) {
            CudaException.check(cuMemcpyHtoD(s.pointer(), Pointer.to(host), (long) host.length * Sizeof.INT),
                    "cuMemcpyHtoD", what);
        }
        return s;
    }

    @Override
    public float[] download(Storage storage) {
        CudaStorage s = (CudaStorage) storage;
        float[] host = new float[s.size()];
        if (host.length > 0) {
            bind();
            CudaException.check(cuMemcpyDtoH(Pointer.to(host), s.pointer(), (long) host.length * Sizeof.FLOAT),
                    "cuMemcpyDtoH", "download " + host.length + " floats (or an earlier kernel failed: run with"
                            + " -Dsargan.cuda.sync=true to find it)");
            Reference.reachabilityFence(s);
        }
        return host;
    }

    /** A device-to-device copy of x (cuMemcpyDtoD): the reference for "copy bandwidth" in the GPU check. */
    public Tensor copy(Tensor x) {
        String what = "copy " + Shape.str(x.shape());
        Tensor y = emptyTensor(x.shape(), what);
        if (x.numel() > 0) {
            CudaException.check(cuMemcpyDtoD(storage(y, what).pointer(), storage(x, what).pointer(),
                    (long) x.numel() * Sizeof.FLOAT), "cuMemcpyDtoD", what);
        }
        return y;
    }

    // ---- launching ----

    private void launch(String kernel, LaunchShape shape, KernelArgs args, String what) {
        bind();
        int r = cuLaunchKernel(driver.function(kernel), shape.gridX(), shape.gridY(), shape.gridZ(), shape.blockX(),
                shape.blockY(), shape.blockZ(), 0, null, args.toPointer(), null);
        if (r == CUresult.CUDA_SUCCESS && SYNC) {
            r = cuCtxSynchronize();
        }
        if (r != CUresult.CUDA_SUCCESS) {  // the message (every argument) is built only when it is needed
            CudaException.check(r, "launch of " + kernel + " " + shape + " " + args, what);
        }
        Reference.reachabilityFence(args);  // the storages must outlive the launch call
    }

    private LaunchShape linear(long n) {
        return LaunchShape.linear(n, maxBlocks);
    }

    // ---- element-wise ----

    /** The op codes of common.cuh (OP_NEG ...); a test checks the two lists agree. */
    static int unaryCode(Unary op) {
        return switch (op) {
            case NEG -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case SQRT -> 3;
            case ABS -> 4;
            case SIGN -> 5;
            case RELU -> 6;
            case LEAKY_RELU -> 7;
            case LEAKY_RELU_SLOPE -> 8;
            case TANH -> 9;
            case SIGMOID -> 10;
            case POW -> 11;
            case SCALE -> 12;
            case ADD_SCALAR -> 13;
        };
    }

    static int binaryCode(Binary op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
        };
    }

    @Override
    public Tensor unary(Unary op, Tensor x, float alpha) {
        String what = op.name().toLowerCase(java.util.Locale.ROOT) + " " + Shape.str(x.shape());
        Tensor y = emptyTensor(x.shape(), what);
        int n = x.numel();
        if (n > 0) {
            launch("unary_kernel", linear(n), new KernelArgs().ptr(storage(x, what)).ptr(storage(y, what)).i(n)
                    .i(unaryCode(op)).f(alpha), what);
        }
        return y;
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b, int[] outShape) {
        String what = op.name().toLowerCase(java.util.Locale.ROOT) + " " + Shape.str(a.shape()) + " "
                + Shape.str(b.shape());
        Tensor y = emptyTensor(outShape, what);
        int n = Shape.numel(outShape);
        if (n == 0) {
            return y;
        }
        KernelArgs args = new KernelArgs().ptr(storage(a, what)).ptr(storage(b, what)).ptr(storage(y, what)).i(n)
                .i(binaryCode(op));
        if (java.util.Arrays.equals(a.shape(), outShape) && java.util.Arrays.equals(b.shape(), outShape)) {
            launch("binary_same_kernel", linear(n), args, what);
        } else {
            int[] as = Shape.padLeft(a.shape(), outShape.length);
            int[] bs = Shape.padLeft(b.shape(), outShape.length);
            IndexPlan plan = IndexPlan.of(outShape, IndexPlan.broadcastStrides(as, outShape),
                    IndexPlan.broadcastStrides(bs, outShape));
            launch("binary_bcast_kernel", linear(n), args.ints(plan.pack()), what);
        }
        return y;
    }

    /** dst[dstOffset + plan.b] = src[srcOffset + plan.a] over the plan's shape. */
    private void copyStrided(CudaStorage src, int srcOffset, CudaStorage dst, int dstOffset, IndexPlan plan,
            String what) {
        long n = plan.numel();
        if (n == 0) {
            return;
        }
        launch("copy_strided_kernel", linear(n), new KernelArgs().ptr(src).ptr(dst).i((int) n).i(srcOffset)
                .i(dstOffset).ints(plan.pack()), what);
    }

    @Override
    public Tensor expand(Tensor x, int[] shape) {
        String what = "expand " + Shape.str(x.shape()) + " to " + Shape.str(shape);
        Tensor y = emptyTensor(shape, what);
        copyStrided(storage(x, what), 0, storage(y, what), 0,
                IndexPlan.of(shape, IndexPlan.broadcastStrides(x.shape(), shape), IndexPlan.contiguous(shape)), what);
        return y;
    }

    @Override
    public Tensor sumTo(Tensor x, int[] shape) {
        String what = "sum " + Shape.str(x.shape()) + " to " + Shape.str(shape);
        int[] xs = x.shape();
        int[] xStrides = IndexPlan.contiguous(xs);
        int rank = xs.length;
        int[] keptShape = new int[rank];
        int[] keptStride = new int[rank];
        int[] redShape = new int[rank];
        int[] redStride = new int[rank];
        for (int d = 0; d < rank; d++) {
            boolean reduced = shape[d] == 1 && xs[d] != 1;
            keptShape[d] = reduced ? 1 : xs[d];
            keptStride[d] = xStrides[d];
            redShape[d] = reduced ? xs[d] : 1;
            redStride[d] = xStrides[d];
        }
        int[] zeros = new int[rank];
        IndexPlan kept = IndexPlan.of(keptShape, keptStride, zeros);
        IndexPlan red = IndexPlan.of(redShape, redStride, zeros);
        int nOut = Shape.numel(shape);
        int nRed = (int) red.numel();
        if (nRed == 0) {  // an empty dimension summed away: zeros
            return new Tensor(allocate(nOut), shape);
        }
        Tensor y = emptyTensor(shape, what);
        if (nOut == 0) {
            return y;
        }
        if (nRed <= 64 || (nOut >= 4096 && nRed <= 1024)) {
            // many outputs, few summands each: a thread per output reads neighbouring outputs' values together
            launch("sum_to_thread_kernel", linear(nOut), new KernelArgs().ptr(storage(x, what)).ptr(storage(y, what))
                    .i(nOut).i(nRed).ints(kept.pack()).ints(red.pack()), what);
            return y;
        }
        int splits = sumSplits(nOut, nRed, driver.multiprocessors);
        int chunk = (nRed + splits - 1) / splits;
        CudaStorage partial = splits == 1 ? storage(y, what) : empty(splits * nOut, what + " partial sums");
        launch("sum_to_block_kernel", new LaunchShape(Math.min(nOut, 65535), splits, 1, 256, 1, 1), new KernelArgs()
                .ptr(storage(x, what)).ptr(partial).i(nOut).i(nRed).i(chunk).ints(kept.pack()).ints(red.pack()),
                what);
        if (splits > 1) {
            launch("sum_splits_kernel", linear(nOut), new KernelArgs().ptr(partial).ptr(storage(y, what)).i(nOut)
                    .i(splits), what);
            partial.release();
        }
        return y;
    }

    /**
     * Slices to cut a long reduction into when its outputs are too few to fill the GPU: about eight blocks per
     * multiprocessor, each slice at least 4096 summands.
     */
    static int sumSplits(int nOut, int nRed, int multiprocessors) {
        int wanted = 8 * multiprocessors / Math.max(1, nOut);
        return Math.max(1, Math.min(Math.min(wanted, nRed / 4096), LaunchShape.MAX_GRID_YZ));
    }

    // ---- softmax and cross-entropy ----

    @Override
    public Tensor softmax(Tensor x) {
        String what = "softmax " + Shape.str(x.shape());
        Tensor y = emptyTensor(x.shape(), what);
        int rows = x.dim(0);
        int k = x.dim(1);
        if (x.numel() > 0) {
            launch("softmax_kernel", LaunchShape.perRow(rows, 256, 65535), new KernelArgs().ptr(storage(x, what))
                    .ptr(storage(y, what)).i(rows).i(k), what);
        }
        return y;
    }

    @Override
    public Tensor crossEntropy(Tensor logits, int[] labels) {
        String what = "cross_entropy " + Shape.str(logits.shape());
        CudaStorage l = uploadInts(labels, what);
        Tensor loss = emptyTensor(new int[0], what);
        launch("cross_entropy_kernel", new LaunchShape(1, 1, 1, 256, 1, 1), new KernelArgs()
                .ptr(storage(logits, what)).ptr(l).ptr(storage(loss, what)).i(logits.dim(0)).i(logits.dim(1)), what);
        l.release();
        return loss;
    }

    // ---- GEMM ----

    /**
     * C (m, n) = A' (m, k) * B' (k, n) with A'(i, p) = A[i * sai + p * sak] and B'(p, j) = B[p * sbk + j * sbj].
     * Thin products with a long K are split along K into partial products that a second kernel sums.
     */
    void gemm(CudaStorage a, CudaStorage b, CudaStorage c, int m, int n, int k, int sai, int sak, int sbk, int sbj,
            String what) {
        gemm(a, b, c, m, n, k, sai, sak, sbk, sbj, what, ownGemmChosen ? null : cublas);
    }

    private void gemm(CudaStorage a, CudaStorage b, CudaStorage c, int m, int n, int k, int sai, int sak, int sbk,
            int sbj, String what, Cublas blas) {
        if ((long) m * n == 0) {
            return;
        }
        if (k == 0) {
            CudaException.check(cuMemsetD32(c.pointer(), 0, (long) m * n), "cuMemsetD32", what);
            return;
        }
        if (blas != null && blas.sgemm(a, b, c, m, n, k, sai, sak, sbk, sbj, what)) {
            return;
        }
        String kernel = GEMM_KERNELS.get(gemmKernel);
        if (kernel.equals("sgemm_kernel1")) {
            launch(kernel, linear((long) m * n), new KernelArgs().ptr(a).ptr(b).ptr(c).i(m).i(n).i(k)
                    .i(sai).i(sak).i(sbk).i(sbj), what);
            return;
        }
        int splits = LaunchShape.splitK(m, n, k, TILE, TILE, driver.multiprocessors, MIN_SPLIT_K);
        if (splits == 1) {
            launch(kernel, LaunchShape.tiles(m, n, TILE, TILE, 1, 256), new KernelArgs().ptr(a).ptr(b)
                    .ptr(c).i(m).i(n).i(k).i(k).i(sai).i(sak).i(sbk).i(sbj), what);
            return;
        }
        int kPerSplit = (k + splits - 1) / splits;
        kPerSplit = (kPerSplit + 7) / 8 * 8;  // whole K tiles per slice
        splits = (k + kPerSplit - 1) / kPerSplit;
        CudaStorage partial = empty(splits * m * n, what + " split-K partials");
        launch(kernel, LaunchShape.tiles(m, n, TILE, TILE, splits, 256), new KernelArgs().ptr(a).ptr(b)
                .ptr(partial).i(m).i(n).i(k).i(kPerSplit).i(sai).i(sak).i(sbk).i(sbj), what);
        launch("sum_splits_kernel", linear((long) m * n), new KernelArgs().ptr(partial).ptr(c).i(m * n).i(splits),
                what);
        partial.release();
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        String what = "matmul " + Shape.str(a.shape()) + (transA ? "^T" : "") + " x " + Shape.str(b.shape())
                + (transB ? "^T" : "");
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int n = transB ? b.dim(0) : b.dim(1);
        int lda = a.dim(1);
        int ldb = b.dim(1);
        Tensor c = emptyTensor(new int[] {m, n}, what);
        gemm(storage(a, what), storage(b, what), storage(c, what), m, n, k, transA ? 1 : lda, transA ? lda : 1,
                transB ? 1 : ldb, transB ? ldb : 1, what);
        return c;
    }

    // ---- convolution ----

    /** The im2col matrix is (K = cin*kh*kw, P = n*ho*wo); the kernels take the geometry as ten ints. */
    private static KernelArgs geometry(KernelArgs a, ConvGeometry g) {
        return a.i(g.n()).i(g.cin()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.ho())
                .i(g.wo());
    }

    private static int pixels(ConvGeometry g) {
        return g.n() * g.outPixels();
    }

    private CudaStorage im2col(CudaStorage x, ConvGeometry g, String what) {
        int size = g.patch() * pixels(g);
        CudaStorage cols = empty(size, what + " im2col");
        launch("im2col_kernel", linear(size), geometry(new KernelArgs().ptr(x).ptr(cols), g), what);
        return cols;
    }

    /** (A, B, R) -> (B, A, R): between the GEMM's (Cout, N*HoWo) and the tensor's (N, Cout, HoWo). */
    private CudaStorage swap01(CudaStorage src, int a, int b, int r, String what) {
        CudaStorage dst = empty(a * b * r, what + " permute");
        // walk the destination (B, A, R) in order; the source steps r along B and b*r along A
        copyStrided(src, 0, dst, 0, IndexPlan.of(new int[] {b, a, r}, new int[] {r, b * r, 1},
                new int[] {a * r, r, 1}), what);
        return dst;
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, ConvSpec spec) {
        String what = "conv2d " + Shape.str(x.shape()) + " * " + Shape.str(w.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), spec);
        int k = g.patch();
        int p = pixels(g);
        CudaStorage cols = im2col(storage(x, what), g, what);  // (K, P)
        CudaStorage yT = empty(g.cout() * p, what);  // (Cout, N, Ho*Wo)
        gemm(storage(w, what), cols, yT, g.cout(), p, k, k, 1, p, 1, what);
        cols.release();
        Tensor y = new Tensor(swap01(yT, g.cout(), g.n(), g.outPixels(), what),
                new int[] {g.n(), g.cout(), g.ho(), g.wo()});
        yT.release();
        return y;
    }

    @Override
    public Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
        String what = "conv2d input grad " + Shape.str(gy.shape()) + " * " + Shape.str(w.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(xShape, w.shape(), spec);
        int k = g.patch();
        int p = pixels(g);
        CudaStorage gT = swap01(storage(gy, what), g.n(), g.cout(), g.outPixels(), what);  // (Cout, N*HoWo)
        CudaStorage dcols = empty(k * p, what + " dcols");
        // dcols (K, P) = W^T (K, Cout) * gT (Cout, P); W is (Cout, K), read transposed
        gemm(storage(w, what), gT, dcols, k, p, g.cout(), 1, k, p, 1, what);
        Tensor dx = emptyTensor(xShape, what);
        launch("col2im_kernel", linear(Shape.numel(xShape)), geometry(new KernelArgs().ptr(dcols).ptr(storage(dx,
                what)), g), what);
        gT.release();
        dcols.release();
        return dx;
    }

    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
        String what = "conv2d weight grad " + Shape.str(x.shape()) + ", " + Shape.str(gy.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(x.shape(), wShape, spec);
        int p = pixels(g);
        CudaStorage cols = im2col(storage(x, what), g, what);  // (K, P)
        CudaStorage gT = swap01(storage(gy, what), g.n(), g.cout(), g.outPixels(), what);  // (Cout, P)
        Tensor dw = emptyTensor(wShape, what);
        // dW (Cout, K) = gT (Cout, P) * cols^T (P, K)
        gemm(gT, cols, storage(dw, what), g.cout(), g.patch(), p, p, 1, 1, p, what);
        cols.release();
        gT.release();
        return dw;
    }

    // ---- spatial ----

    @Override
    public Tensor reflectionPad(Tensor x, int pad) {
        String what = "reflection_pad " + Shape.str(x.shape()) + " by " + pad;
        int[] s = x.shape();
        Tensor y = emptyTensor(new int[] {s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad}, what);
        if (y.numel() > 0) {
            launch("reflect_pad_kernel", linear(y.numel()), new KernelArgs().ptr(storage(x, what))
                    .ptr(storage(y, what)).i(s[0] * s[1]).i(s[2]).i(s[3]).i(pad), what);
        }
        return y;
    }

    @Override
    public Tensor reflectionPadGrad(Tensor gy, int pad) {
        String what = "reflection_pad grad " + Shape.str(gy.shape()) + " by " + pad;
        int[] s = gy.shape();
        int h = s[2] - 2 * pad;
        int w = s[3] - 2 * pad;
        Tensor dx = emptyTensor(new int[] {s[0], s[1], h, w}, what);
        if (dx.numel() > 0) {
            launch("reflect_pad_grad_kernel", linear(dx.numel()), new KernelArgs().ptr(storage(gy, what))
                    .ptr(storage(dx, what)).i(s[0] * s[1]).i(h).i(w).i(pad), what);
        }
        return dx;
    }

    @Override
    public Tensor upsample2x(Tensor x) {
        String what = "upsample2x " + Shape.str(x.shape());
        int[] s = x.shape();
        Tensor y = emptyTensor(new int[] {s[0], s[1], 2 * s[2], 2 * s[3]}, what);
        if (y.numel() > 0) {
            launch("upsample2x_kernel", linear(y.numel()), new KernelArgs().ptr(storage(x, what))
                    .ptr(storage(y, what)).i(s[0] * s[1]).i(s[2]).i(s[3]), what);
        }
        return y;
    }

    @Override
    public Tensor upsample2xGrad(Tensor gy) {
        String what = "upsample2x grad " + Shape.str(gy.shape());
        int[] s = gy.shape();
        Tensor dx = emptyTensor(new int[] {s[0], s[1], s[2] / 2, s[3] / 2}, what);
        if (dx.numel() > 0) {
            launch("upsample2x_grad_kernel", linear(dx.numel()), new KernelArgs().ptr(storage(gy, what))
                    .ptr(storage(dx, what)).i(s[0] * s[1]).i(s[2] / 2).i(s[3] / 2), what);
        }
        return dx;
    }

    /** Copies rows of {@code len} floats: source row r at r*srcRow + srcOff, destination at r*dstRow + dstOff. */
    private void copyRows(CudaStorage src, int srcRow, int srcOff, CudaStorage dst, int dstRow, int dstOff, int rows,
            int len, String what) {
        copyStrided(src, srcOff, dst, dstOff, IndexPlan.of(new int[] {rows, len}, new int[] {srcRow, 1},
                new int[] {dstRow, 1}), what);
    }

    @Override
    public Tensor concat(Tensor[] xs, int dim) {
        int[] out = xs[0].shape();
        out[dim] = 0;
        for (Tensor t : xs) {
            out[dim] += t.dim(dim);
        }
        String what = "concat " + xs.length + " tensors to " + Shape.str(out) + " along " + dim;
        Tensor y = emptyTensor(out, what);
        int in = Shape.inner(out, dim);
        int rows = Shape.outer(out, dim);
        int off = 0;
        for (Tensor t : xs) {
            int len = t.dim(dim) * in;
            copyRows(storage(t, what), len, 0, storage(y, what), out[dim] * in, off, rows, len, what);
            off += len;
        }
        return y;
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int[] s = x.shape();
        String what = "narrow " + Shape.str(s) + " dim " + dim + " [" + start + ", " + (start + length) + ")";
        int[] out = s.clone();
        out[dim] = length;
        Tensor y = emptyTensor(out, what);
        int in = Shape.inner(s, dim);
        copyRows(storage(x, what), s[dim] * in, start * in, storage(y, what), length * in, 0, Shape.outer(s, dim),
                length * in, what);
        return y;
    }

    @Override
    public Tensor unnarrow(Tensor gy, int dim, int start, int size) {
        int[] s = gy.shape();
        String what = "unnarrow " + Shape.str(s) + " dim " + dim + " at " + start + " of " + size;
        int[] out = s.clone();
        out[dim] = size;
        Tensor y = new Tensor(allocate(Shape.numel(out)), out);
        int in = Shape.inner(s, dim);
        copyRows(storage(gy, what), s[dim] * in, 0, storage(y, what), size * in, start * in, Shape.outer(s, dim),
                s[dim] * in, what);
        return y;
    }

    // ---- fused ----

    /** Threads per instance-norm plane: about 8 pixels each, a power of two in [64, 512] (norm.cu). */
    static int normThreads(int hw) {
        int want = Math.max(64, Math.min(NORM_THREADS, Integer.highestOneBit(Math.max(1, (hw + 7) / 8) - 1) << 1));
        return hw > NORM_REGISTER_PIXELS ? NORM_THREADS : want;
    }

    @Override
    public Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        String what = "instance_norm " + Shape.str(x.shape());
        int[] s = x.shape();
        int planes = s[0] * s[1];
        int hw = s[2] * s[3];
        Tensor y = emptyTensor(s, what);
        Tensor mean = emptyTensor(new int[] {s[0], s[1]}, what);
        Tensor rstd = emptyTensor(new int[] {s[0], s[1]}, what);
        if (planes > 0 && hw > 0) {
            launch(hw <= NORM_REGISTER_PIXELS ? "instnorm_fwd_kernel" : "instnorm_fwd_big_kernel",
                    new LaunchShape(planes, 1, 1, normThreads(hw), 1, 1), new KernelArgs().ptr(storage(x, what))
                            .ptr(storage(gamma, what)).ptr(storage(beta, what)).ptr(storage(y, what))
                            .ptr(storage(mean, what)).ptr(storage(rstd, what)).i(s[1]).i(hw).f(eps), what);
        }
        return new Tensor[] {y, mean, rstd};
    }

    @Override
    public Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        String what = "instance_norm grad " + Shape.str(x.shape());
        int[] s = x.shape();
        int planes = s[0] * s[1];
        int hw = s[2] * s[3];
        Tensor dx = emptyTensor(s, what);
        Tensor dgamma = emptyTensor(gamma.shape(), what);
        Tensor dbeta = emptyTensor(gamma.shape(), what);
        if (planes == 0 || hw == 0) {
            return new Tensor[] {dx, new Tensor(allocate(s[1]), gamma.shape()), new Tensor(allocate(s[1]),
                    gamma.shape())};
        }
        CudaStorage sumGy = empty(planes, what);
        CudaStorage sumGyXhat = empty(planes, what);
        launch(hw <= NORM_REGISTER_PIXELS ? "instnorm_bwd_kernel" : "instnorm_bwd_big_kernel",
                new LaunchShape(planes, 1, 1, normThreads(hw), 1, 1), new KernelArgs().ptr(storage(gy, what))
                        .ptr(storage(x, what)).ptr(storage(gamma, what)).ptr(storage(mean, what))
                        .ptr(storage(rstd, what)).ptr(storage(dx, what)).ptr(sumGy).ptr(sumGyXhat).i(s[1]).i(hw),
                what);
        launch("instnorm_param_grad_kernel", linear(s[1]), new KernelArgs().ptr(sumGy).ptr(sumGyXhat)
                .ptr(storage(dgamma, what)).ptr(storage(dbeta, what)).i(s[0]).i(s[1]), what);
        sumGy.release();
        sumGyXhat.release();
        return new Tensor[] {dx, dgamma, dbeta};
    }

    @Override
    public Tensor attentionGate(Tensor identity, Tensor h, Tensor z) {
        String what = "attention_gate " + Shape.str(h.shape());
        int[] s = h.shape();
        Tensor y = emptyTensor(s, what);
        int total = h.numel();
        if (total > 0) {
            int hw = s[2] * s[3];
            int planes = s[0] * s[1];
            LaunchShape grid = new LaunchShape(LaunchShape.ceilDiv(hw, LaunchShape.THREADS), Math.min(planes,
                    LaunchShape.MAX_GRID_YZ), 1, LaunchShape.THREADS, 1, 1);
            launch("attention_gate_kernel", grid, new KernelArgs().ptr(storage(identity, what))
                    .ptr(storage(h, what)).ptr(storage(z, what)).ptr(storage(y, what)).i(s[1]).i(hw).i(planes),
                    what);
        }
        return y;
    }

    @Override
    public Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z) {
        String what = "attention_gate grad " + Shape.str(h.shape());
        int[] s = h.shape();
        int hw = s[2] * s[3];
        Tensor dh = emptyTensor(s, what);
        Tensor dz = emptyTensor(z.shape(), what);
        int pixels = s[0] * hw;
        if (pixels > 0) {
            // 32 pixels x 32 channel groups per block (GATE_PIX, GATE_GROUPS in attention.cu)
            launch("attention_gate_grad_kernel", new LaunchShape(LaunchShape.ceilDiv(pixels, 32), 1, 1, 32, 32, 1),
                    new KernelArgs().ptr(storage(gy, what)).ptr(storage(h, what)).ptr(storage(z, what))
                            .ptr(storage(dh, what)).ptr(storage(dz, what)).i(s[0]).i(s[1]).i(hw), what);
        }
        return new Tensor[] {dh, dz};
    }

    @Override
    public Tensor[] adamUpdate(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1,
            float beta2, float eps) {
        String what = "adam " + Shape.str(p.shape());
        int n = p.numel();
        Tensor pOut = emptyTensor(p.shape(), what);
        Tensor mOut = emptyTensor(p.shape(), what);
        Tensor vOut = emptyTensor(p.shape(), what);
        boolean first = m == null;
        if (n > 0) {
            CudaStorage ms = first ? storage(g, what) : storage(m, what);  // not read on the first step
            CudaStorage vs = first ? storage(g, what) : storage(v, what);
            launch("adam_kernel", linear(n), new KernelArgs().ptr(storage(p, what)).ptr(storage(g, what)).ptr(ms)
                    .ptr(vs).ptr(storage(pOut, what)).ptr(storage(mOut, what)).ptr(storage(vOut, what)).i(n)
                    .f(lrOverC1).f(invC2).f(beta1).f(beta2).f(eps).i(first ? 1 : 0), what);
        }
        return new Tensor[] {pOut, mOut, vOut};
    }
}
