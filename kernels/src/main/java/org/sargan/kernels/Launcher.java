package org.sargan.kernels;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import java.lang.ref.Reference;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.sargan.core.Backend;
import org.sargan.core.MemoryScope;
import org.sargan.core.Shape;
import org.sargan.core.Storage;
import org.sargan.core.Tensor;

/**
 * What every family of the CUDA backend shares: the device memory (a caching allocator over cuMemAlloc), the
 * binding of the context to the calling thread, and the launch of a kernel by name. The family classes
 * ({@code CudaElementwise} ... {@code CudaOptimiser}) hold the op logic; this class holds none.
 */
final class Launcher {
    private static final boolean SYNC = Boolean.getBoolean("sargan.cuda.sync");

    final CudaDriver driver;
    final DeviceMemory<CUdeviceptr> memory;
    /** The backend that owns the storages made here. */
    private final Backend owner;
    /** Blocks of a grid-stride launch: a few full waves on every multiprocessor. */
    private final int maxBlocks;
    /** Whether the calling thread has made the context current (a JCuda context is per thread). */
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);

    Launcher(CudaDriver driver, Backend owner) {
        this.driver = driver;
        this.owner = owner;
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
    }

    void bind() {
        if (!bound.get()) {
            driver.bind();
            bound.set(true);
        }
    }

    /** The device memory of a CUDA tensor; a tensor of another backend is named, with the op. */
    static CudaStorage storage(Tensor t, String op) {
        Storage s = t.storage();
        if (!(s instanceof CudaStorage cs)) {
            throw new IllegalArgumentException(op + ": tensor " + Shape.str(t.shape()) + " lives on backend "
                    + s.backend().name() + ", not cuda (move it with Tensor.to)");
        }
        return cs;
    }

    /**
     * Device memory for n floats, contents undefined: for outputs a kernel writes completely. It belongs to the
     * calling thread's open {@link MemoryScope}, if any.
     */
    CudaStorage empty(int n, String what) {
        bind();
        CudaStorage s = new CudaStorage(owner, memory, memory.allocate((long) Math.max(n, 1) * Sizeof.FLOAT, what), n);
        MemoryScope.track(s);
        return s;
    }

    Tensor emptyTensor(int[] shape, String what) {
        return new Tensor(empty(Shape.numel(shape), what), shape);
    }

    /** Device memory for n floats, zero-filled. */
    CudaStorage zeros(int n, String what) {
        CudaStorage s = empty(n, what);
        if (n > 0) {
            CudaException.check(cuMemsetD32(s.pointer(), 0, n), "cuMemsetD32", what);
        }
        return s;
    }

    Tensor zerosTensor(int[] shape, String what) {
        return new Tensor(zeros(Shape.numel(shape), what), shape);
    }

    /** Copies host values of the given element size (Sizeof.FLOAT, Sizeof.INT) into new device memory. */
    CudaStorage upload(Pointer host, int n, int elementSize, String what) {
        CudaStorage s = empty(n, what);
        if (n > 0) {
            CudaException.check(cuMemcpyHtoD(s.pointer(), host, (long) n * elementSize), "cuMemcpyHtoD", what);
        }
        return s;
    }

    /** Copies device memory back to a new host array (synchronises with every kernel launched before). */
    float[] download(CudaStorage s) {
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

    /** Launches a kernel of any module by its extern "C" name; {@code what} names the op in an error. */
    void launch(String kernel, LaunchShape shape, KernelArgs args, String what) {
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

    /** A grid-stride launch over n elements. */
    LaunchShape linear(long n) {
        return LaunchShape.linear(n, maxBlocks);
    }

    int multiprocessors() {
        return driver.multiprocessors;
    }
}
