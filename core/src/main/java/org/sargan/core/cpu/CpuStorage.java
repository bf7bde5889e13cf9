package org.sargan.core.cpu;

import org.sargan.core.Backend;
import org.sargan.core.Storage;

/**
 * CPU memory: a Java float array. {@link #release} (a {@link org.sargan.core.MemoryScope} closing) hands the array
 * to {@link ArrayPool} for the next op and forgets it, so that reading a freed tensor fails loudly instead of
 * seeing another tensor's values.
 */
public final class CpuStorage implements Storage {
    private float[] data;
    private final int size;

    public CpuStorage(float[] data) {
        this.data = data;
        this.size = data.length;
    }

    public float[] data() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("cpu: this tensor's memory was freed, when the MemoryScope it was made in "
                    + "closed (keep() it in that scope to read it afterwards), by backward once it had passed the "
                    + "gradient on (Autograd.backwardFreeing: every intermediate result once backward was past it), "
                    + "or by a layer's forward without gradients once the next layer had used it");
        }
        return d;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public synchronized void release() {
        if (data != null) {
            ArrayPool.give(data);
            data = null;
        }
    }
}
