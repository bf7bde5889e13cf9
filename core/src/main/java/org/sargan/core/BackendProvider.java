package org.sargan.core;

/**
 * Discovers an optional backend through {@link java.util.ServiceLoader} (the CUDA backend in the {@code kernels}
 * module registers one), so that {@code core} never depends on it.
 */
public interface BackendProvider {
    /** The name users select it by, e.g. "cuda". */
    String name();

    /**
     * Creates the backend, or explains why it cannot run here.
     *
     * @throws IllegalStateException with a one-line reason, e.g. "CUDA unavailable: no driver (libcuda.so.1)"
     */
    Backend create();
}
