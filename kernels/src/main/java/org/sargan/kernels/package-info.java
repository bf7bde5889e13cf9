/**
 * The CUDA backend: {@link org.sargan.kernels.CudaBackend} implements {@link org.sargan.core.Backend} with
 * hand-written kernels ({@code src/main/cuda/*.cu}, compiled by nvcc during the build) launched through the
 * JCuda driver API. Reading order: {@link org.sargan.kernels.CudaDriver} (finding a GPU, loading kernels),
 * {@link org.sargan.kernels.DeviceMemory} (the caching allocator), {@link org.sargan.kernels.KernelArgs} and
 * {@link org.sargan.kernels.LaunchShape} (what a launch is made of), {@link org.sargan.kernels.IndexPlan}
 * (broadcasting on the device), then {@link org.sargan.kernels.CudaBackend}, one method per op.
 */
package org.sargan.kernels;
