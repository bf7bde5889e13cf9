package org.sargan.core.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays for the CPU backend's outputs and large temporaries, reused instead of allocated afresh: a training
 * step makes the same shapes every iteration, so the arrays that {@link org.sargan.core.MemoryScope} frees at the
 * end of one step are the ones the next step asks for. Without it every op's output was a new array of megabytes,
 * mostly "humongous" to the G1 collector, and a D+G step spent up to 40% of its time collecting them.
 *
 * <p>{@link #zeroed} arrays come back zeroed, exactly as {@code new float[n]} would; {@link #dirty} ones keep old
 * values, for the kernels that overwrite every element (element-wise ops, Adam, the norms, GEMM outputs). Only arrays
 * of at least {@link #MIN_LENGTH} floats are pooled (smaller ones cost the collector nearly nothing). An array must
 * be given back only when nothing reads it again; {@link CpuStorage#release} makes sure of that for tensors.
 *
 * <p>The pool holds at most half the maximum heap; beyond that, given arrays are left to the collector. It must hold
 * every array a step uses: a 128 px D+G step made 2.5 GB of them (peak 1.7 GB in use at once, the rest are sizes
 * used at other times), and with a quarter of -Xmx8g as the limit, 140-250 MB were dropped and made afresh every
 * step, each time copied out of the young generation by a 0.4-2.9 s collection. And should the heap still run out
 * while the pool holds arrays, {@link #allocate} drops them all and tries once more, so that the pool never turns a
 * run that fits into an {@link OutOfMemoryError}.
 */
final class ArrayPool {
    static final int MIN_LENGTH = 1 << 14;
    private static final long CAPACITY = Runtime.getRuntime().maxMemory() / 2 / Float.BYTES;
    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long held;
    private static volatile boolean enabled = true;

    private ArrayPool() {
    }

    /** Turns reuse on or off (off: every array is new, as without the pool; for tests that compare the two). */
    static void setEnabled(boolean on) {
        enabled = on;
        if (!on) {
            synchronized (ArrayPool.class) {
                FREE.clear();
                held = 0;
            }
        }
    }

    /** A zeroed array of n floats: a pooled one of that length if any, else a new one. */
    static float[] zeroed(int n) {
        float[] a = n >= MIN_LENGTH ? take(n) : null;
        if (a == null) {
            return allocate(n);
        }
        if (n >= 1 << 20) {
            Parallel.forRange(n, 1 << 18, (lo, hi) -> Arrays.fill(a, lo, hi, 0f));
        } else {
            Arrays.fill(a, 0f);
        }
        return a;
    }

    /**
     * An array of n floats with arbitrary contents (a pooled one's old values): only for a kernel that writes every
     * element before anything reads it, which saves the pass that zeroing costs.
     */
    static float[] dirty(int n) {
        float[] a = n >= MIN_LENGTH ? take(n) : null;
        return a == null ? allocate(n) : a;
    }

    /**
     * The calling thread's scratch array of at least n floats from {@code buffer}, grown (never shrunk) when too
     * small: for kernels that reuse one work buffer per thread across calls. Contents arbitrary: the caller writes
     * every float it reads.
     */
    static float[] threadBuffer(ThreadLocal<float[]> buffer, int n) {
        float[] a = buffer.get();
        if (a.length < n) {
            a = allocate(n);
            buffer.set(a);
        }
        return a;
    }

    /**
     * A new array of n floats; if the heap is full, the pool's free arrays are dropped (they are only a cache) and
     * the allocation tried once more, which then fails only if the run truly needs more than the heap.
     */
    static float[] allocate(int n) {
        try {
            return new float[n];
        } catch (OutOfMemoryError full) {
            synchronized (ArrayPool.class) {
                if (held == 0) {
                    throw full;
                }
                FREE.clear();
                held = 0;
            }
            return new float[n];
        }
    }

    private static synchronized float[] take(int n) {
        ArrayDeque<float[]> q = FREE.get(n);
        float[] a = q == null ? null : q.poll();
        if (a != null) {
            held -= n;
        }
        return a;
    }

    /** Gives a back for reuse; its contents are garbage from now on. */
    static synchronized void give(float[] a) {
        if (!enabled || a == null || a.length < MIN_LENGTH || held + a.length > CAPACITY) {
            return;
        }
        FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        held += a.length;
    }

    /** Floats held for reuse now (for tests). */
    static synchronized long held() {
        return held;
    }
}
