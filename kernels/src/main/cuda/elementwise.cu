// Element-wise family: unary functions, broadcasting binary ops, strided copies (expand, permute, slices),
// sums down to a shape (the adjoint of broadcasting), and the fused Adam update.
//
// Shapes: x, y (n); binary a, b broadcast to y by an IndexPlan; sum_to x (kept..., reduced...) -> y (kept...).
#include "common.cuh"

__device__ __forceinline__ float unary_op(int op, float x, float a) {
    switch (op) {
        case OP_NEG: return -x;
        case OP_EXP: return expf(x);
        case OP_LOG: return logf(x);
        case OP_SQRT: return sqrtf(x);
        case OP_ABS: return fabsf(x);
        case OP_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);  // keeps 0, -0 and NaN like Math.signum
        case OP_RELU: return x > 0.0f ? x : 0.0f;
        case OP_LEAKY_RELU: return x > 0.0f ? x : a * x;
        case OP_LEAKY_RELU_SLOPE: return x > 0.0f ? 1.0f : a;
        case OP_TANH: return tanhf(x);
        case OP_SIGMOID: return sigmoidf(x);
        case OP_POW: return a == 2.0f ? x * x : (a == 1.0f ? x : powf(x, a));
        case OP_SCALE: return a * x;
        case OP_ADD_SCALAR: return x + a;
        default: return __int_as_float(0x7fc00000);  // unknown op: NaN, never silently plausible
    }
}

__device__ __forceinline__ float binary_op(int op, float a, float b) {
    switch (op) {
        case OP_ADD: return a + b;
        case OP_SUB: return a - b;
        case OP_MUL: return a * b;
        case OP_DIV: return a / b;
        default: return __int_as_float(0x7fc00000);
    }
}

extern "C" __global__ void unary_kernel(const float* __restrict__ x, float* __restrict__ y, int n, int op,
                                        float alpha) {
    GRID_STRIDE_LOOP(i, n) {
        y[i] = unary_op(op, x[i], alpha);
    }
}

// Same-shape operands: no index arithmetic.
extern "C" __global__ void binary_same_kernel(const float* __restrict__ a, const float* __restrict__ b,
                                              float* __restrict__ y, int n, int op) {
    GRID_STRIDE_LOOP(i, n) {
        y[i] = binary_op(op, a[i], b[i]);
    }
}

// Broadcasting: the plan's a/b strides are 0 along broadcast dimensions.
extern "C" __global__ void binary_bcast_kernel(const float* __restrict__ a, const float* __restrict__ b,
                                               float* __restrict__ y, int n, int op, IndexPlan p) {
    GRID_STRIDE_LOOP(i, n) {
        int oa, ob;
        plan_offsets(p, i, &oa, &ob);
        y[i] = binary_op(op, a[oa], b[ob]);
    }
}

// dst[plan.b offset] = src[plan.a offset] for every index of the plan's shape: expand (a strides 0 where
// broadcast), permutes, and the slices of concat / narrow / unnarrow (srcOff / dstOff: where the slice starts).
extern "C" __global__ void copy_strided_kernel(const float* __restrict__ src, float* __restrict__ dst, int n,
                                               int srcOff, int dstOff, IndexPlan p) {
    GRID_STRIDE_LOOP(i, n) {
        int os, od;
        plan_offsets(p, i, &os, &od);
        dst[dstOff + od] = src[srcOff + os];
    }
}

// sum_to, one block per output element: used when each output sums many elements (a bias gradient sums
// N*H*W values per channel). kept.a / red.a are x's strides over the kept and the reduced dimensions.
// When outputs are too few to fill the GPU the reduction is also split: block (o, s) sums the s-th slice of
// `chunk` summands into y[s * nOut + o], and sum_splits_kernel (gemm.cu) adds the slices in order.
extern "C" __global__ void sum_to_block_kernel(const float* __restrict__ x, float* __restrict__ y, int nOut,
                                               int nRed, int chunk, IndexPlan kept, IndexPlan red) {
    __shared__ float buf[256];
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
