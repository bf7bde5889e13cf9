package org.sargan.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.Pointer;

/**
 * The parameters of one kernel launch, in the order of the kernel's signature. cuLaunchKernel takes an array of
 * pointers, one per parameter, each pointing at the parameter's bytes; this builder keeps the values and their kinds
 * (so tests and error messages can show them) and makes that array only at launch.
 */
public final class KernelArgs {
    /** The C type of a parameter. */
    public enum Kind {
        /** a device pointer (8 bytes) */
        PTR,
        INT,
        FLOAT,
        /** a struct of ints passed by value, e.g. an IndexPlan */
        INTS
    }

    private final List<Kind> kinds = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    public KernelArgs ptr(CudaStorage s) {
        return add(Kind.PTR, s);
    }

    public KernelArgs i(int v) {
        return add(Kind.INT, v);
    }

    public KernelArgs f(float v) {
        return add(Kind.FLOAT, v);
    }

    /** A struct of ints by value, packed in declaration order (no padding between ints). */
    public KernelArgs ints(int[] v) {
        return add(Kind.INTS, v.clone());
    }

    private KernelArgs add(Kind k, Object v) {
        kinds.add(k);
        values.add(v);
        return this;
    }

    public List<Kind> kinds() {
        return List.copyOf(kinds);
    }

    public Object value(int i) {
        return values.get(i);
    }

    public int size() {
        return kinds.size();
    }

    /**
     * The bytes the kernel receives for parameter i (little-endian, as the device reads them): exactly what
     * {@link #toPointer} hands to cuLaunchKernel for every kind but a device pointer.
     */
    public byte[] bytes(int i) {
        Object v = values.get(i);
        ByteBuffer b;
        switch (kinds.get(i)) {
            case INT -> b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((Integer) v);
            case FLOAT -> b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat((Float) v);
            case INTS -> {
                int[] a = (int[]) v;
                b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int x : a) {
                    b.putInt(x);
                }
            }
            default -> throw new IllegalStateException("kernel args: a device pointer's bytes are the driver's");
        }
        return b.array();
    }

    /** The pointer-to-pointers that cuLaunchKernel expects. */
    Pointer toPointer() {
        Pointer[] ps = new Pointer[values.size()];
        for (int i = 0; i < ps.length; i++) {
            Object v = values.get(i);
            ps[i] = kinds.get(i) == Kind.PTR ? Pointer.to(((CudaStorage) v).pointer()) : Pointer.to(bytes(i));
        }
        return Pointer.to(ps);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values.get(i);
            sb.append(switch (kinds.get(i)) {
                case PTR -> "ptr[" + ((CudaStorage) v).size() + "]";
                case INTS -> Arrays.toString((int[]) v);
                default -> String.valueOf(v);
            });
        }
        return sb.append(')').toString();
    }
}
