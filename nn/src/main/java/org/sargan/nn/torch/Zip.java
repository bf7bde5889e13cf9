package org.sargan.nn.torch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.sargan.nn.WeightFileException;

/**
 * The part of the zip format that {@code torch.save} uses: stored (uncompressed) entries, Zip64 records, and the
 * data of each entry aligned to 64 bytes by padding the local header's extra field, as PyTorch's writer does.
 * Reading also accepts deflated entries (a zip re-packed by another tool), up to {@link #INFLATE_FACTOR} times the
 * file's size in all, and checks every entry's CRC-32. Every offset and size is checked against
 * the buffer before it is used, so a truncated or corrupt archive is a {@link WeightFileException}, never an
 * out-of-bounds read or an allocation beyond a small multiple of the file.
 */
final class Zip {
    private static final int LOCAL = 0x04034b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int END64 = 0x06064b50;
    private static final int LOCATOR64 = 0x07064b50;
    /** PyTorch aligns each entry's data to this many bytes. */
    static final int ALIGN = 64;
    /** Deflated entries may expand to this many times the archive's size in all (and always to 64 MiB). */
    private static final long INFLATE_FACTOR = 4;
    private static final long MIN_INFLATE_CAP = 64L << 20;

    private Zip() {
    }

    /** True if the bytes start like a zip archive. */
    static boolean looksLikeZip(ByteBuffer b) {
        return b.remaining() >= 4 && b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(b.position()) == LOCAL;
    }

    /** The entries of an archive by name, each a view of the buffer (stored) or a decompressed copy (deflated). */
    static Map<String, ByteBuffer> read(ByteBuffer whole, String file) throws WeightFileException {
        ByteBuffer b = whole.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.limit();
        int end = -1;
        // the end record is the last 22 bytes plus a comment of up to 65,535 bytes
        for (int p = n - 22; p >= Math.max(0, n - 22 - 65_535); p--) {
            if (b.getInt(p) == END) {
                end = p;
                break;
            }
        }
        if (end < 0) {
            throw new WeightFileException(file + " is a truncated or corrupt zip archive: no end-of-archive record");
        }
        long count = b.getShort(end + 10) & 0xffff;
        long cdSize = b.getInt(end + 12) & 0xffffffffL;
        long cdOffset = b.getInt(end + 16) & 0xffffffffL;
        if (end >= 20 && b.getInt(end - 20) == LOCATOR64) {
            long e64 = b.getLong(end - 12);
            // compared by subtraction: a 64-bit field from the file may be anything, and a sum could wrap
            check(file, e64 >= 0 && e64 <= end - 56 && b.getInt((int) e64) == END64, "a corrupt Zip64 record");
            count = b.getLong((int) e64 + 32);
            cdSize = b.getLong((int) e64 + 40);
            cdOffset = b.getLong((int) e64 + 48);
        }
        check(file, cdOffset >= 0 && cdSize >= 0 && cdOffset <= end && cdSize <= end - cdOffset && count >= 0
                && count <= cdSize / 46,
                "a central directory outside the file (" + count + " entries at byte " + cdOffset + ")");
        Map<String, ByteBuffer> entries = new LinkedHashMap<>();
        long inflated = 0;
        int p = (int) cdOffset;
        for (long i = 0; i < count; i++) {
            check(file, p + 46 <= cdOffset + cdSize && b.getInt(p) == CENTRAL, "a corrupt central directory entry");
            int method = b.getShort(p + 10) & 0xffff;
            long crc32 = b.getInt(p + 16) & 0xffffffffL;
            long csize = b.getInt(p + 20) & 0xffffffffL;
            long usize = b.getInt(p + 24) & 0xffffffffL;
            int nameLen = b.getShort(p + 28) & 0xffff;
            int extraLen = b.getShort(p + 30) & 0xffff;
            int commentLen = b.getShort(p + 32) & 0xffff;
            long local = b.getInt(p + 42) & 0xffffffffL;
            int next = p + 46 + nameLen + extraLen + commentLen;
            check(file, next <= cdOffset + cdSize, "a central directory entry longer than the directory");
            String name = utf8Name(b, p + 46, nameLen);
            // Zip64 extra field: the 64-bit values of whichever 32-bit fields are 0xffffffff, in this order
            for (int x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
                int id = b.getShort(x) & 0xffff;
                int len = b.getShort(x + 2) & 0xffff;
                check(file, x + 4 + len <= p + 46 + nameLen + extraLen, "a corrupt extra field in '" + name + "'");
                if (id == 1) {
                    int q = x + 4;
                    if (usize == 0xffffffffL && q + 8 <= x + 4 + len) {
                        usize = b.getLong(q);
                        q += 8;
                    }
                    if (csize == 0xffffffffL && q + 8 <= x + 4 + len) {
                        csize = b.getLong(q);
                        q += 8;
                    }
                    if (local == 0xffffffffL && q + 8 <= x + 4 + len) {
                        local = b.getLong(q);
                    }
                }
                x += 4 + len;
            }
            check(file, local >= 0 && local <= cdOffset - 30 && b.getInt((int) local) == LOCAL,
                    "entry '" + name + "' has no local header at byte " + local);
            long data = local + 30 + (b.getShort((int) local + 26) & 0xffff) + (b.getShort((int) local + 28) & 0xffff);
            check(file, csize >= 0 && data <= cdOffset && csize <= cdOffset - data, "entry '" + name + "' (" + csize
                    + " bytes at byte " + data + ") runs past the data section: the archive is truncated");
            ByteBuffer raw = b.slice((int) data, (int) csize).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer content = switch (method) {
                case 0 -> {
                    check(file, usize == csize, "stored entry '" + name + "' with two different sizes");
                    yield raw;
                }
                case 8 -> {
                    // all entries together may inflate to at most INFLATE_FACTOR times the file (a zip bomb is
                    // refused, however many directory entries point at the same data)
                    inflated += usize;
                    check(file, inflated <= Math.max(MIN_INFLATE_CAP, INFLATE_FACTOR * (long) n), "deflated entries "
                            + "claim " + inflated + " bytes from a " + n + "-byte file");
                    yield inflate(raw, usize, file, name);
                }
                default -> throw new WeightFileException(file + ": zip entry '" + name + "' uses compression method "
                        + method + "; only stored (0) and deflate (8) are read");
            };
            CRC32 crc = new CRC32();
            crc.update(content.duplicate());
            check(file, crc.getValue() == crc32, "entry '" + name + "' fails its CRC-32 check (the bytes are damaged)");
            entries.put(name, content);
            p = next;
        }
        return entries;
    }

