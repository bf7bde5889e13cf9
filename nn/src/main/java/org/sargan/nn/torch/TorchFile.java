package org.sargan.nn.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sargan.core.Tensor;
import org.sargan.nn.DType;
import org.sargan.nn.WeightFileException;
import org.sargan.nn.torch.Unpickler.StorageRef;
import org.sargan.nn.torch.Unpickler.TensorRef;

/**
 * Files written by {@code torch.save(model.state_dict(), path)}, read without Python and without executing anything
 * from the file, and written so that PyTorch's strict {@code load_state_dict} accepts them. Two layouts exist:
 * <ul>
 *   <li>zip (torch >= 1.6): {@code <name>/data.pkl}, a pickle whose persistent ids
 *       {@code ('storage', torch.FloatStorage, key, 'cpu', numel)} name raw little-endian storages
 *       {@code <name>/data/<key>}, plus {@code <name>/version};</li>
 *   <li>legacy (older torch, or {@code _use_new_zipfile_serialization=False}): four pickles in a row (a magic
 *       number, the protocol version 1001, the system info, the state dict with persistent ids
 *       {@code ('storage', type, key, 'cpu', numel, None)}), a pickled list of storage keys, then per key an int64
 *       element count and the raw data.</li>
 * </ul>
 * The state dict itself is an OrderedDict of name -> {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)};
 * {@link Unpickler} reads it. float16, bfloat16 and int64 tensors are widened to float32.
 */
public final class TorchFile {
    /** Legacy format magic number (torch/serialization.py). */
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long LEGACY_PROTOCOL = 1001;

    private TorchFile() {
    }

    /** True if these bytes start like either torch.save layout (zip, or a protocol-2 pickle of the magic). */
    public static boolean looksLikeTorch(ByteBuffer b) {
        return Zip.looksLikeZip(b) || (b.remaining() >= 3 && (b.get(b.position()) & 0xff) == 0x80
                && (b.get(b.position() + 2) & 0xff) == 0x8a);
    }

