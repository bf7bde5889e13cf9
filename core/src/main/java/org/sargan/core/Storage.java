package org.sargan.core;

/**
 * The memory behind a tensor, owned by one {@link Backend}: a Java array for the CPU, device memory for CUDA.
 * Storage is immutable once an op has produced it (ops never write into their inputs), so tensors may share it.
 */
public interface Storage {
    /** The backend that owns this memory and runs every op on it. */
    Backend backend();

    /** Number of float32 elements. */
    int size();

    /**
     * Gives the memory back now, before the garbage collector would ({@link MemoryScope}): only for memory that
     * nothing reads again. The CPU leaves its arrays to the collector.
     */
    default void release() {
    }
}
