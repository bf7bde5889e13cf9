// Optimiser family: the fused Adam update (the CUDA twin of CpuOptimiser).
//
// Shapes: p, g, m, v and the outputs pOut, mOut, vOut (n).
#include "common.cuh"

// Adam, one read of p, g, m, v and one write of p, m, v per element, in the same order of operations as the
// CPU: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lrc1 * m / (sqrt(v) * invc2 + eps).
// first != 0: no moments yet (m, v are not read; they start at zero).
extern "C" __global__ void adam_kernel(const float* __restrict__ p, const float* __restrict__ g,
                                       const float* __restrict__ m, const float* __restrict__ v,
                                       float* __restrict__ pOut, float* __restrict__ mOut, float* __restrict__ vOut,
                                       int n, float lrc1, float invc2, float b1, float b2, float eps, int first) {
    GRID_STRIDE_LOOP(i, n) {
        float gi = g[i];
        float mi = first ? gi * (1.0f - b1) : m[i] * b1 + gi * (1.0f - b1);
        float vi = first ? gi * gi * (1.0f - b2) : v[i] * b2 + gi * gi * (1.0f - b2);
        float denom = sqrtf(vi) * invc2 + eps;
        pOut[i] = p[i] - mi / denom * lrc1;
        mOut[i] = mi;
        vOut[i] = vi;
    }
}
