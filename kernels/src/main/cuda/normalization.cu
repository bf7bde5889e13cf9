// Instance normalisation, fused: one block per (n, c) plane of HW pixels computes the statistics, normalises
// and applies the affine in a single launch (forward), or reduces sum(gy), sum(gy * xhat) and writes dx in a
// single launch (backward); dgamma / dbeta then sum the per-plane partials over the batch (a tiny second launch,
// deterministic, no atomics).
//
//   x, y, gy, dx (N, C, HW)   gamma, beta, dgamma, dbeta (C)   mean, rstd, partials (N*C)
//
// Variance is biased and computed from deviations (two passes over values the block already holds), which is
// as accurate as the CPU's double sums for the plane sizes of this model.
#include "common.cuh"

// At most 512 threads per plane, each keeping up to 32 values in registers: planes up to 512 * 32 = 16384 pixels
// (128 x 128) are read from global memory exactly once; larger planes take the _big kernels, which re-read them.
// The host sizes the block to the plane (a power of two from 64 to 512, about 8 values per thread), so that the
// small planes of the SARB layers (32 x 32) do not spend their time in a 512-thread reduction.
// (Java: CudaNormalization.NORM_THREADS, NORM_PER_THREAD.)
#define NORM_THREADS 512
#define NORM_PER_THREAD 32

extern "C" __global__ void __launch_bounds__(NORM_THREADS)
instnorm_fwd_kernel(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                    float* __restrict__ y, float* __restrict__ mean, float* __restrict__ rstd, int C, int HW,
                    float eps) {
    __shared__ float buf[NORM_THREADS];
    int plane = blockIdx.x;
    const float* xp = x + (size_t) plane * HW;
    float v[NORM_PER_THREAD];
    float s = 0.0f;
#pragma unroll
    for (int e = 0; e < NORM_PER_THREAD; e++) {
        int i = threadIdx.x + e * blockDim.x;
        v[e] = i < HW ? xp[i] : 0.0f;
        s += v[e];
    }
    float mu = block_sum(s, buf) / HW;
    float d2 = 0.0f;
#pragma unroll
    for (int e = 0; e < NORM_PER_THREAD; e++) {
        int i = threadIdx.x + e * blockDim.x;
        float d = v[e] - mu;
        d2 += i < HW ? d * d : 0.0f;
    }
    float r = rsqrtf(block_sum(d2, buf) / HW + eps);
    int ch = plane % C;
    float scale = gamma[ch] * r;
    float shift = beta[ch] - mu * scale;
    float* yp = y + (size_t) plane * HW;
#pragma unroll
    for (int e = 0; e < NORM_PER_THREAD; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < HW) {
            yp[i] = v[e] * scale + shift;
        }
    }
    if (threadIdx.x == 0) {
        mean[plane] = mu;
        rstd[plane] = r;
    }
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS)
instnorm_fwd_big_kernel(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                        float* __restrict__ y, float* __restrict__ mean, float* __restrict__ rstd, int C, int HW,
                        float eps) {
    __shared__ float buf[NORM_THREADS];
    int plane = blockIdx.x;
    const float* xp = x + (size_t) plane * HW;
    float s = 0.0f;
    for (int i = threadIdx.x; i < HW; i += blockDim.x) {
        s += xp[i];
    }
    float mu = block_sum(s, buf) / HW;
    float d2 = 0.0f;
    for (int i = threadIdx.x; i < HW; i += blockDim.x) {
        float d = xp[i] - mu;
        d2 += d * d;
    }
    float r = rsqrtf(block_sum(d2, buf) / HW + eps);
    int ch = plane % C;
    float scale = gamma[ch] * r;
    float shift = beta[ch] - mu * scale;
    float* yp = y + (size_t) plane * HW;
    for (int i = threadIdx.x; i < HW; i += blockDim.x) {
        yp[i] = xp[i] * scale + shift;
    }
    if (threadIdx.x == 0) {
        mean[plane] = mu;
        rstd[plane] = r;
    }
}

