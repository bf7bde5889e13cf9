package org.sargan.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Generator;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * The whole model at the paper's size: 128 px, batch 8, conv_dim 64 (G 3.0 M parameters, D 44.8 M).
 * {@code generatorForward}: about 8 x 8.5 GFLOP. {@code dStep}: one discriminator iteration (real, fake and
 * gradient-penalty passes, backward, Adam). {@code dAndGStep}: a D step plus a G step (two G passes, one D pass,
 * backward, Adam): the G step's cost is the difference. bench/sargan_torch.py times the same three in PyTorch.
 * {@code -p size=64} runs the 64 px model; {@link ModelRun} runs one case alone (bench/compare.py model).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx12g"})
public class ModelBenchmark {
    @Param({"128"})
    public int size;

    private Generator g;
    private Tensor x;
    private Tensor c;
    private Trainer dOnly;
    private Trainer dAndG;

    @Setup
    public void setup() throws Exception {
        Random r = new Random(1);
        g = new Generator(r, Variant.SARGAN, 64, 7);
        x = Tensor.uniform(r, -1, 1, 8, 3, size, size);
        float[] labels = new float[8 * 7];
        for (int i = 0; i < 8; i++) {
            labels[i * 7 + i % 7] = 1;
        }
        c = Tensor.of(labels, 8, 7);
        SyntheticDataset data = new SyntheticDataset(1, 2, size);
        Path tmp = Files.createTempDirectory("sargan-bench");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        dOnly = new Trainer(config(size, Integer.MAX_VALUE), data, tmp, quiet);
        dAndG = new Trainer(config(size, 1), data, tmp, quiet);
    }

    static TrainConfig config(int size, int nCritic) {
        return TrainConfig.builder().size(size).batch(8).iterations(Integer.MAX_VALUE).convDim(64).lr(1e-4f)
                .nCritic(nCritic).seed(1).sampleEvery(Integer.MAX_VALUE).checkpointEvery(Integer.MAX_VALUE).build();
    }

    @Benchmark
    public Tensor generatorForward() {
        try (GradMode.Scope s = GradMode.noGrad()) {
            return g.forward(x, c);
        }
    }

    @Benchmark
    public Object dStep() {
        return dOnly.step();
    }

    @Benchmark
    public Object dAndGStep() {
        return dAndG.step();
    }
}
