package org.sargan.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.sargan.core.Backends;
import org.sargan.core.ConvSpec;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Elementwise;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Reductions;
import org.sargan.data.SyntheticDataset;
import org.sargan.kernels.CudaBackend;
import org.sargan.model.Generator;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * The GPU half of {@code bench/gpu-check.sh}: times each CUDA kernel against its data volume (GB/s, or GFLOP/s for
 * GEMM and convolution), the device's own copy bandwidth as the yardstick, then SARGAN's generator forward and one
 * training iteration at 128 px, batch 8. Writes one TSV row per measurement for {@code gpu_summary.py}, which puts
 * them beside PyTorch's ({@code gpu_peer.py}).
 *
 * <p>A kernel is timed as the throughput of back-to-back launches (the GPU queues them; one synchronisation at the
 * end), repeated until each sample takes at least 20 ms; the best of five samples is kept. Model steps are timed one
 * by one, synchronised, median of the repetitions. {@code --quick} shrinks every shape (for a dry run on the host
 * emulator, where times mean nothing).
 */
public final class GpuCheck {
    private record Row(String group, String name, double ms, double amount, String unit) {
    }

    private final CudaBackend cuda;
    private final boolean quick;
    private final List<Row> rows = new ArrayList<>();
    private final Random rng = new Random(1);

    private GpuCheck(CudaBackend cuda, boolean quick) {
        this.cuda = cuda;
        this.quick = quick;
    }

