package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.LinearAlgebra;

/** The op profiler: rows by section, op and shapes; results and backend identity untouched while it records. */
class ProfilerTest {

    private static String table(Profiler p) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        p.print(new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void opsAreFiledBySectionWithTheirShapesAndRate() {
        Random r = new Random(1);
        Tensor a = Tensor.uniform(r, -1, 1, 16, 8);
        Tensor b = Tensor.uniform(r, -1, 1, 8, 4);
        Tensor x = Tensor.uniform(r, -1, 1, 2, 3, 8, 8);
        Tensor w = Tensor.uniform(r, -1, 1, 5, 3, 3, 3);
        float[] plain = LinearAlgebra.matmul(a, b).toArray();
        float[] conv = Convolutions.conv2d(x, w, null, 1, 1).toArray();
        String out;
        try (Profiler p = Profiler.record()) {
            Profiler.section("first");
            assertArrayEquals(plain, LinearAlgebra.matmul(a, b).toArray(), 0f);
            assertSame(a.backend(), b.backend(), "one timed backend per real one");
            Profiler.section("second");
            assertArrayEquals(conv, Convolutions.conv2d(x, w, null, 1, 1).toArray(), 0f);
            assertThrows(IllegalStateException.class, Profiler::record);
            out = table(p);
        }
        assertTrue(out.contains("first:") && out.contains("second:"), out);
        String first = out.substring(out.indexOf("first:"), out.indexOf("second:"));
        assertTrue(first.contains("matmul [16,8] [8,4]") && first.contains("GFLOP/s") && !first.contains("conv2d"),
                first);
        assertTrue(out.substring(out.indexOf("second:")).contains("conv2d [2,3,8,8] w[5,3,3,3] s1p1"), out);
        // the fastest call of a row made once is that call: the same time as the row's total
        assertTrue(first.contains("fastest ms"), first);
        String row = first.lines().filter(l -> l.contains("matmul [16,8] [8,4]")).findFirst().orElseThrow();
        String[] cells = row.trim().split("\\s+");
        double each = Double.parseDouble(cells[cells.length - 5]);
        double fastest = Double.parseDouble(cells[cells.length - 1]);
        assertTrue(Math.abs(each - fastest) <= 0.006, row);
        // nothing is timed once the profile is closed
        assertTrue(!(a.backend() instanceof Profiler.Timed));
    }

    @Test
    void aRestartForgetsTheWarmUpAndKeepsRecording() {
        Random r = new Random(2);
        Tensor a = Tensor.uniform(r, -1, 1, 6, 5);
        Tensor b = Tensor.uniform(r, -1, 1, 5, 7);
        Tensor x = Tensor.uniform(r, -1, 1, 1, 2, 6, 6);
        Tensor w = Tensor.uniform(r, -1, 1, 3, 2, 3, 3);
        String out;
        try (Profiler p = Profiler.record()) {
            Profiler.section("step");
            LinearAlgebra.matmul(a, b);
            LinearAlgebra.matmul(a, b);
            p.restart();
            Convolutions.conv2d(x, w, null, 1, 1);
            LinearAlgebra.matmul(a, b);
            out = table(p);
        }
        String row = out.lines().filter(l -> l.contains("matmul [6,5] [5,7]")).findFirst().orElseThrow();
        assertTrue(row.trim().split("\\s+")[3].equals("1"), "one call after the restart, not three: " + row);
        assertTrue(out.contains("conv2d [1,2,6,6] w[3,2,3,3] s1p1"), out);
        assertTrue(out.contains("step: ") && out.contains("(1 timed)"), "the section goes on: " + out);
    }
}
