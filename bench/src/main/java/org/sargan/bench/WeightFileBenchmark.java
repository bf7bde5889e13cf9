package org.sargan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sargan.api.ExpressionEditor;
import org.sargan.core.Tensor;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.model.Variant;
import org.sargan.nn.torch.TorchFile;

/**
 * Loading the authors' released generator layout at its real size: 128 px, conv_dim 64, 83 entries, 12.85 MB of
 * float32 in torch.save's zip layout (written by our exporter, which their strict loader accepts). {@code read}
 * parses the archive and pickle and copies the tensors out; {@code editor} adds inferring the architecture, building
 * the generator and checking every weight (what {@code translate --checkpoint sargan_G.ckpt} does before its first
 * image). MB/s = 12.85 / (ms / 1000).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class WeightFileBenchmark {
    private Path file;

    @Setup
    public void setup() throws IOException {
        file = Files.createTempFile("sargan_G", ".ckpt");
        ReferenceLayout.State s = ReferenceLayout.generatorState(new Generator(new Random(1), Variant.SARGAN, 64, 7),
                new Random(2));
        TorchFile.write(file, s.tensors(), s.dtypes());
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public Map<String, Tensor> read() throws IOException {
        return TorchFile.read(file);
    }

    @Benchmark
    public ExpressionEditor editor() throws IOException {
        return ExpressionEditor.load(file);
    }
}
