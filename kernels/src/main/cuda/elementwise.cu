// Element-wise family: unary functions and broadcasting binary ops (the CUDA twin of CpuElementwise).
//
// Shapes: x, y (n); binary a, b broadcast to y (n) by an IndexPlan (strides 0 along broadcast dimensions).
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
