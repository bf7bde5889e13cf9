package org.sargan.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The element types that weight files hold. The engine computes in float32 only: on reading, float16 and bfloat16
 * are widened exactly, int64 (PyTorch's {@code num_batches_tracked} counters) is converted; on writing, values are
 * narrowed back (float16 rounds to nearest even, int64 takes the float's integer value).
 */
public enum DType {
    F32(4, "FloatStorage"),
    F16(2, "HalfStorage"),
    BF16(2, "BFloat16Storage"),
    I64(8, "LongStorage");

    private final int bytes;
    private final String torchStorage;

    DType(int bytes, String torchStorage) {
        this.bytes = bytes;
        this.torchStorage = torchStorage;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The storage class PyTorch pickles for this type, e.g. {@code FloatStorage} (module {@code torch}). */
    public String torchStorage() {
        return torchStorage;
    }

    /** By safetensors name (F32, F16, BF16, I64), or null. */
    public static DType ofSafetensors(Object name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** By PyTorch storage class name, or null. */
    public static DType ofTorchStorage(String name) {
        for (DType t : values()) {
            if (t.torchStorage.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Element {@code index} of little-endian data starting at {@code base}, as a float. */
    public float read(ByteBuffer b, int base, long index) {
        int at = Math.toIntExact(base + index * bytes);
        ByteBuffer le = b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (this) {
            case F32 -> le.getFloat(at);
            case F16 -> halfToFloat(le.getShort(at));
            case BF16 -> Float.intBitsToFloat((le.getShort(at) & 0xffff) << 16);
            case I64 -> (float) le.getLong(at);
        };
    }

    /** Appends one value, narrowed to this type, little-endian. */
    public void write(ByteBuffer le, float v) {
        switch (this) {
            case F32 -> le.putFloat(v);
            case F16 -> le.putShort(floatToHalf(v));
            case BF16 -> le.putShort(toBf16(v));
            case I64 -> le.putLong((long) v);
            default -> throw new IllegalStateException(name());
        }
    }

    /** IEEE binary16 to float, exactly (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE binary16, rounding to nearest even; overflow gives infinity. */
    static short floatToHalf(float v) {
        int bits = Float.floatToRawIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        float a = Math.abs(v);
        if (Float.isNaN(v)) {
            return (short) (sign | 0x7e00);
        }
        if (a >= 65520f) {
            return (short) (sign | 0x7c00);
        }
        if (a < 0x1p-14f) {
            // subnormal range: a multiple of 2^-24, Math.rint rounds half to even
            return (short) (sign | (int) Math.rint(a * 0x1p24f));
        }
        int abits = Float.floatToRawIntBits(a);
        int exp = (abits >>> 23) - 112;
        int mant = abits & 0x7fffff;
        int h = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1)) {
            h++;
        }
        return (short) (sign | h);
    }

    /** Round to nearest even on the 16 dropped bits (NaN stays NaN). */
    private static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
