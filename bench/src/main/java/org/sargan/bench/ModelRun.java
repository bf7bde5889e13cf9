package org.sargan.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
import org.sargan.core.Profiler;
import org.sargan.core.Tensor;
import org.sargan.core.cpu.Parallel;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Generator;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * One case of {@link ModelBenchmark} alone in this JVM, for {@code bench/compare.py model}, which starts a fresh
 * process per case so that the peak RSS belongs to that case:
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Xmx4g -cp bench/target/benchmarks.jar org.sargan.bench.ModelRun \
 *     --case dStep --size 64 --reps 3
 * </pre>
 *
 * <p>{@code --profile N} then makes N more calls under the engine's profiler and prints its table (op and shapes,
 * calls, ms, share, GFLOP/s or GB/s), as {@code sargan train --profile} does for training steps.
 *
 * <p>Set up as ModelBenchmark (batch 8, conv_dim 64, seed 1): {@code generatorForward} is the generator's forward
 * pass without gradients, {@code dStep} a trainer with nCritic = Integer.MAX_VALUE (discriminator steps only),
 * {@code dAndGStep} one with nCritic = 1 (a D step and a G step). Only what the case needs is built. Two warm-up
 * calls, more until {@code --warmup-s} seconds have passed, and more until the JIT has compiled for at most 1 ms
 * (or 1% of the call) during each of two calls in a row (at most {@link #MAX_SETTLE_S} s more); then at least
 * {@code --reps} timed calls, and more until {@code --timed-s} seconds of them. Prints one JSON line: the calls timed
 * ("reps"), the minimum in ms, the peak RSS (VmHWM from /proc/self/status) in MiB, the maximum heap, the GC's
 * total count and time over the whole run (so a heap too small for the case shows as GC time), and the warm-up's
 * calls and seconds and whether the JIT settled.
 */
public final class ModelRun {
    private static final String[] CASES = {"generatorForward", "dStep", "dAndGStep"};
    /** The most seconds of warm-up spent waiting for the JIT to be done, after {@code --warmup-s}. */
    private static final double MAX_SETTLE_S = 60;

    private ModelRun() {
    }

    public static void main(String[] args) throws Exception {
        String kase = null;
        int size = 128;
        int reps = 3;
        int profile = 0;
        double warmupS = 0;
        double timedS = 0;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--case" -> kase = v;
                case "--size" -> size = Integer.parseInt(v);
                case "--reps" -> reps = Integer.parseInt(v);
                case "--profile" -> profile = Integer.parseInt(v);
                case "--warmup-s" -> warmupS = Double.parseDouble(v);
                case "--timed-s" -> timedS = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("ModelRun: unknown argument '" + args[i]
                        + "'; expected --case C --size N --reps N [--warmup-s S] [--timed-s S] [--profile N]");
            }
            i++;
        }
        if (kase == null || !List.of(CASES).contains(kase) || size < 16 || reps < 1 || profile < 0 || warmupS < 0
                || timedS < 0) {
            throw new IllegalArgumentException("ModelRun: --case " + kase + " --size " + size + " --reps " + reps
                    + " --warmup-s " + warmupS + " --timed-s " + timedS + " --profile " + profile
                    + "; expected a case of " + String.join(", ", CASES)
                    + ", a size >= 16, reps >= 1, warmup-s and timed-s >= 0 and profile >= 0");
        }
        Runnable call = setup(kase, size);
        // warm-up: two calls (the JIT compiles the vector kernels during the first), and more until --warmup-s
        // seconds have passed (its compiler threads share the cores with the work while they finish)
        long warmStart = System.nanoTime();
        int warmCalls = 0;
        for (; warmCalls < 2 || (System.nanoTime() - warmStart) / 1e9 < warmupS; warmCalls++) {
            call.run();
        }
        // then until the JIT is done with the case: two calls in a row during which it compiled for at most 1 ms or
        // 1% of the call. Kernels called once a step reach the optimising compiler late: at 64 px the generator's
        // tanh was still interpreted or in C1 code 5 s in (10 ms a call against 0.07 once compiled;
        // -XX:+PrintCompilation showed its C2 code at 6.1 s). Capped at MAX_SETTLE_S more seconds.
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean settled = jit == null || !jit.isCompilationTimeMonitoringSupported();
        long settleStart = System.nanoTime();
        for (int quiet = 0; !settled && (System.nanoTime() - settleStart) / 1e9 < MAX_SETTLE_S; warmCalls++) {
            long before = jit.getTotalCompilationTime();
            long t = System.nanoTime();
            call.run();
            double callMs = (System.nanoTime() - t) / 1e6;
            quiet = jit.getTotalCompilationTime() - before <= Math.max(1, callMs / 100) ? quiet + 1 : 0;
            settled = quiet >= 2;
        }
        double warmS = (System.nanoTime() - warmStart) / 1e9;
        // timed: at least --reps calls, and more until --timed-s seconds of them (the minimum over a few seconds
        // rather than over whatever tenth of a second three calls fell in, on a machine whose speed drifts)
        double best = Double.MAX_VALUE;
        int timedCalls = 0;
        long timedStart = System.nanoTime();
        for (; timedCalls < reps || (System.nanoTime() - timedStart) / 1e9 < timedS; timedCalls++) {
            long t = System.nanoTime();
            call.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        if (profile > 0) {
            // the per-op table of `sargan train --profile`, for this case alone (after the timed calls)
            try (Profiler p = Profiler.record()) {
                // one call under the profile first, not counted: its timed backend's code is new to the JIT
                call.run();
                p.restart();
                for (int i = 0; i < profile; i++) {
                    if (kase.equals("generatorForward")) {
                        Profiler.section("G forward"); // once per call, as the trainer names each step
                    }
                    call.run();
                }
                p.close();
                System.out.printf(Locale.ROOT, "%s at %d px, %d calls profiled:%n", kase, size, profile);
                p.print(System.out);
            }
        }
        long gcCount = 0;
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        Double rss = peakRssMiB();
        System.out.println(String.format(Locale.ROOT,
                "{\"side\": \"ours\", \"case\": \"%s\", \"size\": %d, \"batch\": 8, \"convDim\": 64, \"reps\": %d, "
                        + "\"threads\": %d, \"ms\": %.3f, \"peakRssMiB\": %s, \"maxHeapMiB\": %d, \"gcCount\": %d, "
                        + "\"gcMs\": %d, \"warmupCalls\": %d, \"warmupS\": %.1f, \"jitSettled\": %b}",
                kase, size, timedCalls, Parallel.threads(), best, rss == null ? "null" : String.format(Locale.ROOT, "%.1f", rss),
                Runtime.getRuntime().maxMemory() >> 20, gcCount, gcMs, warmCalls, warmS, settled));
    }

    private static Runnable setup(String kase, int size) throws IOException {
        if (kase.equals("generatorForward")) {
            Random r = new Random(1);
            Generator g = new Generator(r, Variant.SARGAN, 64, 7);
            Tensor x = Tensor.uniform(r, -1, 1, 8, 3, size, size);
            float[] labels = new float[8 * 7];
            for (int i = 0; i < 8; i++) {
                labels[i * 7 + i % 7] = 1;
            }
            Tensor c = Tensor.of(labels, 8, 7);
            // as ExpressionEditor runs it: in a memory scope, which frees each activation once the next is made
            return () -> {
                try (MemoryScope scope = MemoryScope.open(); GradMode.Scope s = GradMode.noGrad()) {
                    g.forward(x, c);
                }
            };
        }
        SyntheticDataset data = new SyntheticDataset(1, 2, size);
        Path tmp = Files.createTempDirectory("sargan-model-run");
        tmp.toFile().deleteOnExit(); // nothing is written there: sampling and checkpoints are off
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Trainer t = new Trainer(ModelBenchmark.config(size, kase.equals("dStep") ? Integer.MAX_VALUE : 1), data,
                tmp, quiet);
        return t::step;
    }

    /** VmHWM (the peak resident set) from /proc/self/status in MiB; null where there is no /proc. */
    static Double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
