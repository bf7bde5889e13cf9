package org.sargan.nn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sargan.core.Tensor;

/**
 * The safetensors format (the PyTorch ecosystem's plain tensor file): an 8-byte little-endian header length, a JSON
 * header mapping each name to {dtype, shape, data_offsets} plus an optional "__metadata__" of strings, then the raw
 * little-endian data. Python opens these files with {@code safetensors.torch.load_file}. F32 is what the engine
 * writes; F16, BF16 and I64 are read (widened to float32, see {@link DType}) and can be written by name.
 *
 * <p>Writes are atomic (a temporary file in the same folder, then a rename). Reads check every length and offset
 * before creating any tensor: a truncated or corrupt file is refused with a message saying what is wrong.
 */
public record SafeTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Headers larger than this are refused as corrupt rather than allocated. */
    private static final long MAX_HEADER = 100L << 20;

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Map.of());
    }

    /** @param dtypes element type by tensor name; names not listed are F32 */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
            Map<String, DType> dtypes) throws IOException {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            List<String> kv = new ArrayList<>();
            metadata.forEach((k, v) -> kv.add(Json.quote(k) + ":" + Json.quote(v)));
            h.append(String.join(",", kv)).append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("safetensors: '__metadata__' cannot name a tensor");
            }
            Tensor t = e.getValue();
            DType type = dtypes.getOrDefault(e.getKey(), DType.F32);
            long bytes = (long) type.bytes() * t.numel();
            h.append(h.length() > 1 ? "," : "").append(Json.quote(e.getKey())).append(":{\"dtype\":\"")
                    .append(type.name()).append("\",\"shape\":")
                    .append(Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
        while ((8 + h.toString().getBytes(StandardCharsets.UTF_8).length) % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // created like any new file (mode 0666 less the umask, e.g. 0644), unlike createTempFile's 0600
        Path tmp = dir.resolve(file.getFileName() + "." + Long.toUnsignedString(new Random().nextLong(), 36)
                + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                len.flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    float[] d = e.getValue().toArray();
                    DType type = dtypes.getOrDefault(e.getKey(), DType.F32);
                    ByteBuffer buf = ByteBuffer.allocate(type.bytes() * d.length).order(ByteOrder.LITTLE_ENDIAN);
                    if (type == DType.F32) {
                        buf.asFloatBuffer().put(d);
                    } else {
                        for (float x : d) {
                            type.write(buf, x);
                        }
                        buf.flip();
                    }
                    writeFully(ch, buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads and validates a whole file. */
    public static SafeTensors read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        long size = Files.size(file);
        String name = file.toString();
        if (size < 8) {
            throw new IOException(name + " is not a safetensors file: " + size + " bytes, too short for a header");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Object parsed = header(ch, name, size);
            long n = headerLength(ch);
            if (!(parsed instanceof Map<?, ?> header)) {
                throw new IOException(name + " has a corrupt header: not a JSON object");
            }
            long dataSize = size - 8 - n;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String key = (String) e.getKey();
                if (key.equals("__metadata__")) {
                    if (e.getValue() instanceof Map<?, ?> md) {
                        md.forEach((k, v) -> metadata.put((String) k, String.valueOf(v)));
                    }
                    continue;
                }
                entries.add(Entry.of(name, key, e.getValue(), dataSize));
            }
            entries.sort(Comparator.comparingLong(Entry::begin));
            long expected = 0;
            for (Entry e : entries) {
                if (e.begin() != expected) {
                    throw new IOException(name + " is corrupt: tensor '" + e.name() + "' starts at byte " + e.begin()
                            + " of the data, expected " + expected + " (overlap or gap)");
                }
                expected = e.end();
            }
            if (expected != dataSize) {
                throw new IOException(name + " is truncated or corrupt: the header describes " + expected
                        + " bytes of data, the file holds " + dataSize);
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer b = ByteBuffer.allocate((int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, b, 8 + n + e.begin());
                float[] d = new float[b.capacity() / e.dtype().bytes()];
                b.flip();
                if (e.dtype() == DType.F32) {
                    b.asFloatBuffer().get(d);
                } else {
                    for (int i = 0; i < d.length; i++) {
                        d[i] = e.dtype().read(b, 0, i);
                    }
                }
                tensors.put(e.name(), e.shape().length == 0 ? Tensor.scalar(d[0]) : Tensor.of(d, e.shape()));
            }
            Map<String, Tensor> ordered = new LinkedHashMap<>();
            for (Object k : header.keySet()) {
                if (tensors.containsKey(k)) {
                    ordered.put((String) k, tensors.get(k));
                }
            }
            return new SafeTensors(ordered, metadata);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            p += r;
        }
    }

    /** One validated header entry. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        static Entry of(String file, String name, Object spec, long dataSize) throws IOException {
            if (!(spec instanceof Map<?, ?> m) || !(m.get("shape") instanceof List<?> shape)
                    || !(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2) {
                throw new IOException(file + " has a corrupt entry for '" + name + "': expected dtype, shape and two "
                        + "data_offsets");
            }
            DType dtype = DType.ofSafetensors(m.get("dtype"));
            if (dtype == null) {
                throw new IOException(file + ": tensor '" + name + "' has dtype " + m.get("dtype")
                        + "; F32, F16, BF16 and I64 are read (convert with tensor.float() before saving)");
            }
            int[] s = new int[shape.size()];
            long numel = 1;
            for (int i = 0; i < s.length; i++) {
                if (!(shape.get(i) instanceof Long d) || d <= 0 || d > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor '" + name + "' has an invalid shape " + shape);
                }
                s[i] = (int) (long) d;
                numel *= d;
                if (numel > Integer.MAX_VALUE) {
                    throw new IOException(file + ": tensor '" + name + "' has shape " + shape + ", over 2^31 elements");
                }
            }
            if (!(offs.get(0) instanceof Long b) || !(offs.get(1) instanceof Long e) || b < 0 || e > dataSize
                    || e - b != dtype.bytes() * numel) {
                throw new IOException(file + " is truncated or corrupt: tensor '" + name + "' with shape " + shape
                        + " has data_offsets " + offs + " but the data section holds " + dataSize + " bytes");
            }
            return new Entry(name, dtype, s, b, e);
        }
    }

    /**
     * The "__metadata__" strings of a file, read from its header alone (the tensors are not read): for telling what
     * a file holds without loading it.
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new IOException(name + " is not a safetensors file: " + size + " bytes");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            if (header(ch, name, size) instanceof Map<?, ?> header
                    && header.get("__metadata__") instanceof Map<?, ?> md) {
                md.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
            }
            return metadata;
        }
    }

    private static long headerLength(FileChannel ch) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0);
        return len.flip().getLong();
    }

    /** The parsed JSON header, after checking its length against the file. */
    private static Object header(FileChannel ch, String name, long size) throws IOException {
        long n = headerLength(ch);
        if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
            throw new IOException(name + " is truncated or not a safetensors file: header length " + n
                    + " bytes, file size " + size + " bytes");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8);
        try {
            return Json.parse(new String(hb.array(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(name + " has a corrupt header: " + e.getMessage());
        }
    }
}
