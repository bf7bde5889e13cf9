package org.sargan.kernels;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A caching allocator for device memory: freed blocks go to a free list by size class and are handed out again,
 * so that the steady state of training (the same shapes every iteration) makes no cuMemAlloc / cuMemFree calls,
 * which synchronise the device and cost far more than a kernel.
 *
 * <p>Tensors are freed when the {@code MemoryScope} that made them closes, or else by the garbage collector (a
 * {@link java.lang.ref.Cleaner} in {@link CudaStorage} calls {@link #release}). Because the Java heap barely
 * notices device memory, the allocator asks for a collection itself when the bytes handed out and not returned
 * since the last one pass {@code gcEveryBytes} (under scopes that never happens in the steady state), and when the
 * device is full it collects, returns its cache to the driver and tries again before reporting out-of-memory.
 *
 * <p>Reuse is safe without events because every kernel runs on one stream: a block is handed out again only to an
 * op enqueued after every op that used it.
 *
 * @param <P> the driver's handle to a block (a CUdeviceptr; tests use a fake)
 */
public final class DeviceMemory<P> {
    /** What the allocator needs from the driver. */
    public interface Raw<P> {
        /** @return the new block, or null when the device is out of memory */
        P alloc(long bytes);

        void free(P block);
    }

    /** A block handed out: its handle and its size class in bytes. */
    public record Block<P>(P handle, long bytes) {
    }

    /**
     * -Dsargan.cuda.exactSizes=true: blocks of exactly the requested size (still reused, by exact size), so that a
     * memory checker sees a kernel that reads or writes past the end of a tensor. For debugging only.
     */
    static final boolean EXACT_SIZES = Boolean.getBoolean("sargan.cuda.exactSizes");

    private final Raw<P> raw;
    private final long gcEveryBytes;
    private final Map<Long, ArrayDeque<P>> free = new HashMap<>();
    private long inUse;
    private long cached;
    private long peak;
    /** Bytes handed out and not returned since the last collection: what only the collector can still free. */
    private long sinceGc;
    private long collections;
    private long driverAllocs;
    private long reused;

    public DeviceMemory(Raw<P> raw, long gcEveryBytes) {
        this.raw = raw;
        this.gcEveryBytes = gcEveryBytes;
    }

    /**
     * The size class of a request: at least 512 bytes, then powers of two up to 1 MiB, above that multiples of an
     * eighth of the next power of two (at most 12.5% unused, while tensors of nearby sizes share a class).
     */
    public static long sizeClass(long bytes) {
        if (bytes <= 512) {
            return 512;
        }
        long pow = Long.highestOneBit(bytes - 1) << 1;  // next power of two >= bytes
        if (pow <= (1 << 20)) {
            return pow;
        }
        long step = pow / 8;
        return (bytes + step - 1) / step * step;
    }

    /**
     * A block of at least {@code bytes}.
     *
     * @param what the op and shapes, for the out-of-memory message
     */
    public Block<P> allocate(long bytes, String what) {
        long size = EXACT_SIZES ? Math.max(4, bytes) : sizeClass(bytes);
        P p = take(size);
        if (p != null) {
            return new Block<>(p, size);
        }
        if (sinceGcExceeded(size)) {
            collectGarbage();
            p = take(size);
            if (p != null) {
                return new Block<>(p, size);
            }
        }
        p = raw.alloc(size);
        if (p == null) {
            // Full: let the collector find dead tensors, give the whole cache back to the driver, try again.
            collectGarbage();
            trim();
            p = raw.alloc(size);
        }
        if (p == null) {
            throw new CudaException("cuda: " + what + ": out of device memory allocating " + mib(size)
                    + " (in use " + mib(inUse()) + ", cached " + mib(cached()) + ")");
        }
        synchronized (this) {
            driverAllocs++;
            inUse += size;
            sinceGc += size;
            peak = Math.max(peak, inUse);
        }
        return new Block<>(p, size);
    }

    private synchronized P take(long size) {
        ArrayDeque<P> q = free.get(size);
        if (q == null || q.isEmpty()) {
            return null;
        }
        cached -= size;
        inUse += size;
        sinceGc += size;
        peak = Math.max(peak, inUse);
        reused++;
        return q.pop();
    }

    private synchronized boolean sinceGcExceeded(long size) {
        return sinceGc + size > gcEveryBytes;
    }

    /**
     * Returns a block to the cache (called by the cleaner of a dead tensor, on any thread, or at once when a
     * scope frees it). What comes back no longer counts towards the next collection.
     */
    public synchronized void release(Block<P> block) {
        inUse -= block.bytes();
        sinceGc = Math.max(0, sinceGc - block.bytes());
        cached += block.bytes();
        free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block.handle());
    }

    /** Frees every cached block back to the driver. */
    public synchronized void trim() {
        for (ArrayDeque<P> q : free.values()) {
            for (P p : q) {
                raw.free(p);
            }
        }
        free.clear();
        cached = 0;
    }

    /** A full collection, then a short wait for the cleaner thread to hand the dead tensors' blocks back. */
    private void collectGarbage() {
        long before = cached();
        System.gc();
        for (int i = 0; i < 20 && cached() == before; i++) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            sinceGc = 0;
            collections++;
        }
    }

    public synchronized long inUse() {
        return inUse;
    }

    public synchronized long cached() {
        return cached;
    }

    public synchronized long peak() {
        return peak;
    }

    /** Garbage collections this allocator asked for. */
    public synchronized long collections() {
        return collections;
    }

    /** Blocks obtained from the driver, and requests served from the cache. */
    public synchronized long[] counts() {
        return new long[] {driverAllocs, reused};
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    @Override
    public synchronized String toString() {
        return "device memory: in use " + mib(inUse) + ", cached " + mib(cached) + ", peak " + mib(peak) + ", "
                + driverAllocs + " driver allocations, " + reused + " reuses";
    }
}
