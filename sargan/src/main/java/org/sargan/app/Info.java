package org.sargan.app;

import java.io.PrintStream;
import org.sargan.core.Backends;
import org.sargan.core.cpu.Parallel;
import org.sargan.core.cpu.SimdSupport;

/** {@code sargan info}: what this build runs on. */
final class Info {
    private Info() {
    }

    static void print(PrintStream out) {
        Package p = Info.class.getPackage();
        String version = p.getImplementationVersion() != null ? p.getImplementationVersion() : "development build";
        out.println("sargan " + version);
        out.println("java:      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        out.println("backend:   " + Backends.current().name() + " (choose with -Dsargan.backend=cpu|cuda|auto)");
        out.println("threads:   " + Parallel.threads() + " (set with -Dsargan.threads=N)");
        out.println("cpu gemm:  " + SimdSupport.describe());
        out.println("backends:  " + Backends.available());
        if (!Backends.available().contains("cuda")) {
            out.println("cuda:      unavailable: this build has no CUDA backend (the kernels module holds none yet)");
        }
    }
}
