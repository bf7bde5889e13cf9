// Reductions family: sums down to a shape (the adjoint of broadcasting), and the in-order sum of split partial
// results that both sum_to and the split-K GEMM (linear_algebra.cu) use. The CUDA twin of CpuReductions.
//
// Shapes: x (kept..., reduced...) -> y (kept...); partial (splits, MN) -> C (MN).
#include "common.cuh"

// Threads per block of sum_to_block_kernel (Java: CudaReductions.SUM_THREADS).
#define SUM_THREADS 256

// sum_to, one block per output element: used when each output sums many elements (a bias gradient sums
// N*H*W values per channel). kept.a / red.a are x's strides over the kept and the reduced dimensions.
// When outputs are too few to fill the GPU the reduction is also split: block (o, s) sums the s-th slice of
// `chunk` summands into y[s * nOut + o], and sum_splits_kernel (below) adds the slices in order.
extern "C" __global__ void sum_to_block_kernel(const float* __restrict__ x, float* __restrict__ y, int nOut,
                                               int nRed, int chunk, IndexPlan kept, IndexPlan red) {
    __shared__ float buf[SUM_THREADS];
    int r0 = blockIdx.y * chunk;
    int r1 = min(nRed, r0 + chunk);
    for (int o = blockIdx.x; o < nOut; o += gridDim.x) {
        int base, unused;
        plan_offsets(kept, o, &base, &unused);
        float s = 0.0f;
        for (int r = r0 + threadIdx.x; r < r1; r += blockDim.x) {
            int off;
            plan_offsets(red, r, &off, &unused);
            s += x[base + off];
        }
        s = block_sum(s, buf);
        if (threadIdx.x == 0) {
            y[(size_t) blockIdx.y * nOut + o] = s;
        }
    }
}

// sum_to, one thread per output element: many outputs, few summands each (e.g. a sum over the batch).
extern "C" __global__ void sum_to_thread_kernel(const float* __restrict__ x, float* __restrict__ y, int nOut,
                                                int nRed, IndexPlan kept, IndexPlan red) {
    GRID_STRIDE_LOOP(o, nOut) {
        int base, unused;
        plan_offsets(kept, o, &base, &unused);
        float s = 0.0f;
        for (int r = 0; r < nRed; r++) {
            int off;
            plan_offsets(red, r, &off, &unused);
            s += x[base + off];
        }
        y[o] = s;
    }
}

// C[i] = sum over the splits of partial[s * MN + i], in split order (deterministic).
extern "C" __global__ void sum_splits_kernel(const float* __restrict__ partial, float* __restrict__ C, int MN,
                                             int splits) {
    GRID_STRIDE_LOOP(i, MN) {
        float s = 0.0f;
        for (int z = 0; z < splits; z++) {
            s += partial[(size_t) z * MN + i];
        }
        C[i] = s;
    }
}
