// Shapes family: one strided copy serves concat, narrow and its adjoint, and the permutes and broadcasts of the
// other families (expand, the convolutions' (Cout, N) <-> (N, Cout) swap). The CUDA twin of CpuShapes.
//
// Shapes: src and dst are walked by an IndexPlan of n elements (operand a: src, operand b: dst).
#include "common.cuh"

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
