package org.sargan.nn.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;
import org.sargan.nn.DType;
import org.sargan.nn.WeightFileException;

/**
 * The torch.save reader and writer on hand-made files: a round trip of every element type, and each kind of bad
 * file refused with one clean message that names the problem. Files from PyTorch itself are checked in the sargan
 * module's InteropTest and TorchFileFuzzTest.
 */
class TorchFileTest {

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 1e-3f, -7f}, 2, 3));
        t.put("half", Tensor.of(new float[] {0.5f, -1.25f, 65504f, 6e-8f}, 4));
        t.put("bf16", Tensor.of(new float[] {1f, -3.5f, 256f}, 3));
        t.put("count", Tensor.scalar(12345f));
        return t;
    }

    @Test
    void roundTripOfEveryElementType(@TempDir Path tmp) throws IOException {
        Map<String, DType> types = Map.of("half", DType.F16, "bf16", DType.BF16, "count", DType.I64);
        Path f = tmp.resolve("m.pt");
        TorchFile.write(f, sample(), types);
        Map<String, Tensor> back = TorchFile.read(f);
        assertEquals(sample().keySet(), back.keySet());
        for (String k : back.keySet()) {
            assertArrayEquals(sample().get(k).shape(), back.get(k).shape(), k);
        }
        // these values are exact in their narrow types except 6e-8, which float16 rounds to its subnormal 2^-24 * 1
        assertArrayEquals(new float[] {0.5f, -1.25f, 65504f, 0x1p-24f}, back.get("half").toArray(), 0f);
        assertArrayEquals(sample().get("bf16").toArray(), back.get("bf16").toArray(), 0f);
        assertArrayEquals(sample().get("w").toArray(), back.get("w").toArray(), 0f);
        assertEquals(12345f, back.get("count").item());
        // each storage starts 64-byte aligned, as PyTorch writes (and memory-maps) them
        byte[] bytes = Files.readAllBytes(f);
        int at = indexOf(bytes, "m/data/0".getBytes(StandardCharsets.US_ASCII));
        int data = at + "m/data/0".length() + 4 + (bytes[at + 10] & 0xff);
        assertEquals(0, data % Zip.ALIGN, "data of m/data/0 starts at " + data);
    }

    @Test
    void halfPrecisionConversionIsExactAndRoundsToNearestEven() {
        for (int h = 0; h < 0x10000; h++) {
            float f = DTypeAccess.half((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, DTypeAccess.toHalf(f), "float16 " + Integer.toHexString(h));
            }
        }
        // 1 + 2^-11 is halfway between 1 and the next float16 (1 + 2^-10): ties go to the even one, 1
        assertEquals(DTypeAccess.toHalf(1f), DTypeAccess.toHalf(1f + 0x1p-11f));
        assertEquals(DTypeAccess.toHalf(1f + 0x1p-9f), DTypeAccess.toHalf(1f + 0x1p-10f + 0x1p-11f));
        assertEquals(Float.POSITIVE_INFINITY, DTypeAccess.half(DTypeAccess.toHalf(70000f)));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(hay, i, i + needle.length), needle)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** A zip torch file around a hand-written pickle and storages. */
    private static ByteBuffer archive(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("a/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put("a/data/" + k, v));
        entries.put("a/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Zip.write(out, entries);
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                b.write((Integer) p);
            }
        }
        return b.toByteArray();
    }

    private static String refused(ByteBuffer file) {
        return assertThrows(WeightFileException.class, () -> TorchFile.read(file, "bad.pt")).getMessage();
    }

    @Test
    void aPickleThatReachesAnyOtherGlobalIsRefusedByName() throws IOException {
        // the classic exploit: posix.system('echo pwned') through REDUCE
        byte[] exploit = bytes(0x80, 2, "cposix\nsystem\n", "X", 10, 0, 0, 0, "echo pwned", 0x85, "R", ".");
        String m = refused(archive(exploit, Map.of()));
        assertTrue(m.contains("bad.pt") && m.contains("refuses the global posix.system"), m);
        // the same through protocol 4's STACK_GLOBAL
        byte[] stack = bytes(0x80, 4, 0x8c, 8, "builtins", 0x8c, 4, "eval", 0x93, 0x8c, 1, "1", 0x85, "R", ".");
        m = refused(archive(stack, Map.of()));
        assertTrue(m.contains("refuses the global builtins.eval"), m);
        // opcodes a state dict never uses (INST builds any class) are refused before they do anything
        m = refused(archive(bytes(0x80, 2, "(iposix\nsystem\n."), Map.of()));
        assertTrue(m.contains("opcode 0x69 ('i') is not allowed"), m);
    }

    /** {'w': _rebuild_tensor_v2(storage('0', numel), 0, (n,), (1,), False, OrderedDict())} */
    private static byte[] oneTensor(String storageClass, int storageNumel, int n) {
        return bytes(0x80, 2, "ccollections\nOrderedDict\n)R(", "X", 1, 0, 0, 0, "w",
                "ctorch._utils\n_rebuild_tensor_v2\n((", "X", 7, 0, 0, 0, "storage", "ctorch\n" + storageClass + "\n",
                "X", 1, 0, 0, 0, "0", "X", 3, 0, 0, 0, "cpu", "K", storageNumel, "tQ", "K", 0, "K", n, 0x85, "K", 1,
                0x85, 0x89, "ccollections\nOrderedDict\n)RtRu.");
    }

    @Test
    void aHandWrittenStateDictIsRead() throws IOException {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2)
                .putFloat(3).array();
        Map<String, Tensor> t = TorchFile.read(archive(oneTensor("FloatStorage", 3, 3), Map.of("0", data)), "ok.pt");
        assertArrayEquals(new float[] {1, 2, 3}, t.get("w").toArray(), 0f);
    }

    @Test
    void badStoragesAndTypesAreNamed() throws IOException {
        // a storage shorter than its tensor: 3 elements claimed, 2 stored
        String m = refused(archive(oneTensor("FloatStorage", 3, 3), Map.of("0", new byte[8])));
        assertTrue(m.contains("tensor 'w'") && m.contains("holds (2)"), m);
        // a view past the end of its storage
        m = refused(archive(oneTensor("FloatStorage", 3, 5), Map.of("0", new byte[12])));
        assertTrue(m.contains("has 5 elements, more than its storage '0' holds (3)"), m);
        // float64 is not a dtype this engine reads
        m = refused(archive(oneTensor("DoubleStorage", 3, 3), Map.of("0", new byte[24])));
        assertTrue(m.contains("unexpected dtype: storage class torch.DoubleStorage"), m);
        // the storage entry is missing from the archive
        m = refused(archive(oneTensor("FloatStorage", 3, 3), Map.of()));
        assertTrue(m.contains("storage '0' is missing"), m);
    }

    @Test
    void truncatedAndForeignFilesAreNamed(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("m.pt");
        TorchFile.write(f, sample(), Map.of());
        byte[] whole = Files.readAllBytes(f);
        for (int cut : new int[] {whole.length - 1, whole.length / 2, 40, 4}) {
            String m = refused(ByteBuffer.wrap(Arrays.copyOf(whole, cut)));
            assertTrue(m.startsWith("bad.pt") && (m.contains("truncated") || m.contains("corrupt")), cut + ": " + m);
        }
        String m = refused(ByteBuffer.wrap(bytes(0x80, 2, 0x8a, 1, 5, ".")));
        assertTrue(m.contains("wrong magic number"), m);
    }

    /** A pickle int: BININT for 32 bits, else LONG1 of 8 bytes. */
    private static void pickleInt(ByteArrayOutputStream b, long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            b.write('J');
            for (int i = 0; i < 4; i++) {
                b.write((int) (v >>> (8 * i)) & 0xff);
            }
        } else {
            b.write(0x8a);
            b.write(8);
            for (int i = 0; i < 8; i++) {
                b.write((int) (v >>> (8 * i)) & 0xff);
            }
        }
    }

    /** {'w': a float32 tensor of the given size and stride over storage '0' of storageNumel elements}. */
    private static byte[] view(long storageNumel, long[] size, long[] stride, boolean legacy) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes(0x80, 2, "ccollections\nOrderedDict\n)R(", "X", 1, 0, 0, 0, "w",
                "ctorch._utils\n_rebuild_tensor_v2\n((", "X", 7, 0, 0, 0, "storage", "ctorch\nFloatStorage\n",
                "X", 1, 0, 0, 0, "0", "X", 3, 0, 0, 0, "cpu"));
        pickleInt(b, storageNumel);
        b.writeBytes(bytes(legacy ? "Nt" : "t", "Q", "K", 0, "("));
        for (long v : size) {
            pickleInt(b, v);
        }
        b.writeBytes(bytes("t("));
        for (long v : stride) {
            pickleInt(b, v);
        }
        b.writeBytes(bytes("t", 0x89, "ccollections\nOrderedDict\n)RtRu."));
        return b.toByteArray();
    }

    /** The legacy layout: magic, protocol, system info, the state dict, the key list, then each storage. */
    private static ByteBuffer legacy(byte[] stateDict, byte[] keyList, byte[] storages) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes(0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, "."));
        b.writeBytes(bytes(0x80, 2, "M", 0xe9, 0x03, "."));
        b.writeBytes(bytes(0x80, 2, "}", "X", 13, 0, 0, 0, "little_endian", 0x88, "s."));
        b.writeBytes(stateDict);
        b.writeBytes(keyList);
        b.writeBytes(storages);
        return ByteBuffer.wrap(b.toByteArray());
    }

    @Test
    void valuesThatWouldRecurseOrHangAreRefusedAsDictKeys() {
        // a list appended to itself, then used as a key: hashing it would recurse without end
        byte[] cycle = bytes(0x80, 2, "}]q", 0, "h", 0, "aK", 0, "s.");
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            String m = refused(archive(cycle, Map.of()));
            assertTrue(m.contains("a dict key that is a ArrayList"), m);
        });
        // 60 levels of tuples sharing their halves: hashing the key would take 2^60 steps
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes(0x80, 2, "})"));
        for (int i = 0; i < 60; i++) {
            b.writeBytes(bytes("q", i, "h", i, 0x86));
        }
        b.writeBytes(bytes("K", 0, "s."));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            String m = refused(archive(b.toByteArray(), Map.of()));
            assertTrue(m.contains("a dict key that is a"), m);
        });
    }

    @Test
    void viewsLargerThanTheirStorageAreRefusedBeforeAllocating() throws IOException {
        // stride 0 would turn 4 bytes into 8 GB; overlapping strides 1999 floats into a million
        String m = refused(archive(view(1, new long[] {2147483639L}, new long[] {0}, false),
                Map.of("0", new byte[4])));
        assertTrue(m.contains("more than its storage '0' holds (1)"), m);
        m = refused(archive(view(1999, new long[] {1000, 1000}, new long[] {1, 1}, false),
                Map.of("0", new byte[4 * 1999])));
        assertTrue(m.contains("1000000 elements, more than its storage"), m);
        // a stride past 64-bit offsets
        m = refused(archive(view(3, new long[] {3}, new long[] {1L << 62}, false), Map.of("0", new byte[12])));
        assertTrue(m.contains("past 64-bit offsets"), m);
    }

    @Test
    void legacyStoragesAreCheckedAgainstTheFile() {
        byte[] keys = bytes(0x80, 2, "]X", 1, 0, 0, 0, "0", "a.");
        // a numel whose byte count wraps a long: 0x2000000020000000 floats
        long huge = 0x2000000020000000L;
        ByteBuffer count = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(huge);
        String m = refused(legacy(view(huge, new long[] {1}, new long[] {1}, true), keys, count.array()));
        assertTrue(m.contains("claims " + huge + " elements"), m);
        // a storage the state dict uses but the key list leaves out
        m = refused(legacy(view(2, new long[] {2}, new long[] {1}, true), bytes(0x80, 2, "]."), new byte[0]));
        assertTrue(m.contains("uses storage '0', for which the file holds no data"), m);
        // and the good case reads
        ByteBuffer good = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(2).putFloat(1.5f)
                .putFloat(-2f);
        try {
            assertArrayEquals(new float[] {1.5f, -2f}, TorchFile.read(legacy(view(2, new long[] {2},
                    new long[] {1}, true), keys, good.array()), "ok.pt").get("w").toArray(), 0f);
        } catch (WeightFileException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void damagedArchivesAreRefused(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("m.pt");
        TorchFile.write(f, sample(), Map.of());
        byte[] whole = Files.readAllBytes(f);
        // one bit flipped inside a weight: the CRC-32 catches it
        int at = indexOf(whole, "m/data/0".getBytes(StandardCharsets.US_ASCII));
        int data = at + "m/data/0".length() + 4 + (whole[at + 10] & 0xff);
        byte[] flipped = whole.clone();
        flipped[data + 1] ^= 4;
        String m = refused(ByteBuffer.wrap(flipped));
        assertTrue(m.contains("'m/data/0' fails its CRC-32 check"), m);
        // a Zip64 locator pointing near Long.MAX_VALUE (a sum there would wrap to a negative index)
        int end = whole.length - 22;
        ByteBuffer locator = ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x07064b50)
                .putInt(0).putLong(0x7FFFFFFFFFFFFFF5L).putInt(1);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(whole, 0, end);
        z.writeBytes(locator.array());
        z.write(whole, end, 22);
        m = refused(ByteBuffer.wrap(z.toByteArray()));
        assertTrue(m.contains("a corrupt Zip64 record"), m);
        // a deflate bomb: 100 MB of zeros in a small file
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bomb)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("a/data.pkl"));
            zip.write(oneTensor("FloatStorage", 3, 3));
            zip.putNextEntry(new java.util.zip.ZipEntry("a/data/0"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                zip.write(zeros);
            }
        }
        m = refused(ByteBuffer.wrap(bomb.toByteArray()));
        assertTrue(m.contains("deflated entries claim 1048577") && m.contains("-byte file"), m);
    }

    /** Package access to DType's float16 conversions for the exhaustive test. */
    private static final class DTypeAccess {
        static float half(short h) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(h);
            return DType.F16.read(b, 0, 0);
        }

        static short toHalf(float f) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            DType.F16.write(b, f);
            return b.getShort(0);
        }
    }
}
