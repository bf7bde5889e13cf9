package org.sargan.kernels;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static org.sargan.kernels.Launcher.storage;

import java.util.Map;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import org.sargan.core.Backend;
import org.sargan.core.Binary;
import org.sargan.core.ConvSpec;
import org.sargan.core.Shape;
import org.sargan.core.Storage;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/**
 * The CUDA backend: a dispatcher from each op of {@link Backend} to the class of its family, which bears the
 * family's name in every place it lives (instance norm: {@code ops.Normalization}, {@code CpuNormalization},
 * {@link CudaNormalization}, {@code normalization.cu}). Tensors stay in device memory from op to op; data crosses
 * to the host only in {@link #upload} and {@link #download}. All work goes to the driver's default stream, in
 * order, so an op never waits for the host and freed memory can be reused at once (see {@link DeviceMemory}).
 *
 * <p>Kernel launches are asynchronous: a fault inside a kernel surfaces at the next synchronising call. Run with
 * {@code -Dsargan.cuda.sync=true} to synchronise after every launch, so the failing op is the one named.
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";
    /** Our GEMM kernels by the name -Dsargan.cuda.gemm takes (see {@link #useGemmKernel}). */
    public static final Map<String, String> GEMM_KERNELS = CudaLinearAlgebra.GEMM_KERNELS;
    private static final String JCUDA_VERSION = "12.6.0";

    private final CudaDriver driver;
    private final Launcher gpu;
    private final CudaElementwise elementwise;
    private final CudaShapes shapes;
    private final CudaReductions reductions;
    private final CudaLinearAlgebra linearAlgebra;
    private final CudaConvolutions convolutions;
    private final CudaSpatial spatial;
    private final CudaNormalization normalization;
    private final CudaAttention attention;
    private final CudaLosses losses;
    private final CudaOptimiser optimiser;

    CudaBackend(CudaDriver driver) {
        this.driver = driver;
        this.gpu = new Launcher(driver, this);
        this.elementwise = new CudaElementwise(gpu);
        this.shapes = new CudaShapes(gpu);
        this.reductions = new CudaReductions(gpu, shapes);
        this.linearAlgebra = new CudaLinearAlgebra(gpu, reductions);
        this.convolutions = new CudaConvolutions(gpu, linearAlgebra, shapes);
        this.spatial = new CudaSpatial(gpu);
        this.normalization = new CudaNormalization(gpu);
        this.attention = new CudaAttention(gpu);
        this.losses = new CudaLosses(gpu);
        this.optimiser = new CudaOptimiser(gpu);
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
        return NAME + ": " + driver.describe() + ", GEMM " + linearAlgebra.describe() + ", convolution im2col + GEMM"
                + " (cuDNN not bundled: no jcudnn release matches jcuda " + JCUDA_VERSION + ")";
    }

    /** Chooses our GEMM kernel by name (a key of {@link #GEMM_KERNELS}); cuBLAS then stays out. */
    public void useGemmKernel(String name) {
        linearAlgebra.useGemmKernel(name);
    }

    DeviceMemory<CUdeviceptr> memory() {
        return gpu.memory;
    }

    /** Device memory statistics, for benchmarks and the GPU check. */
    public String memoryReport() {
        return gpu.memory.toString();
    }

    /** Waits for every launched kernel (for timing; reading data synchronises on its own). */
    public void synchronize() {
        gpu.bind();
        CudaException.check(cuCtxSynchronize(), "cuCtxSynchronize", "synchronize");
    }

    // ---- memory ----

    @Override
    public Storage allocate(int n) {
        return gpu.zeros(n, "allocate " + n);
    }

    @Override
    public Storage upload(float[] host) {
        return gpu.upload(Pointer.to(host), host.length, Sizeof.FLOAT, "upload " + host.length + " floats");
    }

    @Override
    public float[] download(Storage storage) {
        return gpu.download((CudaStorage) storage);
    }

    /** A device-to-device copy of x (cuMemcpyDtoD): the reference for "copy bandwidth" in the GPU check. */
    public Tensor copy(Tensor x) {
        String what = "copy " + Shape.str(x.shape());
        Tensor y = gpu.emptyTensor(x.shape(), what);
        CudaException.check(cuMemcpyDtoD(storage(y, what).pointer(), storage(x, what).pointer(),
                (long) x.numel() * Sizeof.FLOAT), "cuMemcpyDtoD", what);
        return y;
    }

    // ---- the families ----

    @Override
    public Tensor unary(Unary op, Tensor x, float alpha) {
        return elementwise.unary(op, x, alpha);
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b, int[] outShape) {
        return elementwise.binary(op, a, b, outShape);
    }

    @Override
    public Tensor sumTo(Tensor x, int[] shape) {
        return reductions.sumTo(x, shape);
    }

    @Override
    public Tensor expand(Tensor x, int[] shape) {
        return reductions.expand(x, shape);
    }

    @Override
    public Tensor concat(Tensor[] xs, int dim) {
        return shapes.concat(xs, dim);
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        return shapes.narrow(x, dim, start, length);
    }

    @Override
    public Tensor unnarrow(Tensor gy, int dim, int start, int size) {
        return shapes.unnarrow(gy, dim, start, size);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        return linearAlgebra.matmul(a, b, transA, transB);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, ConvSpec spec) {
        return convolutions.conv2d(x, w, spec);
    }

    @Override
    public Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
        return convolutions.conv2dInputGrad(gy, w, xShape, spec);
    }

    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
        return convolutions.conv2dWeightGrad(x, gy, wShape, spec);
    }

    @Override
    public Tensor reflectionPad(Tensor x, int pad) {
        return spatial.reflectionPad(x, pad);
    }

    @Override
    public Tensor reflectionPadGrad(Tensor gy, int pad) {
        return spatial.reflectionPadGrad(gy, pad);
    }

    @Override
    public Tensor upsample2x(Tensor x) {
        return spatial.upsample2x(x);
    }

    @Override
    public Tensor upsample2xGrad(Tensor gy) {
        return spatial.upsample2xGrad(gy);
    }

    @Override
    public Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        return normalization.instanceNorm(x, gamma, beta, eps);
    }

    @Override
    public Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        return normalization.instanceNormGrad(gy, x, gamma, mean, rstd);
    }

    @Override
    public Tensor attentionGate(Tensor identity, Tensor h, Tensor z) {
        return attention.attentionGate(identity, h, z);
    }

    @Override
    public Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z) {
        return attention.attentionGateGrad(gy, h, z);
    }

    @Override
    public Tensor softmax(Tensor x) {
        return losses.softmax(x);
    }

    @Override
    public Tensor crossEntropy(Tensor logits, int[] labels) {
        return losses.crossEntropy(logits, labels);
    }

    @Override
    public Tensor[] adamUpdate(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1,
            float beta2, float eps) {
        return optimiser.adamUpdate(p, g, m, v, lrOverC1, invC2, beta1, beta2, eps);
    }
}
