// Spatial re-indexing on planes of (H, W): reflection padding and its adjoint, nearest 2x upsampling and its
// adjoint. Both adjoints are gathers (each output sums its sources), so no atomics and deterministic sums.
#include "common.cuh"

// x (planes, H, W) -> y (planes, H + 2 pad, W + 2 pad); PyTorch's ReflectionPad2d (edge not repeated).
extern "C" __global__ void reflect_pad_kernel(const float* __restrict__ x, float* __restrict__ y, int planes, int H,
                                              int W, int pad) {
    int Hp = H + 2 * pad;
    int Wp = W + 2 * pad;
    GRID_STRIDE_LOOP(idx, planes * Hp * Wp) {
        int ox = idx % Wp;
        int oy = (idx / Wp) % Hp;
        int plane = idx / (Wp * Hp);
        int iy = oy - pad;
        int ix = ox - pad;
        iy = iy < 0 ? -iy : (iy >= H ? 2 * H - 2 - iy : iy);
        ix = ix < 0 ? -ix : (ix >= W ? 2 * W - 2 - ix : ix);
        y[idx] = x[(plane * H + iy) * W + ix];
    }
}

// The padded positions (at most 3) whose reflection lands on source index i of an axis of length n.
__device__ __forceinline__ int reflect_sources(int i, int n, int pad, int* out) {
    int count = 0;
    out[count++] = pad + i;                   // the copy itself
    if (i >= 1 && i <= pad) {
        out[count++] = pad - i;               // mirrored before the start
    }
    if (i <= n - 2 && i >= n - 1 - pad) {
        out[count++] = pad + 2 * n - 2 - i;   // mirrored after the end
    }
    return count;
}

// gy (planes, H + 2 pad, W + 2 pad) -> dx (planes, H, W)
extern "C" __global__ void reflect_pad_grad_kernel(const float* __restrict__ gy, float* __restrict__ dx, int planes,
                                                   int H, int W, int pad) {
    int Hp = H + 2 * pad;
    int Wp = W + 2 * pad;
    GRID_STRIDE_LOOP(idx, planes * H * W) {
        int ix = idx % W;
        int iy = (idx / W) % H;
        int plane = idx / (W * H);
        int rows[3], cols[3];
        int nr = reflect_sources(iy, H, pad, rows);
        int nc = reflect_sources(ix, W, pad, cols);
        float s = 0.0f;
        for (int r = 0; r < nr; r++) {
            for (int c = 0; c < nc; c++) {
                s += gy[(plane * Hp + rows[r]) * Wp + cols[c]];
            }
        }
        dx[idx] = s;
    }
}

// x (planes, H, W) -> y (planes, 2H, 2W), each pixel repeated in a 2 x 2 block.
extern "C" __global__ void upsample2x_kernel(const float* __restrict__ x, float* __restrict__ y, int planes, int H,
                                             int W) {
    int H2 = 2 * H;
    int W2 = 2 * W;
    GRID_STRIDE_LOOP(idx, planes * H2 * W2) {
        int ox = idx % W2;
        int oy = (idx / W2) % H2;
        int plane = idx / (W2 * H2);
        y[idx] = x[(plane * H + oy / 2) * W + ox / 2];
    }
}

// gy (planes, 2H, 2W) -> dx (planes, H, W): the sum of each 2 x 2 block.
extern "C" __global__ void upsample2x_grad_kernel(const float* __restrict__ gy, float* __restrict__ dx, int planes,
                                                  int H, int W) {
    int W2 = 2 * W;
    GRID_STRIDE_LOOP(idx, planes * H * W) {
        int ix = idx % W;
        int iy = (idx / W) % H;
        int plane = idx / (W * H);
        const float* g = gy + ((plane * 2 * H) + 2 * iy) * W2 + 2 * ix;
        dx[idx] = g[0] + g[1] + g[W2] + g[W2 + 1];
    }
}
