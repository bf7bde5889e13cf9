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
import org.sargan.core.ConvSpec;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions;

/**
 * SARGAN's convolution layers at batch 8 (see {@link Layers}), forward and backward. FLOP per call:
 * forward = 2 * 8 * macs; backward (input gradient + weight gradient) = 2 * forward. GFLOP/s = FLOP / (ms * 1e6);
 * bench/README.md lists the FLOP of each layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvBenchmark {
    static final int BATCH = 8;

    @Param({"g_conv7x7_10to64_128", "g_down4x4s2_64to128_128", "g_sarb3x3_256to256_32", "g_up4x4s2T_256to128_32",
        "d_4x4s2_3to64_128", "d_4x4s2_64to128_64", "d_4x4s2_128to256_32", "d_4x4s2_256to512_16",
        "d_4x4s2_512to1024_8", "d_4x4s2_1024to2048_4"})
    public String layer;

    private Layers.Conv conv;
    private ConvSpec spec;
    private Tensor x;
    private Tensor w;
    private Tensor gy;

    @Setup
    public void setup() {
        conv = Layers.CONVS.get(layer);
        spec = new ConvSpec(conv.stride(), conv.pad());
        Random r = new Random(1);
        int o = conv.outSize();
        x = Tensor.uniform(r, -1, 1, BATCH, conv.cin(), conv.size(), conv.size());
        w = conv.transposed() ? Tensor.uniform(r, -0.1f, 0.1f, conv.cin(), conv.cout(), conv.k(), conv.k())
                : Tensor.uniform(r, -0.1f, 0.1f, conv.cout(), conv.cin(), conv.k(), conv.k());
        gy = Tensor.uniform(r, -1, 1, BATCH, conv.cout(), o, o);
    }

    @Benchmark
    public Tensor forward() {
        return conv.transposed() ? Convolutions.convTranspose2d(x, w, null, conv.stride(), conv.pad(), 0)
                : Convolutions.conv2dRaw(x, w, spec);
    }

    /** Gradients with respect to the input and the weight (what a training step computes per layer). */
    @Benchmark
    public Tensor[] backward() {
        if (conv.transposed()) {
            // y = conv2dInputGrad(x, w): dx = conv2d(gy, w), dw = conv2dWeightGrad(gy, x)
            return new Tensor[] {Convolutions.conv2dRaw(gy, w, spec),
                Convolutions.conv2dWeightGrad(gy, x, w.shape(), spec)};
        }
        return new Tensor[] {Convolutions.conv2dInputGrad(gy, w, x.shape(), spec),
            Convolutions.conv2dWeightGrad(x, gy, w.shape(), spec)};
    }
}