    public static void main(String[] args) throws IOException {
        List<String> a = Arrays.asList(args);
        boolean quick = a.contains("--quick");
        Path out = a.contains("--tsv") ? Path.of(a.get(a.indexOf("--tsv") + 1)) : Path.of("java.tsv");
        CudaBackend cuda;
        try {
            cuda = CudaBackend.create();
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
            System.exit(2);
            return;
        }
        Backends.use(cuda);
        System.out.println("device: " + cuda.describe());
        GpuCheck check = new GpuCheck(cuda, quick);
        check.attempt("kernels", check::kernels);
        check.attempt("model", () -> {
            try {
                check.model();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.println(cuda.memoryReport());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("group\tname\tms\tamount\tunit");
            for (Row r : check.rows) {
                w.printf(Locale.ROOT, "%s\t%s\t%.4f\t%.2f\t%s%n", r.group, r.name, r.ms, r.amount, r.unit);
            }
        }
        System.out.println("wrote " + out);
    }

    private Tensor randn(int... shape) {
        return Tensor.randn(rng, shape);
    }

    /** Milliseconds per call of op: best of five samples of back-to-back calls, each sample at least 20 ms. */
    private double throughputMs(Supplier<Object> op) {
        op.get();
        cuda.synchronize();
        long t0 = System.nanoTime();
        op.get();
        cuda.synchronize();
        double single = (System.nanoTime() - t0) / 1e6;
        int inner = (int) Math.max(1, Math.min(2000, Math.ceil(20 / Math.max(single, 1e-3))));
        if (quick) {
            inner = 1;
        }
        double best = Double.MAX_VALUE;
        for (int sample = 0; sample < (quick ? 1 : 5); sample++) {
            long s = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                op.get();
            }
            cuda.synchronize();
            best = Math.min(best, (System.nanoTime() - s) / 1e6 / inner);
        }
        return best;
    }

    /**
     * Runs one measurement; a failure becomes a FAILED row with its message, and the check goes on (after a kernel
     * fault the context may be unusable, and every later row then says so too).
     */
    private boolean attempt(String name, Runnable measurement) {
        try {
            measurement.run();
            return true;
        } catch (RuntimeException | OutOfMemoryError e) {
            String m = String.valueOf(e.getMessage()).replace('\t', ' ').replace('\n', ' ');
            rows.add(new Row("failed", name, Double.NaN, 0, m));
            System.out.printf(Locale.ROOT, "  %-44s FAILED: %s%n", name, m);
            e.printStackTrace(System.out);
            return false;
        }
    }

    /** Times op and records its rate: {@code amount} (bytes or FLOP) per second, in GB/s or GFLOP/s. */
    private void rate(String name, double amount, String unit, Supplier<Object> op) {
        attempt(name, () -> {
            double ms = throughputMs(op);
            double perSecond = amount / (ms * 1e-3) / 1e9;
            rows.add(new Row("kernel", name, ms, perSecond, unit));
            System.out.printf(Locale.ROOT, "  %-44s %9.3f ms %9.1f %s%n", name, ms, perSecond, unit);
        });
    }

    private void bandwidth(String name, long bytes, Supplier<Object> op) {
        rate(name, bytes, "GB/s", op);
    }

    private void flops(String name, double flop, Supplier<Object> op) {
        rate(name, flop, "GFLOP/s", op);
    }

    private void kernels() {
        System.out.println("kernels (back-to-back launches; bytes = what the op must read + write once):");
        int n = quick ? 2 : 8;
        int s128 = quick ? 16 : 128;
        int s32 = quick ? 8 : 32;
        long copyFloats = quick ? 1 << 16 : 1L << 28;  // 1 GiB
        Tensor big = Tensor.zeros((int) copyFloats);
        bandwidth("copy (cuMemcpyDtoD) 1 GiB", 2 * 4 * copyFloats, () -> cuda.copy(big));

        for (int[] s : new int[][] {{n, 64, s128, s128}, {n, 256, s32, s32}, {4 * n, 64, s128, s128}}) {
            String shape = Arrays.toString(s).replace(" ", "");
            Tensor x = randn(s);
            Tensor gamma = randn(s[1]);
            Tensor beta = randn(s[1]);
            long bytes = 4L * x.numel();
            bandwidth("instance norm fwd " + shape, 2 * bytes, () -> cuda.instanceNorm(x, gamma, beta, 1e-5f));
            Tensor[] fwd = cuda.instanceNorm(x, gamma, beta, 1e-5f);
            Tensor gy = randn(s);
            bandwidth("instance norm bwd " + shape, 3 * bytes,
                    () -> cuda.instanceNormGrad(gy, x, gamma, fwd[1], fwd[2]));
        }
        for (int[] s : new int[][] {{n, 256, s32, s32}, {n, 64, s128, s128}}) {
            String shape = Arrays.toString(s).replace(" ", "");
            Tensor id = randn(s);
            Tensor h = randn(s);
            Tensor z = randn(s[0], 1, s[2], s[3]);
            Tensor gy = randn(s);
            long bytes = 4L * h.numel();
            long zBytes = 4L * z.numel();
            bandwidth("attention gate fwd " + shape, 3 * bytes + zBytes, () -> cuda.attentionGate(id, h, z));
            bandwidth("attention gate bwd " + shape, 3 * bytes + 2 * zBytes, () -> cuda.attentionGateGrad(gy, h, z));
        }
        {
            int[] s = {n, 64, s128, s128};
            Tensor a = randn(s);
            Tensor b = randn(s);
            Tensor bias = randn(1, 64, 1, 1);
            long bytes = 4L * a.numel();
            String shape = Arrays.toString(s).replace(" ", "");
            bandwidth("add " + shape, 3 * bytes, () -> Elementwise.add(a, b));
            bandwidth("add bias (broadcast) " + shape, 2 * bytes, () -> Elementwise.add(a, bias));
            bandwidth("leaky relu " + shape, 2 * bytes, () -> Elementwise.leakyRelu(a, 0.01f));
            bandwidth("sum to bias grad " + shape, bytes,
                    () -> Reductions.sumTo(a, new int[] {1, 64, 1, 1}));
        }
        // the default kernel (the row PyTorch is compared with), then the other versions side by side
        {
            // no data to speak of: the time per op is what launching costs (JNI, allocation, the driver)
            Tensor a = randn(256);
            Tensor b = randn(256);
            bandwidth("add [256] (time = per-op overhead)", 3 * 4 * 256, () -> Elementwise.add(a, b));
        }
        for (int m : quick ? new int[] {64} : new int[] {1024, 4096}) {
            Tensor a = randn(m, m);
            Tensor b = randn(m, m);
            flops("sgemm " + m + "^3", 2.0 * m * m * m, () -> LinearAlgebra.matmul(a, b));
            for (String kernel : m <= 1024 ? new String[] {"tiled", "naive"} : new String[] {"tiled"}) {
                cuda.useGemmKernel(kernel);
                flops("sgemm " + m + "^3 [" + CudaBackend.GEMM_KERNELS.get(kernel) + "]", 2.0 * m * m * m,
                        () -> LinearAlgebra.matmul(a, b));
            }
            cuda.useGemmKernel("vector");
        }
        // SARGAN's layers at 128 px, batch 8 (forward, and the two backward products)
        Object[][] layers = {
            {"G in 7x7 10->64 @128", 10, 64, s128, 7, 1, 3},
            {"G down 4x4s2 64->128 @128", 64, 128, s128, 4, 2, 1},
            {"SARB 3x3 256->256 @32", 256, 256, s32, 3, 1, 1},
            {"D 4x4s2 3->64 @128", 3, 64, s128, 4, 2, 1},
            {"D 4x4s2 512->1024 @8", 512, 1024, quick ? 4 : 8, 4, 2, 1},
        };
        for (Object[] l : layers) {
            int cin = (Integer) l[1];
            int cout = (Integer) l[2];
            int size = (Integer) l[3];
            int k = (Integer) l[4];
            int stride = (Integer) l[5];
            int pad = (Integer) l[6];
            Tensor x = randn(n, cin, size, size);
            Tensor w = randn(cout, cin, k, k);
            ConvSpec spec = new ConvSpec(stride, pad);
            int out = spec.outSize(size, k);
            double flop = 2.0 * n * cout * out * out * cin * k * k;
            flops("conv fwd " + l[0], flop, () -> cuda.conv2d(x, w, spec));
            Tensor gy = randn(n, cout, out, out);
            flops("conv input grad " + l[0], flop, () -> cuda.conv2dInputGrad(gy, w, x.shape(), spec));
            flops("conv weight grad " + l[0], flop, () -> cuda.conv2dWeightGrad(x, gy, w.shape(), spec));
        }
    }

    private double medianMs(Runnable op, int reps) {
        op.run();
        cuda.synchronize();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            op.run();
            cuda.synchronize();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private void model() throws IOException {
        int size = quick ? 32 : 128;
        int batch = quick ? 2 : 8;
        int dim = quick ? 8 : 64;
        int reps = quick ? 1 : 5;
        System.out.printf(Locale.ROOT, "model: SARGAN at %d px, batch %d, conv_dim %d (median of %d)%n", size, batch,
                dim, reps);
        Random r = new Random(1);
        Generator g = new Generator(r, Variant.SARGAN, dim, 7);
        Tensor x = Tensor.uniform(r, -1, 1, batch, 3, size, size);
        float[] labels = new float[batch * 7];
        for (int i = 0; i < batch; i++) {
            labels[i * 7 + i % 7] = 1;
        }
        Tensor c = Tensor.of(labels, batch, 7);
        attempt("generatorForward", () -> model("generatorForward", medianMs(() -> {
            try (GradMode.Scope s = GradMode.noGrad()) {
                g.forward(x, c);
            }
        }, reps)));
        SyntheticDataset data = new SyntheticDataset(1, 2, size);
        Path tmp = Files.createTempDirectory("sargan-gpu-check");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        attempt("dStep", () -> {
            Trainer dOnly = new Trainer(config(size, batch, dim, Integer.MAX_VALUE), data, tmp, quiet);
            model("dStep", medianMs(dOnly::step, reps));
        });
        attempt("dAndGStep", () -> {
            Trainer dAndG = new Trainer(config(size, batch, dim, 1), data, tmp, quiet);
            model("dAndGStep", medianMs(dAndG::step, reps));
        });
    }

    private static TrainConfig config(int size, int batch, int dim, int nCritic) {
        return TrainConfig.builder().size(size).batch(batch).iterations(Integer.MAX_VALUE).convDim(dim).lr(1e-4f)
                .nCritic(nCritic).seed(1).sampleEvery(Integer.MAX_VALUE).checkpointEvery(Integer.MAX_VALUE).build();
    }

    private void model(String name, double ms) {
        rows.add(new Row("model", name, ms, 0, ""));
        System.out.printf(Locale.ROOT, "  %-44s %9.1f ms%n", name, ms);
    }
}
