package org.sargan.core.cpu;

/**
 * Decides once whether the SIMD kernels (jdk.incubator.vector) can run: the module must be in the boot layer
 * ({@code --add-modules jdk.incubator.vector}) and {@code -Dsargan.simd=false} must not be set. Without it the
 * plain-Java kernels run; they are written to give bit-identical results (same blocking, same fused multiply-adds).
 */
public final class SimdSupport {
    private static final boolean ENABLED = detect();

    private SimdSupport() {
    }

    private static boolean detect() {
        if (!Boolean.parseBoolean(System.getProperty("sargan.simd", "true"))) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorGemmKernel.LANES >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    public static boolean enabled() {
        return ENABLED;
    }

    /** One line for {@code info}: which kernels run and why. */
    public static String describe() {
        if (ENABLED) {
            return "SIMD (jdk.incubator.vector, " + VectorGemmKernel.LANES * 32 + "-bit vectors)";
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()
                ? "plain Java (start the JVM with --add-modules=jdk.incubator.vector for SIMD)"
                : "plain Java (SIMD disabled by -Dsargan.simd=false or unsupported)";
    }
}
