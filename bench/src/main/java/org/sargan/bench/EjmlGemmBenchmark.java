package org.sargan.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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

/**
 * The pure-Java peer: EJML's float matrix multiply (single-threaded), n x n, 2 n^3 FLOP per call.
 * Kept to the two smaller sizes: at 2048 one call takes seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EjmlGemmBenchmark {
    @Param({"512", "1024"})
    public int n;

    private FMatrixRMaj a;
    private FMatrixRMaj b;
    private FMatrixRMaj c;

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new FMatrixRMaj(n, n);
        b = new FMatrixRMaj(n, n);
        c = new FMatrixRMaj(n, n);
        for (int i = 0; i < n * n; i++) {
            a.data[i] = r.nextFloat() - 0.5f;
            b.data[i] = r.nextFloat() - 0.5f;
        }
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        CommonOps_FDRM.mult(a, b, c);
        return c;
    }
}
