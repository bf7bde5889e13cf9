package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;

/**
 * Seeded fuzzing of the safetensors reader: thousands of mutations of a valid file (bit flips, JSON-shaped bytes in
 * the header, truncations, insertions, forged lengths and numbers). Each must either load or fail with the reader's
 * own one-line IOException; any other exception or error fails the test with the case that caused it.
 */
class SafeTensorsFuzzTest {
    private static final long SEED = 20261201L;
    private static final int CASES = 4000;
    private static final String JSON_BYTES = "{}[]\":,0123456789-+.eE tfnul\\ua_";

    @TempDir
    Path dir;

    private static byte[] valid(Path dir) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("G.main.0.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("G.main.0.bias", Tensor.of(new float[] {0.5f, -1}, 2));
        t.put("step", Tensor.scalar(7));
        Path f = dir.resolve("valid.safetensors");
        SafeTensors.write(f, t, Map.of("format", "sargan-checkpoint-1", "iteration", "12"));
        return Files.readAllBytes(f);
    }

    /** One mutation of {@code base}, described in {@code what}. */
    static byte[] mutate(byte[] base, Random r, StringBuilder what) {
        int headerEnd = 8 + (int) ByteBuffer.wrap(base, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] b = base.clone();
        switch (r.nextInt(8)) {
            case 0 -> {
                int n = 1 + r.nextInt(8);
                what.append("flip ").append(n).append(" bits");
                for (int k = 0; k < n; k++) {
                    int i = r.nextInt(b.length);
                    b[i] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                int n = 1 + r.nextInt(6);
                what.append("JSON bytes x").append(n);
                for (int k = 0; k < n; k++) {
                    b[8 + r.nextInt(headerEnd - 8)] = (byte) JSON_BYTES.charAt(r.nextInt(JSON_BYTES.length()));
                }
            }
            case 2 -> {
                int n = r.nextInt(b.length);
                what.append("truncate to ").append(n);
                b = Arrays.copyOf(b, n);
            }
            case 3 -> {
                int at = 8 + r.nextInt(headerEnd - 8);
                byte[] ins = new byte[1 + r.nextInt(16)];
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = (byte) JSON_BYTES.charAt(r.nextInt(JSON_BYTES.length()));
                }
                boolean fix = r.nextBoolean();
                what.append("insert ").append(ins.length).append(" at ").append(at).append(fix ? ", length fixed" : "");
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                if (fix) {
                    ByteBuffer.wrap(c, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerEnd - 8 + ins.length);
                }
                b = c;
            }
            case 4 -> {
                long[] lengths = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, headerEnd - 9, headerEnd - 7, b.length,
                    1L << 31, (1L << 32) + headerEnd - 8, r.nextLong()};
                long v = lengths[r.nextInt(lengths.length)];
                what.append("header length ").append(v);
                ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            }
            case 5 -> {
                String h = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
                String[] numbers = {"-1", "0", "99999999999999999999", "2147483648", "4294967296", "1e308", "-0",
                    "9223372036854775807", "1.5", "[]", "null", "\"x\""};
                String n = numbers[r.nextInt(numbers.length)];
                int count = 0;
                Matcher m = Pattern.compile("\\d+").matcher(h);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                    count++;
                }
                int[] s = spans.get(r.nextInt(count));
                what.append("number ").append(h, s[0], s[1]).append(" -> ").append(n);
                String mutated = h.substring(0, s[0]) + n + h.substring(s[1]);
                b = withHeader(mutated, Arrays.copyOfRange(b, headerEnd, b.length));
            }
            case 6 -> {
                String h = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
                int depth = new int[] {2, 10, 100, 1000, 20_000}[r.nextInt(5)];
                int at = h.indexOf('[', r.nextInt(h.length() / 2));
                at = at < 0 ? h.indexOf('[') : at;
                what.append("nest ").append(depth).append(" deep at ").append(at);
                b = withHeader(h.substring(0, at) + "[".repeat(depth) + h.substring(at) + "]".repeat(depth),
                        Arrays.copyOfRange(b, headerEnd, b.length));
            }
            default -> {
                String h = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
                int from = r.nextInt(h.length());
                int to = Math.min(h.length(), from + 1 + r.nextInt(40));
                int at = r.nextInt(h.length());
                what.append("copy header ").append(from).append("..").append(to).append(" to ").append(at);
                b = withHeader(h.substring(0, at) + h.substring(from, to) + h.substring(at),
                        Arrays.copyOfRange(b, headerEnd, b.length));
            }
        }
        return b;
    }

    private static byte[] withHeader(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer c = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return c.putLong(h.length).put(h).put(data).array();
    }

    @Test
    void mutatedFilesLoadOrFailCleanly() throws Exception {
        byte[] base = valid(dir);
        Path f = dir.resolve("case.safetensors");
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(SEED);
            for (int c = 0; c < CASES; c++) {
                StringBuilder what = new StringBuilder();
                byte[] b = mutate(base, r, what);
                Files.write(f, b);
                try {
                    SafeTensors.read(f);
                    outcomes[0]++;
                } catch (IOException e) {
                    outcomes[1]++;
                    String m = e.getMessage();
                    if (m == null || m.isBlank() || m.contains("\n") || !m.contains(f.toString())) {
                        fail("case " + c + " (" + what + "): unclear error '" + m + "'");
                    }
                } catch (Throwable e) {
                    fail("case " + c + " (" + what + ", seed " + SEED + "): " + e, e);
                }
                try {
                    SafeTensors.readMetadata(f);
                } catch (IOException e) {
                    // the reader's own error
                } catch (Throwable e) {
                    fail("case " + c + " (" + what + ") readMetadata: " + e, e);
                }
            }
        });
        assertEquals(CASES, outcomes[0] + outcomes[1]);
        assertTrue(outcomes[1] > CASES / 2, "most mutations are refused: " + Arrays.toString(outcomes));
    }
}
