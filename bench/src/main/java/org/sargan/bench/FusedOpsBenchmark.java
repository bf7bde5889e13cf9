package org.sargan.bench;

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
import org.sargan.core.Backend;
import org.sargan.core.Tensor;

/**
 * The fused memory-bound kernels at SARGAN's shapes, batch 8, on the backend directly (no autograd bookkeeping).
 * Bytes moved per call (float32, each tensor read or written once), for GB/s = bytes / (ms * 1e6):
 * <ul>
 *   <li>instance norm forward: read x, write y = 8 * numel(x) bytes (the statistics pass re-reads x from cache)</li>
 *   <li>instance norm backward: read gy and x, write dx = 12 * numel(x)</li>
 *   <li>attention gate forward: read identity and h, write y, read z (numel/C) = 12 * numel + 4 * numel / C</li>
 *   <li>attention gate backward: read gy and h, write dh, read z and write dz = 12 * numel + 8 * numel / C</li>
 * </ul>
 * Shapes: "sarb" = (8, 256, 32, 32) as in the SARB block, "full" = (8, 64, 128, 128) as after the first conv.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FusedOpsBenchmark {
    @Param({"sarb", "full"})
    public String shape;

    private Backend be;
    private Tensor x;
    private Tensor gy;
    private Tensor id;
    private Tensor z;
    private Tensor gamma;
    private Tensor beta;
    private Tensor mean;
    private Tensor rstd;

    @Setup
    public void setup() {
        int[] s = shape.equals("sarb") ? new int[] {8, 256, 32, 32} : new int[] {8, 64, 128, 128};
        Random r = new Random(1);
        x = Tensor.uniform(r, -1, 1, s);
        gy = Tensor.uniform(r, -1, 1, s);
        id = Tensor.uniform(r, -1, 1, s);
        z = Tensor.uniform(r, -3, 3, s[0], 1, s[2], s[3]);
        gamma = Tensor.uniform(r, 0.5f, 1.5f, s[1]);
        beta = Tensor.uniform(r, -0.5f, 0.5f, s[1]);
        be = x.backend();
        Tensor[] stats = be.instanceNorm(x, gamma, beta, 1e-5f);
        mean = stats[1];
        rstd = stats[2];
    }

    @Benchmark
    public Tensor[] instanceNormForward() {
        return be.instanceNorm(x, gamma, beta, 1e-5f);
    }

    @Benchmark
    public Tensor[] instanceNormBackward() {
        return be.instanceNormGrad(gy, x, gamma, mean, rstd);
    }

    @Benchmark
    public Tensor attentionGateForward() {
        return be.attentionGate(id, x, z);
    }

    @Benchmark
    public Tensor[] attentionGateBackward() {
        return be.attentionGateGrad(gy, x, z);
    }
}
