package org.sargan.core.cpu;

/** Re-indexing on (planes, H, W) data: reflection padding, nearest 2x upsampling (the CPU twin of spatial.cu). */
final class CpuSpatial {
    private CpuSpatial() {
    }

    /** Index of the source pixel for padded position i (PyTorch's reflect: the edge is not repeated). */
    private static int reflect(int i, int n) {
        if (i < 0) {
            return -i;
        }
        return i >= n ? 2 * (n - 1) - i : i;
    }

    static float[] reflectionPad(float[] x, int planes, int h, int w, int p) {
        int hp = h + 2 * p;
        int wp = w + 2 * p;
        float[] y = ArrayPool.dirty(planes * hp * wp);
        Parallel.forEach(planes, c -> {
            int src = c * h * w;
            int dst = c * hp * wp;
            for (int i = 0; i < hp; i++) {
                int row = src + reflect(i - p, h) * w;
                int o = dst + i * wp;
                // the row's middle is a copy; only the p columns at each end are reflected
                for (int j = 0; j < p; j++) {
                    y[o + j] = x[row + reflect(j - p, w)];
                }
                System.arraycopy(x, row, y, o + p, w);
                for (int j = p + w; j < wp; j++) {
                    y[o + j] = x[row + reflect(j - p, w)];
                }
            }
        });
        return y;
    }

    /** gy is (planes, h + 2p, w + 2p); the result is (planes, h, w). */
    static float[] reflectionPadGrad(float[] gy, int planes, int h, int w, int p) {
        int hp = h + 2 * p;
        int wp = w + 2 * p;
        float[] dx = ArrayPool.zeroed(planes * h * w);
        Parallel.forEach(planes, c -> {
            int dst = c * h * w;
            int src = c * hp * wp;
            for (int i = 0; i < hp; i++) {
                int row = dst + reflect(i - p, h) * w;
                int o = src + i * wp;
                // in column order, as one loop over the row would add them (so the same sums): the reflected left
                // end, the middle (a plain, vectorisable add), the reflected right end
                for (int j = 0; j < p; j++) {
                    dx[row + reflect(j - p, w)] += gy[o + j];
                }
                for (int j = 0; j < w; j++) {
                    dx[row + j] += gy[o + p + j];
                }
                for (int j = p + w; j < wp; j++) {
                    dx[row + reflect(j - p, w)] += gy[o + j];
                }
            }
        });
        return dx;
    }

    static float[] upsample2x(float[] x, int planes, int h, int w) {
        float[] y = ArrayPool.zeroed(planes * 4 * h * w);
        int w2 = 2 * w;
        Parallel.forEach(planes, c -> {
            for (int i = 0; i < h; i++) {
                int src = (c * h + i) * w;
                int dst = (c * 2 * h + 2 * i) * w2;
                for (int j = 0; j < w; j++) {
                    float v = x[src + j];
                    y[dst + 2 * j] = v;
                    y[dst + 2 * j + 1] = v;
                }
                System.arraycopy(y, dst, y, dst + w2, w2);
            }
        });
        return y;
    }

    /** gy is (planes, 2h, 2w); sums every 2x2 block into (planes, h, w). */
    static float[] upsample2xGrad(float[] gy, int planes, int h, int w) {
        float[] dx = ArrayPool.zeroed(planes * h * w);
        int w2 = 2 * w;
        Parallel.forEach(planes, c -> {
            for (int i = 0; i < h; i++) {
                int r0 = (c * 2 * h + 2 * i) * w2;
                int r1 = r0 + w2;
                int dst = (c * h + i) * w;
                for (int j = 0; j < w; j++) {
                    dx[dst + j] = gy[r0 + 2 * j] + gy[r0 + 2 * j + 1] + gy[r1 + 2 * j] + gy[r1 + 2 * j + 1];
                }
            }
        });
        return dx;
    }
}
