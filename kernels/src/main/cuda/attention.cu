// The SARB spatial-attention gating, fused: y = identity + h * sigmoid(z), with identity, h (N, C, HW) and the
// attention map z (N, 1, HW) broadcast over channels.
#include "common.cuh"

// Forward: one pass, reading identity, h and z once per element and writing y once. sigmoid(z) is recomputed
// per channel: an exp costs less than the memory traffic of a stored map. A 2-D grid (y: planes, x: pixels) keeps
// integer division out of the per-element loop.
extern "C" __global__ void attention_gate_kernel(const float* __restrict__ id, const float* __restrict__ h,
                                                 const float* __restrict__ z, float* __restrict__ y, int C, int HW,
                                                 int planes) {
    for (int plane = blockIdx.y; plane < planes; plane += gridDim.y) {
        const float* zp = z + (size_t) (plane / C) * HW;
        size_t base = (size_t) plane * HW;
        for (int p = blockIdx.x * blockDim.x + threadIdx.x; p < HW; p += gridDim.x * blockDim.x) {
            y[base + p] = id[base + p] + h[base + p] * sigmoidf(zp[p]);
        }
    }
}

// Backward: dh = gy * s and dz = s (1 - s) sum_c gy * h, s = sigmoid(z), in one kernel that reads gy and h once.
// A block is 32 pixels x 32 channel groups: threadIdx.x walks pixels (a warp reads 32 consecutive floats of one
// channel plane), threadIdx.y takes channels y, y + 32, ...; the 32 partial sums of a pixel meet in shared
// memory, so the channel reduction needs no second launch and no atomics.
// (Java: CudaAttention.GATE_PIX, GATE_GROUPS.)
#define GATE_PIX 32
#define GATE_GROUPS 32

extern "C" __global__ void __launch_bounds__(GATE_PIX * GATE_GROUPS)
attention_gate_grad_kernel(const float* __restrict__ gy, const float* __restrict__ h, const float* __restrict__ z,
                           float* __restrict__ dh, float* __restrict__ dz, int N, int C, int HW) {
    __shared__ float part[GATE_GROUPS][GATE_PIX + 1];  // +1: the column reads below hit distinct banks
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int q = blockIdx.x * GATE_PIX + tx;  // pixel over N * HW
    bool in = q < N * HW;
    int n = in ? q / HW : 0;
    int p = in ? q % HW : 0;
    float s = in ? sigmoidf(z[q]) : 0.0f;
    float acc = 0.0f;
    if (in) {
        for (int c = ty; c < C; c += GATE_GROUPS) {
            size_t i = ((size_t) n * C + c) * HW + p;
            float g = gy[i];
            acc += g * h[i];
            dh[i] = g * s;
        }
    }
    part[ty][tx] = acc;
    __syncthreads();
    if (ty == 0 && in) {
        float total = 0.0f;
        for (int k = 0; k < GATE_GROUPS; k++) {
            total += part[k][tx];
        }
        dz[q] = total * s * (1.0f - s);
    }
}
