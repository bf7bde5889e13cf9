package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesOrderShapesValuesAndMetadata() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("main.0.weight", Tensor.of(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3));
        t.put("step", Tensor.scalar(42));
        t.put("a.b", Tensor.of(new float[] {Float.MIN_VALUE, -0f, 1e30f}, 3));
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, t, Map.of("format", "pt", "note", "quote \" and \\ ok"));
        SafeTensors r = SafeTensors.read(f);
        assertEquals(List.of("main.0.weight", "step", "a.b"), List.copyOf(r.tensors().keySet()));
        assertArrayEquals(new int[] {2, 3}, r.tensors().get("main.0.weight").shape());
        assertArrayEquals(t.get("a.b").toArray(), r.tensors().get("a.b").toArray(), 0f);
        assertEquals(42f, r.tensors().get("step").item());
        assertEquals("quote \" and \\ ok", r.metadata().get("note"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    /** A file laid out byte by byte from the format description, as Python's safetensors writes it. */
    @Test
    void readsAFileBuiltFromTheSpecification() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(0.5f).putFloat(-3f);
        Path f = dir.resolve("spec.safetensors");
        Files.write(f, b.array());
        SafeTensors r = SafeTensors.read(f);
        assertArrayEquals(new float[] {0.5f, -3f}, r.tensors().get("w").toArray(), 0f);
        assertEquals("pt", r.metadata().get("format"));
    }

    private Path written() throws IOException {
        Path f = dir.resolve("ok.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.ones(4, 4)), Map.of());
        return f;
    }

    private void assertRefused(Path f, String fragment) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path f = written();
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 5));
        assertRefused(f, "truncated");
        Files.write(f, Arrays.copyOf(all, 20));
        assertRefused(f, "truncated");
        Files.write(f, new byte[3]);
        assertRefused(f, "too short");
    }

    @Test
    void corruptHeaderIsRefused() throws IOException {
        Path f = written();
        byte[] all = Files.readAllBytes(f);
        all[8] = '#'; // the header's opening brace
        Files.write(f, all);
        assertRefused(f, "corrupt header");
    }

    @Test
    void otherDtypesAreNamed() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("double.safetensors");
        Files.write(f, b.array());
        assertRefused(f, "dtype F64; F32, F16, BF16 and I64 are read");
    }

    @Test
    void halfBfloatAndInt64AreWidenedOnRead() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("h", Tensor.of(new float[] {0.5f, -2f}, 2));
        t.put("b", Tensor.of(new float[] {3f, -0.25f}, 2));
        t.put("n", Tensor.scalar(42f));
        Path f = dir.resolve("mixed.safetensors");
        SafeTensors.write(f, t, Map.of(), Map.of("h", DType.F16, "b", DType.BF16, "n", DType.I64));
        // 2 + 2 halves, 8 for the int64: 16 bytes of data after the header
        ByteBuffer len = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Files.size(f) - 8 - len.getLong(0), 16);
        SafeTensors back = SafeTensors.read(f);
        for (String k : t.keySet()) {
            assertArrayEquals(t.get(k).toArray(), back.tensors().get(k).toArray(), 0f, k);
        }
    }

    @Test
    void missingFileIsNamed() {
        assertRefused(dir.resolve("nope.safetensors"), "no such file");
    }
}
