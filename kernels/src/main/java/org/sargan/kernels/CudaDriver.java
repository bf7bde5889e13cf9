package org.sargan.kernels;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;

/**
 * Finds the GPU once per JVM: loads JCuda's native library (which needs the driver, libcuda.so.1), initialises
 * the driver, takes device 0's primary context and loads the compiled kernel modules. Any failure becomes one
 * line, "CUDA unavailable: reason", kept and reported to everyone who asks later: the first touch of JCuda without a
 * driver throws UnsatisfiedLinkError and every later one NoClassDefFoundError, so it must not be touched twice.
 */
final class CudaDriver {
    /** The kernel families, one .cu file and one fatbin resource each. */
    static final List<String> MODULES = List.of("elementwise", "reductions", "shapes", "linear_algebra",
            "convolutions", "spatial", "normalization", "attention", "losses", "optimiser");
    static final String RESOURCE_DIR = "/org/sargan/kernels/cuda/";

    private static CudaDriver instance;
    private static String unavailable;

    final CUdevice device;
    final CUcontext context;
    final String deviceName;
    final int computeMajor;
    final int computeMinor;
    final int multiprocessors;
    final long totalMemory;
    final int driverVersion;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, CUmodule> modules = new HashMap<>();

    private CudaDriver(CUdevice device, CUcontext context) {
        this.device = device;
        this.context = context;
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        this.deviceName = new String(name, 0, len, StandardCharsets.US_ASCII);
        this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = Math.max(1, attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
        long[] mem = new long[1];
        cuDeviceTotalMem(mem, device);
        this.totalMemory = mem[0];
        int[] v = new int[1];
        cuDriverGetVersion(v);
        this.driverVersion = v[0];
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** The driver, or an IllegalStateException "CUDA unavailable: reason" (the same reason every time). */
    static synchronized CudaDriver get() {
        if (instance != null) {
            return instance;
        }
        if (unavailable == null) {
            try {
                instance = open();
                return instance;
            } catch (LinkageError e) {
                unavailable = linkFailure(e);
            } catch (RuntimeException e) {
                unavailable = firstLine(e);
            }
        }
        throw new IllegalStateException("CUDA unavailable: " + unavailable);
    }

    /** Why JCuda's native library did not load: usually the driver itself (libcuda.so.1) is missing. */
    static String linkFailure(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        for (Throwable s : e.getSuppressed()) {
            all.append(s.getMessage()).append('\n');
        }
        if (all.indexOf("libcuda.so") >= 0) {
            return "no CUDA driver (libcuda.so.1 cannot be loaded: no NVIDIA driver on this machine)";
        }
        return "JCuda's native library does not load (" + firstLine(e) + ")";
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static CudaDriver open() {
        String missing = missingKernels();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        int r = cuInit(0);  // loads the JCuda natives first: UnsatisfiedLinkError without libcuda.so.1
        if (r != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("cuInit failed with " + CudaException.errorName(r));
        }
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new IllegalStateException("the driver sees no GPU");
        }
        CUdevice dev = new CUdevice();
        CudaException.check(cuDeviceGet(dev, 0), "cuDeviceGet", "init");
        CUcontext ctx = new CUcontext();
        CudaException.check(cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain", "init");
        CudaException.check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent", "init");
        CudaDriver d = new CudaDriver(dev, ctx);
        for (String m : MODULES) {
            d.load(m);
        }
        return d;
    }

    /** Null when every module's fatbin is on the class path, else why not (e.g. built without nvcc). */
    static String missingKernels() {
        try (InputStream marker = CudaDriver.class.getResourceAsStream(RESOURCE_DIR + "NO_KERNELS")) {
            if (marker != null) {
                return "no compiled kernels: " + new String(marker.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return "no compiled kernels: " + e.getMessage();
        }
        for (String m : MODULES) {
            if (CudaDriver.class.getResource(RESOURCE_DIR + m + ".fatbin") == null) {
                return "no compiled kernels: " + m + ".fatbin is not on the class path (built without nvcc?)";
            }
        }
        return null;
    }

    private void load(String module) {
        byte[] image;
        try (InputStream in = CudaDriver.class.getResourceAsStream(RESOURCE_DIR + module + ".fatbin")) {
            image = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel module " + module + ": " + e.getMessage(), e);
        }
        CUmodule mod = new CUmodule();
        int r = cuModuleLoadData(mod, image);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new IllegalStateException("loading kernel module " + module + ".fatbin failed with "
                    + CudaException.errorName(r) + " (compiled for sm_90 + compute_90 PTX; this GPU is sm_"
                    + computeMajor + computeMinor + ", driver " + driverVersion + ")");
        }
        modules.put(module, mod);
    }

    /** A kernel by its extern "C" name, looked up once. */
    synchronized CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f != null) {
            return f;
        }
        for (CUmodule m : modules.values()) {
            CUfunction candidate = new CUfunction();
            if (cuModuleGetFunction(candidate, m, name) == CUresult.CUDA_SUCCESS) {
                functions.put(name, candidate);
                return candidate;
            }
        }
        throw new CudaException("cuda: no kernel named " + name + " in modules " + MODULES);
    }

    /** Makes the context current on the calling thread (a JCuda context is per thread). */
    void bind() {
        CudaException.check(cuCtxSetCurrent(context), "cuCtxSetCurrent", "bind");
    }

    String describe() {
        return deviceName + " (sm_" + computeMajor + computeMinor + ", " + multiprocessors + " SMs, "
                + String.format(Locale.ROOT, "%.1f GiB", totalMemory / 1073741824.0) + ", driver "
                + (driverVersion / 1000) + "." + (driverVersion % 1000 / 10) + ")";
    }
}
