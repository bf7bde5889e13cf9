package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.api.ExpressionEditor;
import org.sargan.api.TinyModel;
import org.sargan.core.Tensor;
import org.sargan.nn.WeightFile;

/** export --half: float16 safetensors, half the bytes, every weight within float16's rounding of the original. */
class ExportHalfTest {
    /** float16 keeps 11 significant bits: rounding to nearest moves a normal value by at most 2^-11 of itself. */
    private static final double HALF_REL = 0x1p-11;
    /** Below float16's smallest normal (2^-14) the spacing is fixed at 2^-24. */
    private static final double HALF_ABS = 0x1p-24;
    private final Cli cli = new Cli();

    private static String header(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(b, 8, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void halfWritesFloat16ThatReadsBackWithinRounding(@TempDir Path dir) throws Exception {
        Path src = TinyModel.write(dir.resolve("g.safetensors"), 4);
        Path full = dir.resolve("full.safetensors");
        Path half = dir.resolve("half.safetensors");
        assertEquals(0, cli.run("export", "--checkpoint", src.toString(), "--out", full.toString()), cli.err());
        assertEquals(0, cli.run("export", "--checkpoint", src.toString(), "--out", half.toString(), "--half"),
                cli.err());
        assertTrue(cli.out().contains(", float16) to " + half), cli.out());
        String h = header(half);
        assertTrue(h.contains("\"dtype\":\"F16\""), h);
        assertFalse(h.contains("\"dtype\":\"F32\""), h);
        long fullBytes = Files.size(full) - header(full).length();
        long halfBytes = Files.size(half) - header(half).length();
        assertTrue(Math.abs(halfBytes * 2 - fullBytes) < 64,
                fullBytes + " bytes of float32, " + halfBytes + " of float16");

        Map<String, Tensor> a = WeightFile.read(full).tensors();
        Map<String, Tensor> b = WeightFile.read(half).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toArray();
            float[] y = b.get(k).toArray();
            assertEquals(Arrays.toString(a.get(k).shape()), Arrays.toString(b.get(k).shape()), k);
            for (int i = 0; i < x.length; i++) {
                double bound = Math.max(Math.abs(x[i]) * HALF_REL, HALF_ABS);
                assertTrue(Math.abs(x[i] - y[i]) <= bound, k + "[" + i + "]: " + x[i] + " became " + y[i]);
            }
        }
        assertEquals(TinyModel.SIZE, ExpressionEditor.load(half).size());
    }

    @Test
    void halfWithTheDiscriminatorIsRefused(@TempDir Path dir) throws Exception {
        Path src = TinyModel.write(dir.resolve("g.safetensors"), 4);
        assertEquals(2, cli.run("export", "--checkpoint", src.toString(), "--out", dir.resolve("o").toString(),
                "--half", "--with-discriminator"));
        assertTrue(cli.err().contains("--half writes the generator alone"), cli.err());
    }
}