    private static ByteBuffer inflate(ByteBuffer raw, long usize, String file, String name)
            throws WeightFileException {
        check(file, usize <= Integer.MAX_VALUE - 8, "deflated entry '" + name + "' claims " + usize + " bytes");
        // the output grows with what really decompresses, so a false size claim costs no more than the real data
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw);
            while (out.size() < usize && !inf.finished()) {
                int r = inf.inflate(chunk, 0, (int) Math.min(chunk.length, usize - out.size()));
                if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                out.write(chunk, 0, r);
            }
            check(file, out.size() == usize, "deflated entry '" + name + "' is truncated");
        } catch (DataFormatException e) {
            throw new WeightFileException(file + ": deflated entry '" + name + "' is corrupt: " + e.getMessage());
        } finally {
            inf.end();
        }
        return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An entry's name (used only to look entries up, never as a path on disk). */
    private static String utf8Name(ByteBuffer b, int at, int len) {
        byte[] s = new byte[len];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void check(String file, boolean ok, String what) throws WeightFileException {
        if (!ok) {
            throw new WeightFileException(file + " is a truncated or corrupt zip archive: " + what);
        }
    }

    /** Writes stored entries in order, each entry's data starting at a multiple of {@link #ALIGN}. */
    static void write(OutputStream out, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        long offset = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            // pad the extra field (id 0x4246, "FB", PyTorch's choice) so the data starts aligned
            int pad = (int) ((ALIGN - (offset + 30 + name.length + 4) % ALIGN) % ALIGN);
            ByteBuffer h = le(30 + name.length + 4 + pad);
            h.putInt(LOCAL).putShort((short) 20).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                    .putShort((short) name.length).putShort((short) (4 + pad)).put(name)
                    .putShort((short) 0x4246).putShort((short) pad).put(new byte[pad]);
            out.write(h.array());
            out.write(data);
            ByteBuffer c = le(46 + name.length);
            c.putInt(CENTRAL).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt((int) crc.getValue()).putInt(data.length)
                    .putInt(data.length).putShort((short) name.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) offset).put(name);
            central.write(c.array());
            offset += h.capacity() + data.length;
        }
        if (offset > 0xffffffffL - central.size()) {
            throw new IOException("zip: archives over 4 GB are not written");
        }
        out.write(central.toByteArray());
        ByteBuffer end = le(22);
        end.putInt(END).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(central.size()).putInt((int) offset).putShort((short) 0);
        out.write(end.array());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
