package org.sargan.kernels;

import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;
import org.sargan.core.Backend;
import org.sargan.core.Storage;

/**
 * Device memory behind a tensor: a block of the caching allocator, returned to it when the tensor is garbage.
 * The cleaner's action holds only the block and the allocator, never this object (or it would never be collected).
 */
final class CudaStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Backend backend;
    private final DeviceMemory.Block<CUdeviceptr> block;
    private final int size;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;

    CudaStorage(Backend backend, DeviceMemory<CUdeviceptr> memory, DeviceMemory.Block<CUdeviceptr> block, int size) {
        this.backend = backend;
        this.block = block;
        this.size = size;
        this.cleanable = CLEANER.register(this, () -> memory.release(block));
    }

    /**
     * Returns the block to the allocator now, for an op's own temporaries (im2col columns, split-K partials) that
     * are dead once the op has enqueued its last kernel, and for the tensors of a closing {@code MemoryScope}; the
     * cleaner then has nothing left to do. Safe before the kernels ran: every later use of the block is enqueued
     * behind them on the same stream. A later {@link #pointer} refuses.
     */
    @Override
    public void release() {
        released = true;
        cleanable.clean();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public int size() {
        return size;
    }

    CUdeviceptr pointer() {
        if (released) {
            throw new IllegalStateException("cuda: a tensor of " + size + " floats was read after its memory was"
                    + " freed (by the MemoryScope that made it; keep it with MemoryScope.keep to use it later)");
        }
        return block.handle();
    }
}
