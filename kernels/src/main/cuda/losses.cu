// Softmax over rows and the mean cross-entropy of rows against integer labels (the classification head of D).
//   x, y (rows, k)   labels (rows) ints   loss: a scalar
#include "common.cuh"

// Threads per row (Java: CudaLosses.ROW_THREADS).
#define ROW_THREADS 256

// log(sum_j exp(xr[j])) over a row of k values, returned to every thread of the block; the maximum is subtracted
// first so that exp cannot overflow.
__device__ __forceinline__ float row_log_sum_exp(const float* __restrict__ xr, int k, float* buf) {
    float m = -INFINITY;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        m = fmaxf(m, xr[j]);
    }
    m = block_max(m, buf);
    float s = 0.0f;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        s += expf(xr[j] - m);
    }
    return logf(block_sum(s, buf)) + m;
}

// One block per row: the row's log-sum-exp, then y = exp(x - lse).
extern "C" __global__ void __launch_bounds__(ROW_THREADS)
softmax_kernel(const float* __restrict__ x, float* __restrict__ y, int rows, int k) {
    __shared__ float buf[ROW_THREADS];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (size_t) r * k;
        float lse = row_log_sum_exp(xr, k, buf);
        for (int j = threadIdx.x; j < k; j += blockDim.x) {
            y[(size_t) r * k + j] = expf(xr[j] - lse);
        }
    }
}

// loss = mean_r (logsumexp(x_r) - x_r[label_r]), in a single block (rows are few: a batch).
extern "C" __global__ void __launch_bounds__(ROW_THREADS)
cross_entropy_kernel(const float* __restrict__ x, const int* __restrict__ labels, float* __restrict__ loss,
                     int rows, int k) {
    __shared__ float buf[ROW_THREADS];
    float total = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float* xr = x + (size_t) r * k;
        total += row_log_sum_exp(xr, k, buf) - xr[labels[r]];
    }
    if (threadIdx.x == 0) {
        *loss = total / rows;
    }
}
