package org.sargan.app;

import java.io.PrintStream;
import org.sargan.core.Backends;
import org.sargan.core.cpu.Parallel;
import org.sargan.core.cpu.SimdSupport;
import org.sargan.model.Variant;

/** {@code sargan info}: what this build runs on; with {@code --model}, a summary of G and D. */
final class Info {
    private Info() {
    }

    static void run(Options opts, PrintStream out) {
        String model = opts.string("model", null);
        int size = opts.integer("size", 128, 32, 1024);
        int convDim = opts.integer("conv-dim", 64, 1, 1024);
        if (model != null) {
            ModelSummary.print(out, Variant.parse(model), size, convDim);
            return;
        }
        Package p = Info.class.getPackage();
        String version = p.getImplementationVersion() != null ? p.getImplementationVersion() : "development build";
        out.println("sargan " + version);
        out.println("java:      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        out.println("backend:   " + Backends.current().describe() + " (choose with -Dsargan.backend=cpu|cuda|auto)");
        out.println("threads:   " + Parallel.threads() + " (set with -Dsargan.threads=N)");
        out.println("cpu gemm:  " + SimdSupport.describe());
        out.println("backends:  " + Backends.available());
        if (!Backends.available().contains("cuda")) {
            out.println("cuda:      unavailable: this build has no CUDA backend on its class path");
        } else {
            try {
                out.println("cuda:      " + Backends.select("cuda").describe());
            } catch (IllegalStateException unavailable) {
                out.println("cuda:      " + unavailable.getMessage());
            }
        }
    }
}
