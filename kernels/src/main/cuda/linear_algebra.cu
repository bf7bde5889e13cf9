// SGEMM: C (M, N) = A' (M, K) * B' (K, N), row-major C, where A' and B' are read through strides so that one
// kernel serves every transpose: A'(i, k) = A[i * sai + k * sak], B'(k, j) = B[k * sbk + j * sbj].
// Convolutions reduce to this (im2col / col2im around it, see convolutions.cu).
#include "common.cuh"

// Version 1, the naive port: one thread per element of C. Kept as the readable reference and for tests.
extern "C" __global__ void sgemm_kernel1(const float* __restrict__ A, const float* __restrict__ B,
                                         float* __restrict__ C, int M, int N, int K, int sai, int sak, int sbk,
                                         int sbj) {
    GRID_STRIDE_LOOP(idx, M * N) {
        int i = idx / N;
        int j = idx % N;
        float s = 0.0f;
        for (int k = 0; k < K; k++) {
            s += A[i * sai + k * sak] * B[k * sbk + j * sbj];
        }
        C[idx] = s;
    }
}

// Version 2: a 128 x 128 tile of C per block of 256 threads, each thread owning an 8 x 8 register tile.
// Per step of 8 along K the block stages A (128 x 8) and B (8 x 128) in shared memory: every value fetched
// from global memory is used 128 times from shared memory and 8 times from registers, which is what turns a
// memory-bound loop into an arithmetic-bound one. A thread's rows are ty + 16 r and its columns tx + 16 c
// (not 8 consecutive ones) so that a warp's shared-memory reads fall into distinct banks and its stores to C
// are 16 consecutive floats.
//
// Split K: blockIdx.z takes K range [z * kPerSplit, (z + 1) * kPerSplit) and writes its partial product to
// C + z * M * N; sum_splits_kernel adds the slices. A thin product with a long K (a weight gradient: Cout x K
// outputs, summed over every pixel of the batch) has too few tiles to fill the GPU without it.
#define TM 128
#define TN 128
#define TK 8
// Threads per block of versions 2 and 3: 16 x 16, each owning an 8 x 8 register tile of the TM x TN tile
// (Java: CudaLinearAlgebra.TILE, K_STEP, GEMM_THREADS).
#define GEMM_THREADS 256

// Stages the A (128 x 8) and B (8 x 128) tiles of the K step at k0 in shared memory (zeros outside the matrices
// and beyond kEnd): 1024 values each, 4 per thread of the 256. The faster-varying index follows the operand's
// unit stride so that neighbouring threads read neighbouring addresses. Shared by versions 2 and 3.
__device__ __forceinline__ void stage_tiles(const float* __restrict__ A, const float* __restrict__ B,
                                            float (*As)[TM], float (*Bs)[TN], int M, int N, int row0, int col0,
                                            int k0, int kEnd, int sai, int sak, int sbk, int sbj) {
#pragma unroll
    for (int e = 0; e < 4; e++) {
        int idx = threadIdx.x + e * GEMM_THREADS;
        int i, k;
        if (sak == 1) {
            i = idx / TK;
            k = idx % TK;
        } else {
            i = idx % TM;
            k = idx / TM;
        }
        int gi = row0 + i;
        int gk = k0 + k;
        As[k][i] = (gi < M && gk < kEnd) ? A[gi * sai + gk * sak] : 0.0f;
        int j, kb;
        if (sbj == 1) {
            j = idx % TN;
            kb = idx / TN;
        } else {
            j = idx / TK;
            kb = idx % TK;
        }
        int gj = col0 + j;
        int gkb = k0 + kb;
        Bs[kb][j] = (gj < N && gkb < kEnd) ? B[gkb * sbk + gj * sbj] : 0.0f;
    }
}

extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
sgemm_kernel2(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M, int N,
              int K, int kPerSplit, int sai, int sak, int sbk, int sbj) {
    __shared__ float As[TK][TM];
    __shared__ float Bs[TK][TN];
    int tid = threadIdx.x;
    int tx = tid % 16;
    int ty = tid / 16;
    int row0 = blockIdx.y * TM;
    int col0 = blockIdx.x * TN;
    float acc[8][8];
#pragma unroll
    for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int c = 0; c < 8; c++) {
            acc[r][c] = 0.0f;
        }
    }
    int kBegin = blockIdx.z * kPerSplit;
    int kEnd = min(K, kBegin + kPerSplit);
    C += (size_t) blockIdx.z * M * N;
    for (int k0 = kBegin; k0 < kEnd; k0 += TK) {
        stage_tiles(A, B, As, Bs, M, N, row0, col0, k0, kEnd, sai, sak, sbk, sbj);
        __syncthreads();
#pragma unroll
        for (int k = 0; k < TK; k++) {
            float a[8], b[8];
#pragma unroll
            for (int r = 0; r < 8; r++) {
                a[r] = As[k][ty + 16 * r];
            }
#pragma unroll
            for (int c = 0; c < 8; c++) {
                b[c] = Bs[k][tx + 16 * c];
            }
#pragma unroll
            for (int r = 0; r < 8; r++) {
#pragma unroll
                for (int c = 0; c < 8; c++) {
                    acc[r][c] += a[r] * b[c];
                }
            }
        }
        __syncthreads();  // the tiles are overwritten by the next step
    }
#pragma unroll
    for (int r = 0; r < 8; r++) {
        int gi = row0 + ty + 16 * r;
        if (gi >= M) {
            continue;
        }
#pragma unroll
        for (int c = 0; c < 8; c++) {
            int gj = col0 + tx + 16 * c;
            if (gj < N) {
                C[gi * N + gj] = acc[r][c];
            }
        }
    }
}

// Version 3: version 2 with vector reads of shared memory. A thread's 8 rows are two runs of 4 (4 ty and 64 + 4 ty)
// and its 8 columns likewise (4 tx and 64 + 4 tx), so each step along K reads them as four 16-byte vectors instead
// of sixteen scalars: version 2 issues one shared-memory load per four FMAs, about what the shared-memory pipe of
// an SM can feed, so halving and quartering those loads leaves the FMA units as the limit. Stores to C are 16-byte
// vectors too when every row of C starts 16-byte aligned (N a multiple of 4).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
sgemm_kernel3(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int M, int N,
              int K, int kPerSplit, int sai, int sak, int sbk, int sbj) {
    __shared__ __align__(16) float As[TK][TM];
    __shared__ __align__(16) float Bs[TK][TN];
    int tid = threadIdx.x;
    int tx = tid % 16;
    int ty = tid / 16;
    int row0 = blockIdx.y * TM;
    int col0 = blockIdx.x * TN;
    float acc[8][8];
#pragma unroll
    for (int r = 0; r < 8; r++) {
#pragma unroll
        for (int c = 0; c < 8; c++) {
            acc[r][c] = 0.0f;
        }
    }
    int kBegin = blockIdx.z * kPerSplit;
    int kEnd = min(K, kBegin + kPerSplit);
    C += (size_t) blockIdx.z * M * N;
    for (int k0 = kBegin; k0 < kEnd; k0 += TK) {
        stage_tiles(A, B, As, Bs, M, N, row0, col0, k0, kEnd, sai, sak, sbk, sbj);
        __syncthreads();
#pragma unroll
        for (int k = 0; k < TK; k++) {
            float4 a0 = *reinterpret_cast<const float4*>(&As[k][4 * ty]);
            float4 a1 = *reinterpret_cast<const float4*>(&As[k][64 + 4 * ty]);
            float4 b0 = *reinterpret_cast<const float4*>(&Bs[k][4 * tx]);
            float4 b1 = *reinterpret_cast<const float4*>(&Bs[k][64 + 4 * tx]);
            float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float b[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int r = 0; r < 8; r++) {
#pragma unroll
                for (int c = 0; c < 8; c++) {
                    acc[r][c] += a[r] * b[c];
                }
            }
        }
        __syncthreads();
    }
    bool vectorStores = (N & 3) == 0;
#pragma unroll
    for (int r = 0; r < 8; r++) {
        int gi = row0 + (r < 4 ? 4 * ty + r : 64 + 4 * ty + r - 4);
        if (gi >= M) {
            continue;
        }
#pragma unroll
        for (int half = 0; half < 2; half++) {
            int gj = col0 + half * 64 + 4 * tx;
            float* out = C + (size_t) gi * N + gj;
            if (vectorStores && gj + 3 < N) {
                *reinterpret_cast<float4*>(out) = make_float4(acc[r][4 * half], acc[r][4 * half + 1],
                                                              acc[r][4 * half + 2], acc[r][4 * half + 3]);
            } else {
#pragma unroll
                for (int c = 0; c < 4; c++) {
                    if (gj + c < N) {
                        out[c] = acc[r][4 * half + c];
                    }
                }
            }
        }
    }
}
