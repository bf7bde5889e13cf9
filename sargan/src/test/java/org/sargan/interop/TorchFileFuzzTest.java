package org.sargan.interop;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.nn.WeightFileException;
import org.sargan.nn.torch.TorchFile;

/**
 * Seeded mutations of real torch.save files (both layouts, from PyTorch 1.13) through the reader: every case must
 * either read or fail with the project's own {@link WeightFileException}. No other exception type, no hang (the
 * whole run has a deadline) and no allocation beyond a small multiple of the file's size (measured per case with
 * the JVM's per-thread allocation counter).
 */
class TorchFileFuzzTest {
    private static final int CASES_PER_FILE = 5000;
    private static final long SEED = 20261201L;

    @Test
    void mutatedFilesFailCleanly() throws Exception {
        List<byte[]> seeds = List.of(read("tiny.pt"), read("tiny-legacy.pt"), read("tiny-deflated-zip64.pt"));
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(SEED);
            for (byte[] seed : seeds) {
                for (int c = 0; c < CASES_PER_FILE; c++) {
                    byte[] m = mutate(seed, r);
                    long before = mx.getCurrentThreadAllocatedBytes();
                    try {
                        TorchFile.read(ByteBuffer.wrap(m), "case");
                        outcomes[0]++;
                    } catch (WeightFileException e) {
                        assertTrue(e.getMessage().startsWith("case"), e.getMessage());
                        outcomes[1]++;
                    } catch (Throwable t) {
                        throw new AssertionError("case " + c + " (seed " + SEED + ", " + m.length + " bytes): "
                                + t, t);
                    }
                    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                    assertTrue(allocated < 16L * m.length + (4 << 20), "case " + c + " allocated " + allocated
                            + " bytes for a " + m.length + "-byte file");
                }
            }
        });
        System.out.printf("torch.save fuzz: %d mutated files read, %d refused cleanly%n", outcomes[0], outcomes[1]);
        assertTrue(outcomes[1] > CASES_PER_FILE * seeds.size() / 2, "most mutations must be refused: " + outcomes[1]);
    }

    private static byte[] read(String name) throws IOException {
        return Files.readAllBytes(Path.of("src/test/resources/interop", name));
    }

    /**
     * One to three of: flip bytes, cut the tail, zero a run, write a large 32-bit or 64-bit value (sizes and
     * offsets near the limits, where a sum would wrap), duplicate a run.
     */
    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && b.length > 8; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> {
                    for (int k = 0; k < 1 + r.nextInt(8); k++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> Arrays.fill(b, at, Math.min(b.length, at + 1 + r.nextInt(16)), (byte) 0);
                case 3 -> {
                    int v = List.of(0xffffffff, 0x7fffffff, 0x40000000, 0x10000).get(r.nextInt(4));
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                case 4 -> {
                    long v = List.of(Long.MAX_VALUE - r.nextInt(64), 0x2000000020000000L, 1L << 62, -1L).get(
                            r.nextInt(4));
                    for (int k = 0; k < 8 && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                default -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }
}
