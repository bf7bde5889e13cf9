// Lets g++ compile the project's CUDA kernels as ordinary C++ for the host emulator (see README.md).
// Every block runs its threads as cooperative fibers (fake_driver.cpp): a thread runs until it reaches
// __syncthreads, then the next one runs; a block passes a barrier only when all its threads have reached it.
// __shared__ variables become function statics: one copy, shared by the threads of the block that is running
// (blocks run one after another).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

namespace emu {
extern dim3 thread_idx, block_idx, block_dim, grid_dim;
void syncthreads();
}  // namespace emu

#define threadIdx emu::thread_idx
#define blockIdx emu::block_idx
#define blockDim emu::block_dim
#define gridDim emu::grid_dim
#define __syncthreads() emu::syncthreads()

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return float4{x, y, z, w}; }

inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}
using std::max;
using std::min;