// dx = gamma * rstd * (gy - mean(gy) - xhat * mean(gy * xhat)); the plane sums go to sumGy / sumGyXhat for
// dgamma = sum_n sum(gy * xhat), dbeta = sum_n sum(gy).
extern "C" __global__ void __launch_bounds__(NORM_THREADS)
instnorm_bwd_kernel(const float* __restrict__ gy, const float* __restrict__ x, const float* __restrict__ gamma,
                    const float* __restrict__ mean, const float* __restrict__ rstd, float* __restrict__ dx,
                    float* __restrict__ sumGy, float* __restrict__ sumGyXhat, int C, int HW) {
    __shared__ float buf[NORM_THREADS];
    int plane = blockIdx.x;
    const float* gp = gy + (size_t) plane * HW;
    const float* xp = x + (size_t) plane * HW;
    float mu = mean[plane];
    float r = rstd[plane];
    float g[NORM_PER_THREAD], xh[NORM_PER_THREAD];
    float sg = 0.0f, sgx = 0.0f;
#pragma unroll
    for (int e = 0; e < NORM_PER_THREAD; e++) {
        int i = threadIdx.x + e * blockDim.x;
        bool in = i < HW;
        g[e] = in ? gp[i] : 0.0f;
        xh[e] = in ? (xp[i] - mu) * r : 0.0f;
        sg += g[e];
        sgx += g[e] * xh[e];
    }
    sg = block_sum(sg, buf);
    sgx = block_sum(sgx, buf);
    float k = gamma[plane % C] * r;
    float mg = sg / HW;
    float mgx = sgx / HW;
    float* dp = dx + (size_t) plane * HW;
#pragma unroll
    for (int e = 0; e < NORM_PER_THREAD; e++) {
        int i = threadIdx.x + e * blockDim.x;
        if (i < HW) {
            dp[i] = k * (g[e] - mg - xh[e] * mgx);
        }
    }
    if (threadIdx.x == 0) {
        sumGy[plane] = sg;
        sumGyXhat[plane] = sgx;
    }
}

extern "C" __global__ void __launch_bounds__(NORM_THREADS)
instnorm_bwd_big_kernel(const float* __restrict__ gy, const float* __restrict__ x, const float* __restrict__ gamma,
                        const float* __restrict__ mean, const float* __restrict__ rstd, float* __restrict__ dx,
                        float* __restrict__ sumGy, float* __restrict__ sumGyXhat, int C, int HW) {
    __shared__ float buf[NORM_THREADS];
    int plane = blockIdx.x;
    const float* gp = gy + (size_t) plane * HW;
    const float* xp = x + (size_t) plane * HW;
    float mu = mean[plane];
    float r = rstd[plane];
    float sg = 0.0f, sgx = 0.0f;
    for (int i = threadIdx.x; i < HW; i += blockDim.x) {
        float gi = gp[i];
        sg += gi;
        sgx += gi * (xp[i] - mu) * r;
    }
    sg = block_sum(sg, buf);
    sgx = block_sum(sgx, buf);
    float k = gamma[plane % C] * r;
    float mg = sg / HW;
    float mgx = sgx / HW;
    float* dp = dx + (size_t) plane * HW;
    for (int i = threadIdx.x; i < HW; i += blockDim.x) {
        dp[i] = k * (gp[i] - mg - (xp[i] - mu) * r * mgx);
    }
    if (threadIdx.x == 0) {
        sumGy[plane] = sg;
        sumGyXhat[plane] = sgx;
    }
}

// dgamma[c] = sum_n sumGyXhat[n, c], dbeta[c] = sum_n sumGy[n, c]; one thread per channel.
extern "C" __global__ void instnorm_param_grad_kernel(const float* __restrict__ sumGy,
                                                      const float* __restrict__ sumGyXhat, float* __restrict__ dgamma,
                                                      float* __restrict__ dbeta, int N, int C) {
    GRID_STRIDE_LOOP(c, C) {
        float a = 0.0f, b = 0.0f;
        for (int n = 0; n < N; n++) {
            a += sumGyXhat[n * C + c];
            b += sumGy[n * C + c];
        }
        dgamma[c] = a;
        dbeta[c] = b;
    }
}
