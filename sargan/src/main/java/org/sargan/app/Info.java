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
        Variant model = opts.parsed("model", Variant::parse);
        int size = opts.integer("size", 32, 1024);
        int convDim = opts.integer("conv-dim", 1, 1024);
        if (model != null) {
            ModelSummary.print(out, model, size, convDim);
            return;
        }
        out.println("sargan " + Main.version());
        out.println("java:      " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        out.println("backend:   " + backend() + " (choose with -Dsargan.backend=cpu|cuda|auto)");
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

    /** The backend the other commands would use; a requested backend that cannot run here is reported, not fatal. */
    private static String backend() {
        String requested = System.getProperty("sargan.backend", "cpu");
        try {
            return Backends.select(requested).describe();
        } catch (IllegalStateException | IllegalArgumentException unusable) {
            return "-Dsargan.backend=" + requested + " cannot run here, so every other command would fail: "
                    + unusable.getMessage();
        }
    }
}
