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
import org.sargan.core.cpu.Gemm;

/**
 * Square single-precision matrix multiply C = A * B, n x n: 2 n^3 FLOP per call (268 MFLOP at 512, 2.1 GFLOP at
 * 1024, 17.2 GFLOP at 2048). GFLOP/s = 2 n^3 / (ms * 1e6).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"512", "1024", "2048"})
    public int n;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
    }

    /** The engine's blocked SIMD GEMM on all cores. */
    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(n, n, n, a, b, c);
        return c;
    }
}
