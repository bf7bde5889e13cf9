/**
 * The CUDA backend: JCuda driver API and hand-written kernels behind the same {@link org.sargan.core.Backend}
 * interface as the CPU reference. It registers itself through {@link org.sargan.core.BackendProvider} so that
 * {@code core} never depends on it. This module holds no backend yet; until it does, only the CPU backend is
 * discovered and {@code sargan info} says so.
 */
package org.sargan.kernels;
