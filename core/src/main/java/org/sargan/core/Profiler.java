package org.sargan.core;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the time of a step goes, op by op: while a profile is recording, {@link Tensor#backend()} hands out a
 * {@link Timed} backend that times every call into the real one and files it under the current section (the D
 * step, the G step) and the op with its shapes. {@link #print} then shows one table per section: op and shapes,
 * calls, total ms, share of the section, and GFLOP/s (matrix products and convolutions, 2 flops per multiply-add)
 * or GB/s (everything else: the bytes of the inputs read and the outputs written once each), and the fastest
 * single call: where calls times that is far below the total, a few calls were slow, and the row's cost is the
 * machine's rather than its kernel's (on a shared 2-core machine a one-channel weight gradient took 0.11-0.25 ms
 * a call in a D+G step, with the odd call at 1.7-3.8 ms, and a 3-step profile's row said 2.76 ms a call).
 *
 * <pre>{@code
 * try (Profiler p = Profiler.record()) {
 *     Profiler.section("D step");  ...  Profiler.section("G step");  ...
 *     p.print(System.out);
 * }
 * }</pre>
 *
 * Times are wall-clock around each backend call. On the CPU a call returns when its work is done; on CUDA a launch
 * returns at once, so run with {@code -Dsargan.cuda.sync=true} to charge each kernel to its op. Time outside the
 * backend (autograd bookkeeping, the garbage collector) is the section's "other" row.
 */
public final class Profiler implements AutoCloseable {
    private static volatile Profiler active;

    /** Per section, per "op shapes" key: calls, nanoseconds, work (flops or bytes). */
    private final Map<String, Map<String, long[]>> table = new LinkedHashMap<>();
    private final Map<String, Long> sectionNanos = new LinkedHashMap<>();
    private final Map<String, Integer> sectionEntries = new LinkedHashMap<>();
    private final Map<String, Boolean> flopRows = new LinkedHashMap<>();
    private final Map<Backend, Timed> wrappers = new IdentityHashMap<>();
    private long gcStart = gcMillis();
    private String section = "(no section)";
    private long sectionStart = System.nanoTime();
    private long gcMillis;

    private Profiler() {
    }

    /** Starts recording (one profile at a time per JVM). */
    public static synchronized Profiler record() {
        if (active != null) {
            throw new IllegalStateException("profiler: a profile is already recording");
        }
        active = new Profiler();
        return active;
    }

    /** Files what follows under {@code name} (no effect when nothing records). */
    public static void section(String name) {
        Profiler p = active;
        if (p != null) {
            p.enter(name);
        }
    }

    /** The backend that ops on this storage should call: the timed one while a profile records. */
    static Backend wrap(Backend real) {
        Profiler p = active;
        return p == null || real instanceof Timed ? real : p.timed(real);
    }

    /** One timed backend per real one, so that backends still compare by identity while recording. */
    private synchronized Backend timed(Backend real) {
        return wrappers.computeIfAbsent(real, r -> new Timed(r, this));
    }

    private synchronized void enter(String name) {
        long now = System.nanoTime();
        sectionNanos.merge(section, now - sectionStart, Long::sum);
        section = name;
        sectionStart = now;
        sectionEntries.merge(name, 1, Integer::sum);
    }

    private synchronized void add(String op, String shapes, long nanos, long work, boolean flops) {
        String key = op + " " + shapes;
        long[] row = table.computeIfAbsent(section, s -> new LinkedHashMap<>()).computeIfAbsent(key,
                k -> new long[] {0, 0, 0, Long.MAX_VALUE});
        row[0]++;
        row[1] += nanos;
        row[2] += work;
        row[3] = Math.min(row[3], nanos);
        flopRows.put(key, flops);
    }

    /**
     * Forgets everything recorded so far and goes on recording, in the section it is in. For a warm-up pass under
     * the profile: the first calls through the {@link Timed} backend run code the JIT has not compiled for it (a
     * 64 px D+G step's one tanh call took 15 ms the first time, 0.08 after; its 3-step row said 5.18 ms a call).
     */
    public synchronized void restart() {
        table.clear();
        sectionNanos.clear();
        sectionEntries.clear();
        flopRows.clear();
        sectionStart = System.nanoTime();
        gcStart = gcMillis();
    }

    @Override
    public synchronized void close() {
        if (active == this) {
            long now = System.nanoTime();
            sectionNanos.merge(section, now - sectionStart, Long::sum);
            sectionStart = now;
            gcMillis = gcMillis() - gcStart;
            active = null;
        }
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, b.getCollectionTime());
        }
        return ms;
    }

    /** One table per section, rows by total time, as figures per entry of the section (per D step, per G step). */
    public synchronized void print(PrintStream out) {
        close();
        for (Map.Entry<String, Map<String, long[]>> s : table.entrySet()) {
            long sectionTotal = sectionNanos.getOrDefault(s.getKey(), 0L);
            int steps = Math.max(1, sectionEntries.getOrDefault(s.getKey(), 1));
            List<Map.Entry<String, long[]>> rows = new ArrayList<>(s.getValue().entrySet());
            rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
            out.printf(Locale.ROOT, "%n%s: %.1f ms each (%d timed)%n", s.getKey(), sectionTotal / 1e6 / steps, steps);
            out.printf(Locale.ROOT, "  %-70s %6s %10s %6s %14s %11s%n", "op and shapes", "calls", "ms each", "%", "rate",
                    "fastest ms");
            long inOps = 0;
            for (Map.Entry<String, long[]> r : rows) {
                long[] v = r.getValue();
                inOps += v[1];
                double secs = v[1] / 1e9;
                String rate = v[2] == 0 || secs == 0 ? ""
                        : flopRows.get(r.getKey()) ? String.format(Locale.ROOT, "%.1f GFLOP/s", v[2] / secs / 1e9)
                        : String.format(Locale.ROOT, "%.1f GB/s", v[2] / secs / 1e9);
                String name = r.getKey().length() > 70 ? r.getKey().substring(0, 67) + "..." : r.getKey();
                out.printf(Locale.ROOT, "  %-70s %6d %10.2f %6.1f %14s %11.3f%n", name, v[0] / steps,
                        v[1] / 1e6 / steps, 100.0 * v[1] / Math.max(1, sectionTotal), rate, v[3] / 1e6);
            }
            out.printf(Locale.ROOT, "  %-70s %6s %10.2f %6.1f%n", "other (autograd, allocation, GC, Java code)", "",
                    (sectionTotal - inOps) / 1e6 / steps, 100.0 * (sectionTotal - inOps) / Math.max(1, sectionTotal));
        }
        out.printf(Locale.ROOT, "%ngarbage collection during the profile: %d ms in all%n", gcMillis);
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape()).replace(" ", "");
    }

    private static long bytes(Tensor... ts) {
        long n = 0;
        for (Tensor t : ts) {
            if (t != null) {
                n += 4L * t.numel();
            }
        }
        return n;
    }

    /** 2 * multiply-adds of a convolution whose large side is (N, Cout, Ho, Wo) and kernel (Cout, Cin, kh, kw). */
    private static long convFlops(int[] out, int[] w) {
        return 2L * out[0] * out[1] * out[2] * out[3] * w[1] * w[2] * w[3];
    }

    /** The backend seen while recording: every call into the real one, timed. */
    static final class Timed implements Backend {
        private final Backend b;
        private final Profiler p;

        Timed(Backend real, Profiler profiler) {
            this.b = real;
            this.p = profiler;
        }

        private <T> T time(String op, String shapes, long work, boolean flops, Supplier<T> call) {
            long t0 = System.nanoTime();
            T r = call.get();
            p.add(op, shapes, System.nanoTime() - t0, work, flops);
            return r;
        }

        @Override
        public String name() {
            return b.name();
        }

        @Override
        public String describe() {
            return b.describe();
        }

        @Override
        public Storage allocate(int n) {
            return b.allocate(n);
        }

        @Override
        public Storage upload(float[] host) {
            return b.upload(host);
        }

        @Override
        public float[] download(Storage storage) {
            return b.download(storage);
        }

        @Override
        public Tensor unary(Unary op, Tensor x, float alpha) {
            return time(op.name().toLowerCase(Locale.ROOT), shape(x), 2 * bytes(x), false,
                    () -> b.unary(op, x, alpha));
        }

        @Override
        public Tensor binary(Binary op, Tensor a, Tensor c, int[] outShape) {
            return time(op.name().toLowerCase(Locale.ROOT), shape(a) + " " + shape(c), bytes(a, c)
                    + 4L * Shape.numel(outShape), false, () -> b.binary(op, a, c, outShape));
        }

        @Override
        public Tensor sumTo(Tensor x, int[] shape) {
            return time("sum_to", shape(x) + "->" + Arrays.toString(shape).replace(" ", ""), bytes(x)
                    + 4L * Shape.numel(shape), false, () -> b.sumTo(x, shape));
        }

        @Override
        public Tensor expand(Tensor x, int[] shape) {
            return time("expand", shape(x) + "->" + Arrays.toString(shape).replace(" ", ""), bytes(x)
                    + 4L * Shape.numel(shape), false, () -> b.expand(x, shape));
        }

        @Override
        public Tensor concat(Tensor[] xs, int dim) {
            return time("concat", shape(xs[0]) + " x" + xs.length, 2 * bytes(xs), false, () -> b.concat(xs, dim));
        }

        @Override
        public Tensor narrow(Tensor x, int dim, int start, int length) {
            return time("narrow", shape(x), bytes(x), false, () -> b.narrow(x, dim, start, length));
        }

        @Override
        public Tensor unnarrow(Tensor gy, int dim, int start, int size) {
            return time("unnarrow", shape(gy), 2 * bytes(gy), false, () -> b.unnarrow(gy, dim, start, size));
        }

        @Override
        public Tensor matmul(Tensor a, Tensor c, boolean transA, boolean transB) {
            int m = transA ? a.dim(1) : a.dim(0);
            int k = transA ? a.dim(0) : a.dim(1);
            int n = transB ? c.dim(0) : c.dim(1);
            return time("matmul", shape(a) + (transA ? "T " : " ") + shape(c) + (transB ? "T" : ""),
                    2L * m * n * k, true, () -> b.matmul(a, c, transA, transB));
        }

        private static String conv(Tensor x, Tensor w, ConvSpec s) {
            return shape(x) + " w" + shape(w) + " s" + s.stride() + "p" + s.pad();
        }

        @Override
        public Tensor conv2d(Tensor x, Tensor w, ConvSpec spec) {
            return time("conv2d", conv(x, w, spec), convFlopsOf(x, w, spec), true, () -> b.conv2d(x, w, spec));
        }

        private static long convFlopsOf(Tensor x, Tensor w, ConvSpec s) {
            int[] o = {x.dim(0), w.dim(0), s.outSize(x.dim(2), w.dim(2)), s.outSize(x.dim(3), w.dim(3))};
            return convFlops(o, w.shape());
        }

        @Override
        public Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
            return time("conv2d input grad", shape(gy) + " w" + shape(w) + " s" + spec.stride() + "p" + spec.pad(),
                    convFlops(gy.shape(), w.shape()), true, () -> b.conv2dInputGrad(gy, w, xShape, spec));
        }

        @Override
        public Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
            return time("conv2d weight grad", shape(x) + " gy" + shape(gy) + " s" + spec.stride() + "p" + spec.pad(),
                    convFlops(gy.shape(), wShape), true, () -> b.conv2dWeightGrad(x, gy, wShape, spec));
        }

        @Override
        public Tensor reflectionPad(Tensor x, int pad) {
            return time("reflection_pad", shape(x), 2 * bytes(x), false, () -> b.reflectionPad(x, pad));
        }

        @Override
        public Tensor reflectionPadGrad(Tensor gy, int pad) {
            return time("reflection_pad grad", shape(gy), 2 * bytes(gy), false, () -> b.reflectionPadGrad(gy, pad));
        }

        @Override
        public Tensor upsample2x(Tensor x) {
            return time("upsample2x", shape(x), 5 * bytes(x), false, () -> b.upsample2x(x));
        }

        @Override
        public Tensor upsample2xGrad(Tensor gy) {
            return time("upsample2x grad", shape(gy), bytes(gy) * 5 / 4, false, () -> b.upsample2xGrad(gy));
        }

        @Override
        public Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
            return time("instance_norm", shape(x), 2 * bytes(x), false, () -> b.instanceNorm(x, gamma, beta, eps));
        }

        @Override
        public Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
            return time("instance_norm grad", shape(x), 3 * bytes(x), false,
                    () -> b.instanceNormGrad(gy, x, gamma, mean, rstd));
        }

        @Override
        public Tensor[] instanceNormRelu(Tensor x, Tensor gamma, Tensor beta, float eps) {
            return time("instance_norm_relu", shape(x), 2 * bytes(x), false,
                    () -> b.instanceNormRelu(x, gamma, beta, eps));
        }

        @Override
        public Tensor[] instanceNormReluGrad(Tensor gy, Tensor y, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
            return time("instance_norm_relu grad", shape(x), 4 * bytes(x), false,
                    () -> b.instanceNormReluGrad(gy, y, x, gamma, mean, rstd));
        }

        @Override
        public Tensor attentionGate(Tensor identity, Tensor h, Tensor z) {
            return time("attention_gate", shape(h), 3 * bytes(h) + bytes(z), false,
                    () -> b.attentionGate(identity, h, z));
        }

        @Override
        public Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z) {
            return time("attention_gate grad", shape(h), 3 * bytes(h) + 2 * bytes(z), false,
                    () -> b.attentionGateGrad(gy, h, z));
        }

        @Override
        public Tensor softmax(Tensor x) {
            return time("softmax", shape(x), 2 * bytes(x), false, () -> b.softmax(x));
        }

        @Override
        public Tensor crossEntropy(Tensor logits, int[] labels) {
            return time("cross_entropy", shape(logits), bytes(logits), false, () -> b.crossEntropy(logits, labels));
        }

        @Override
        public Tensor[] adamUpdate(Tensor param, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2,
                float beta1, float beta2, float eps) {
            return time("adam", shape(param), 7 * bytes(param), false,
                    () -> b.adamUpdate(param, g, m, v, lrOverC1, invC2, beta1, beta2, eps));
        }

        @Override
        public Tensor accumulate(Tensor acc, Tensor g) {
            return time("accumulate", shape(acc), 3 * bytes(acc), false, () -> b.accumulate(acc, g));
        }
    }
}
