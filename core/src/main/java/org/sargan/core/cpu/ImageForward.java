package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Forward convolutions whose GEMMs read im2col where it lies, with no packed B panels (the micro-kernel loads its
 * vectors from a zero-padded copy of the image, {@link Gemm#multiplyImage}): {@link #forwardFromImages} for output
 * rows a multiple of the vector length (any stride: the image's columns split by phase), {@link #forwardPitched} for
 * other stride-1 widths (the output computed on the padded grid, the extra columns dropped). Both give, element by
 * element, the same operations as the packed route of {@link CpuConvolutions#forwardPerImage}; work is split by
 * images and column ranges only.
 */
final class ImageForward {
    private ImageForward() {
    }

    /**
     * Whether the forward's products can read im2col straight from the image ({@link Gemm#multiplyImage}): with the
     * SIMD kernel, output rows a multiple of its vector length and whole panels of output pixels.
     */
    static boolean readsImage(ConvGeometry g) {
        return Gemm.DEFAULT_KERNEL == Gemm.Kernel.SIMD && !g.isPointwise() && g.wo() % VectorLoops.lanes() == 0
                && g.outPixels() % Gemm.panelWidth() == 0;
    }

    /**
     * The forward with no im2col panels at all: each image zero-padded once, its columns split by phase (column ix
     * goes to phase ix % stride at ix / stride), so that the pixels of one output row under one kernel tap are
     * consecutive floats for any stride; the micro-kernel loads them as vectors where it would load a packed panel.
     */
    static void forwardFromImages(float[] x, Gemm.PackedA w, ConvGeometry g, float[] y) {
        int s = g.stride();
        int hp = g.h() + 2 * g.pad();
        int wpd = (g.w() + 2 * g.pad() + s - 1) / s;
        int phase = g.cin() * hp * wpd;
        int[] taps = new int[g.patch()];
        for (int t = 0; t < taps.length; t++) {
            int ci = t / (g.kh() * g.kw());
            int ky = t % (g.kh() * g.kw()) / g.kw();
            int kx = t % g.kw();
            taps[t] = (kx % s) * phase + (ci * hp + ky) * wpd + kx / s;
        }
        int pixels = g.outPixels();
        int outSize = g.cout() * pixels;
        int rowPitch = s * wpd;
        // a group of images at a time: their phased copies exist only while their products run
        PaddedImages.inGroups(g.n(), PaddedImages.parallelGroup(), img -> phased(x, img, g, hp, wpd, phase),
                (xds, lo, hi) -> CpuConvolutions.forEachColumnRange(hi - lo, pixels, (i, j0, j1) ->
                        Gemm.multiplyImage(w, xds[lo + i], taps, g.wo(), rowPitch, y, (lo + i) * outSize, pixels, j0,
                                j1)));
    }

    /** Extra work {@link #forwardPitched} may do, as a share of the convolution's own (its rows' padding columns). */
    private static final double PITCHED_MAX_EXTRA = 0.3;

    /**
     * Whether a stride-1 forward whose rows are not a multiple of the vector length ({@link #readsImage}) computes
     * its output on the padded image's grid instead ({@link #forwardPitched}): at most 30% more multiply-adds.
     */
    static boolean readsPitched(ConvGeometry g) {
        if (Gemm.DEFAULT_KERNEL != Gemm.Kernel.SIMD || g.isPointwise() || g.stride() != 1) {
            return false;
        }
        int wp = g.w() + 2 * g.pad();
        long grid = roundUp(g.ho() * wp, Gemm.panelWidth());
        return grid <= (1 + PITCHED_MAX_EXTRA) * g.outPixels();
    }

    /**
     * A stride-1 forward with no im2col panels for any row width: the output is computed at every position q =
     * oy * wp + ox of the padded image's grid (wp = w + 2 pad; the kw - 1 positions past each row's end, and the
     * grid's round-up to whole panels, are computed and dropped), where tap t reads xp[q + offset(t)], so every
     * vector of output pixels is a vector of consecutive floats. The SARB's input gradient (a 3x3 convolution to
     * 18x18) is the case: its runs of 18 defeated both the packed and the direct routes.
     */
    static void forwardPitched(float[] x, Gemm.PackedA w, ConvGeometry g, float[] y) {
        int wp = g.w() + 2 * g.pad();
        int nr = Gemm.panelWidth();
        int grid = roundUp(g.ho() * wp, nr);
        int[] taps = PaddedImages.tapOffsets(g);
        float[][] xps = new float[g.n()][];
        float[][] grids = new float[g.n()][];
        Parallel.forEach(g.n(), img -> {
            // room past the last plane: the grid's round-up reads up to grid - 1 + the largest tap offset
            xps[img] = PaddedImages.padded(x, img, g, grid);
            grids[img] = ArrayPool.dirty(g.cout() * grid);
        });
        CpuConvolutions.forEachColumnRange(g.n(), grid,
                (img, j0, j1) -> Gemm.multiplyImage(w, xps[img], taps, grid, 0, grids[img], 0, grid, j0, j1));
        int ho = g.ho();
        int wo = g.wo();
        Parallel.forEach(g.n() * g.cout(), t -> {
            float[] src = grids[t / g.cout()];
            int s0 = (t % g.cout()) * grid;
            for (int oy = 0; oy < ho; oy++) {
                System.arraycopy(src, s0 + oy * wp, y, (t * ho + oy) * wo, wo);
            }
        });
        PaddedImages.giveAll(xps);
        PaddedImages.giveAll(grids);
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /** Image img of x zero-padded, its columns split by phase: padded (ci, iy, ix) at (ix % s, ci, iy, ix / s). */
    private static float[] phased(float[] x, int img, ConvGeometry g, int hp, int wpd, int phase) {
        int s = g.stride();
        if (s == 1) {
            return PaddedImages.padded(x, img, g); // one phase: the padded image itself
        }
        int p = g.pad();
        float[] xd = ArrayPool.zeroed(s * phase);
        for (int ci = 0; ci < g.cin(); ci++) {
            for (int iy = 0; iy < g.h(); iy++) {
                int src = ((img * g.cin() + ci) * g.h() + iy) * g.w();
                int row = (ci * hp + iy + p) * wpd;
                // phase ph holds padded columns px = ph + s q, i.e. image columns ix = ph - p + s q: one strided
                // run per phase, without a division per element
                for (int ph = 0; ph < s; ph++) {
                    int first = ph - p;
                    int q = first >= 0 ? 0 : (-first + s - 1) / s;
                    int dst = ph * phase + row;
                    for (int ix = first + s * q; ix < g.w(); ix += s, q++) {
                        xd[dst + q] = x[src + ix];
                    }
                }
            }
        }
        return xd;
    }
}