    /** Reads a whole file (memory-mapped). */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new WeightFileException(file + ": " + size + " bytes; files over 2 GB are not read");
            }
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), file.toString());
        }
    }

    /**
     * Reads a state dict from bytes in either layout.
     *
     * @param name names the file in errors
     */
    public static Map<String, Tensor> read(ByteBuffer bytes, String name) throws WeightFileException {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        return Zip.looksLikeZip(b) ? readZip(b, name) : readLegacy(b, name);
    }

    private static Map<String, Tensor> readZip(ByteBuffer b, String name) throws WeightFileException {
        Map<String, ByteBuffer> entries = Zip.read(b, name);
        String prefix = null;
        for (String e : entries.keySet()) {
            if (e.endsWith("/data.pkl") && e.indexOf('/') == e.length() - "/data.pkl".length()) {
                prefix = e.substring(0, e.length() - "data.pkl".length());
                break;
            }
        }
        if (prefix == null) {
            throw new WeightFileException(name + " is a zip archive but not a torch.save file: no <name>/data.pkl");
        }
        String dataDir = prefix + "data/";
        Map<String, ByteBuffer> storages = new LinkedHashMap<>();
        Object root = Unpickler.load(entries.get(prefix + "data.pkl"), name, pid -> {
            StorageRef s = storage(pid, 5, name);
            ByteBuffer data = entries.get(dataDir + s.key());
            if (data == null) {
                throw new WeightFileException(name + ": storage '" + s.key() + "' is missing from the archive");
            }
            storages.put(s.key(), data);
            return s;
        });
        return tensors(root, storages, name);
    }

    private static Map<String, Tensor> readLegacy(ByteBuffer b, String name) throws WeightFileException {
        Unpickler.Persistent none = pid -> {
            throw new WeightFileException(name + ": a storage outside the state dict");
        };
        Object magic;
        try {
            magic = Unpickler.load(b, name, none);
        } catch (WeightFileException e) {
            throw new WeightFileException(name + " is not a PyTorch file (neither a zip archive nor the legacy"
                    + " format): " + e.getMessage());
        }
        if (!MAGIC.equals(magic)) {
            throw new WeightFileException(name + " is a pickle but not a torch.save file: wrong magic number");
        }
        Object protocol = Unpickler.load(b, name, none);
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
            throw new WeightFileException(name + ": legacy protocol " + (protocol instanceof Long ? protocol
                    : Unpickler.describe(protocol)) + "; expected " + LEGACY_PROTOCOL);
        }
        if (!(Unpickler.load(b, name, none) instanceof Map<?, ?> sys) || !Boolean.TRUE.equals(sys.get("little_endian"))) {
            throw new WeightFileException(name + ": written on a big-endian machine or without system info");
        }
        Map<String, StorageRef> refs = new LinkedHashMap<>();
        Object root = Unpickler.load(b, name, pid -> {
            if (pid.size() == 6 && pid.get(5) != null) {
                throw new WeightFileException(name + ": storage views (legacy view_metadata) are not read");
            }
            StorageRef s = storage(pid, 6, name);
            refs.put(s.key(), s);
            return s;
        });
        if (!(Unpickler.load(b, name, none) instanceof List<?> keys)) {
            throw new WeightFileException(name + ": the legacy storage key list is missing");
        }
        Map<String, ByteBuffer> storages = new LinkedHashMap<>();
        for (Object k : keys) {
            StorageRef s = refs.get(k);
            if (s == null) {
                throw new WeightFileException(name + ": storage '" + k + "' is listed but never used");
            }
            if (b.remaining() < 8) {
                throw new WeightFileException(name + " is truncated: storage '" + k + "' has no length");
            }
            long numel = b.getLong();
            if (numel != s.numel() || numel < 0 || numel > b.remaining() / s.dtype().bytes()) {
                throw new WeightFileException(name + " is truncated or corrupt: storage '" + k + "' claims " + numel
                        + " elements (the state dict says " + s.numel() + "), " + b.remaining() + " bytes remain");
            }
            int bytes = (int) (numel * s.dtype().bytes());
            storages.put(s.key(), b.slice(b.position(), bytes).order(ByteOrder.LITTLE_ENDIAN));
            b.position(b.position() + bytes);
        }
        return tensors(root, storages, name);
    }

    private static StorageRef storage(List<?> pid, int size, String name) throws WeightFileException {
        if (pid.size() != size || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof String type)
                || !(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel) || numel < 0) {
            throw new WeightFileException(name + ": a persistent id that is not a tensor storage");
        }
        DType dtype = DType.ofTorchStorage(type.substring(type.lastIndexOf('.') + 1));
        if (dtype == null) {
            throw new WeightFileException(name + ": storage type " + type + " is not read");
        }
        return new StorageRef(dtype, key, numel);
    }

    /** Checks every tensor view against its storage, then copies it out as float32. */
    private static Map<String, Tensor> tensors(Object root, Map<String, ByteBuffer> storages, String name)
            throws WeightFileException {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new WeightFileException(name + " holds no state dict (an OrderedDict of tensors) at its top level");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TensorRef t)) {
                throw new WeightFileException(name + ": entry " + (e.getKey() instanceof String k ? "'" + k + "'"
                        : Unpickler.describe(e.getKey())) + " is not a named tensor; expected a "
                        + "state dict (torch.save(model.state_dict()))");
            }
            ByteBuffer data = storages.get(t.storage().key());
            if (data == null) {
                throw new WeightFileException(name + ": tensor '" + key + "' uses storage '" + t.storage().key()
                        + "', for which the file holds no data");
            }
            out.put(key, tensor(key, t, data, name));
        }
        return out;
    }

    private static Tensor tensor(String key, TensorRef t, ByteBuffer data, String name) throws WeightFileException {
        StorageRef s = t.storage();
        long have = Math.min(s.numel(), data.remaining() / s.dtype().bytes());
        long numel = 1;
        long last = t.offset();
        int[] shape = new int[t.shape().length];
        for (int i = 0; i < shape.length; i++) {
            long d = t.shape()[i];
            long st = t.stride()[i];
            if (d < 1 || d > Integer.MAX_VALUE || st < 0) {
                throw new WeightFileException(name + ": tensor '" + key + "' has size " + Arrays.toString(
                        t.shape()) + " and stride " + Arrays.toString(t.stride()) + "; expected positive"
                        + " sizes and non-negative strides");
            }
            shape[i] = (int) d;
            try {
                numel = Math.multiplyExact(numel, d);
                last = Math.addExact(last, Math.multiplyExact(d - 1, st));
            } catch (ArithmeticException e) {
                throw new WeightFileException(name + ": tensor '" + key + "' has size " + Arrays.toString(t.shape())
                        + " and stride " + Arrays.toString(t.stride()) + ", past 64-bit offsets");
            }
        }
        // a state dict's tensor never holds more elements than its storage: this also bounds the allocation below
        // by the file's size, whatever strides of 0 or overlapping strides claim
        if (numel > have) {
            throw new WeightFileException(name + ": tensor '" + key + "' of size " + Arrays.toString(t.shape())
                    + " has " + numel + " elements, more than its storage '" + s.key() + "' holds (" + have + ")");
        }
        if (t.offset() < 0 || last >= have) {
            throw new WeightFileException(name + ": tensor '" + key + "' of size " + Arrays.toString(
                    t.shape()) + " needs storage '" + s.key() + "' to hold " + (last + 1) + " elements, it holds "
                    + have + " (truncated or corrupt)");
        }
        float[] v = new float[(int) numel];
        long[] idx = new long[shape.length];
        for (int i = 0; i < v.length; i++) {
            long at = t.offset();
            for (int k = 0; k < shape.length; k++) {
                at += idx[k] * t.stride()[k];
            }
            v[i] = s.dtype().read(data, 0, at);
            for (int k = shape.length - 1; k >= 0 && ++idx[k] == shape[k]; k--) {
                idx[k] = 0;
            }
        }
        return shape.length == 0 ? Tensor.scalar(v[0]) : Tensor.of(v, shape);
    }

    /**
     * Writes a state dict in the zip layout, atomically (a temporary file, then a rename). The archive's folder is
     * the file name without its extension, as torch.save names it.
     *
     * @param dtypes element type by key; keys not listed are float32
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, DType> dtypes) throws IOException {
        String archive = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        if (archive.isEmpty()) {
            archive = "archive";
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(tensors.keySet());
        entries.put(archive + "/data.pkl", Pickler.stateDict(keys, tensors, dtypes));
        for (int i = 0; i < keys.size(); i++) {
            Tensor t = tensors.get(keys.get(i));
            DType type = dtypes.getOrDefault(keys.get(i), DType.F32);
            float[] v = t.toArray();
            ByteBuffer buf = ByteBuffer.allocate(v.length * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (float x : v) {
                type.write(buf, x);
            }
            entries.put(archive + "/data/" + i, buf.array());
        }
        entries.put(archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ByteArrayOutputStream mem = new ByteArrayOutputStream();
                Zip.write(mem, entries);
                mem.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
