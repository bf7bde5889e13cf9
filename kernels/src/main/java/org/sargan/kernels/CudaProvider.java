package org.sargan.kernels;

import org.sargan.core.Backend;
import org.sargan.core.BackendProvider;

/** Registers the CUDA backend with {@link org.sargan.core.Backends} (META-INF/services). */
public final class CudaProvider implements BackendProvider {
    @Override
    public String name() {
        return CudaBackend.NAME;
    }

    /** @throws IllegalStateException "CUDA unavailable: reason" when there is no usable GPU or no kernels */
    @Override
    public Backend create() {
        return CudaBackend.create();
    }
}
