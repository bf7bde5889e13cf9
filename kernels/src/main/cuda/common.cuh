// Helpers shared by every kernel family: op codes, the strided-index plan, grid-stride loops, block reductions.
//
// Conventions (all files): float32, contiguous NCHW tensors; sizes fit in int (the Java side checks);
// every kernel is extern "C" so that the host looks it up by its plain name (cuModuleGetFunction).
// Reductions use shared memory and __syncthreads only (no warp shuffles): simple to read, and the host
// emulator (src/test/emulator) can run them; the block size of a reducing kernel must be a power of two.
#pragma once

// Unary op codes: the Java side (CudaBackend.unaryCode) sends these; a test checks both lists agree.
#define OP_NEG 0
#define OP_EXP 1
#define OP_LOG 2
#define OP_SQRT 3
#define OP_ABS 4
#define OP_SIGN 5
#define OP_RELU 6
#define OP_LEAKY_RELU 7
#define OP_LEAKY_RELU_SLOPE 8
#define OP_TANH 9
#define OP_SIGMOID 10
#define OP_POW 11
#define OP_SCALE 12
#define OP_ADD_SCALAR 13

// Binary op codes (Java: CudaBackend.binaryCode).
#define OP_ADD 0
#define OP_SUB 1
#define OP_MUL 2
#define OP_DIV 3

// Most dimensions an index plan can hold after the host merged contiguous ones (Java: IndexPlan.MAX_DIMS).
#define MAX_DIMS 8

// An iteration shape and, for two operands, the element stride of each dimension (0 = broadcast).
// Passed by value; the host packs it as 1 + 3 * MAX_DIMS ints in this order (IndexPlan.pack).
struct IndexPlan {
    int rank;
    int shape[MAX_DIMS];
    int a[MAX_DIMS];
    int b[MAX_DIMS];
};

// Offsets of linear index i (row-major over p.shape) in operands a and b.
__device__ __forceinline__ void plan_offsets(const IndexPlan& p, int i, int* oa, int* ob) {
    int ra = 0, rb = 0;
    for (int d = p.rank - 1; d >= 0; d--) {
        int c = i % p.shape[d];
        i /= p.shape[d];
        ra += c * p.a[d];
        rb += c * p.b[d];
    }
    *oa = ra;
    *ob = rb;
}

#define GRID_STRIDE_LOOP(i, n) \
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += gridDim.x * blockDim.x)

__device__ __forceinline__ float sigmoidf(float x) {
    return 1.0f / (1.0f + expf(-x));
}

// Reduces v over the block with op (associative), returning the result to every thread. buf holds blockDim.x
// floats of shared memory; a tree of halving strides, a barrier after each.
template <class Op>
__device__ __forceinline__ float block_reduce(float v, float* buf, Op op) {
    int t = threadIdx.x;
    buf[t] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) {
            buf[t] = op(buf[t], buf[t + s]);
        }
        __syncthreads();
    }
    float r = buf[0];
    __syncthreads();  // buf is reused by the next reduction
    return r;
}

struct AddOp {
    __device__ float operator()(float a, float b) const { return a + b; }
};
struct MaxOp {
    __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

__device__ __forceinline__ float block_sum(float v, float* buf) {
    return block_reduce(v, buf, AddOp());
}

__device__ __forceinline__ float block_max(float v, float* buf) {
    return block_reduce(v, buf, MaxOp());
}
