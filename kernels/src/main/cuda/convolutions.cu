// Convolution as GEMM: im2col lays the receptive fields of all N images side by side, so that one GEMM per
// direction does the work; col2im is its adjoint (a gather: each input pixel sums the columns that read it, so
// no atomics and a deterministic result).
//
//   cols  (K = C*KH*KW, N*Ho*Wo)    column (n, oy, ox) holds the patch that output pixel reads
//   forward      Y' (Cout, N*Ho*Wo) = W (Cout, K) * cols,  y = permute(Y') to (N, Cout, Ho, Wo)
//   input grad   dcols = W^T * permute(gy),  dx = col2im(dcols)
//   weight grad  dW (Cout, K) = permute(gy) * cols^T
#include "common.cuh"

extern "C" __global__ void im2col_kernel(const float* __restrict__ x, float* __restrict__ cols, int N, int C,
                                         int H, int W, int KH, int KW, int stride, int pad, int Ho, int Wo) {
    int npix = N * Ho * Wo;
    int total = C * KH * KW * npix;
    GRID_STRIDE_LOOP(idx, total) {
        int col = idx % npix;
        int k = idx / npix;
        int n = col / (Ho * Wo);
        int p = col % (Ho * Wo);
        int oy = p / Wo;
        int ox = p % Wo;
        int c = k / (KH * KW);
        int ky = (k / KW) % KH;
        int kx = k % KW;
        int iy = oy * stride - pad + ky;
        int ix = ox * stride - pad + kx;
        cols[idx] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? x[((n * C + c) * H + iy) * W + ix] : 0.0f;
    }
}

extern "C" __global__ void col2im_kernel(const float* __restrict__ dcols, float* __restrict__ dx, int N, int C,
                                         int H, int W, int KH, int KW, int stride, int pad, int Ho, int Wo) {
    int npix = N * Ho * Wo;
    int total = N * C * H * W;
    GRID_STRIDE_LOOP(idx, total) {
        int ix = idx % W;
        int iy = (idx / W) % H;
        int c = (idx / (W * H)) % C;
        int n = idx / (W * H * C);
        float s = 0.0f;
        for (int ky = 0; ky < KH; ky++) {
            int ty = iy + pad - ky;  // = oy * stride for the output rows that read this pixel through ky
            if (ty < 0 || ty % stride != 0 || ty / stride >= Ho) {
                continue;
            }
            int oy = ty / stride;
            for (int kx = 0; kx < KW; kx++) {
                int tx = ix + pad - kx;
                if (tx < 0 || tx % stride != 0 || tx / stride >= Wo) {
                    continue;
                }
                int ox = tx / stride;
                int k = (c * KH + ky) * KW + kx;
                s += dcols[k * npix + (n * Ho + oy) * Wo + ox];
            }
        }
        dx[idx] = s;
    }
}
