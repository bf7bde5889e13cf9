package org.sargan.core.cpu;

import org.sargan.core.Backend;
import org.sargan.core.Storage;

/** CPU memory: a Java float array. */
public record CpuStorage(float[] data) implements Storage {
    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }

    @Override
    public int size() {
        return data.length;
    }
}
