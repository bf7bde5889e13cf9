package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * Zero-padded copies of images, and the GEMM panels gathered from them: im2col panels for the forward of strided
 * and narrow layers ({@link #gatherPanels}) and transposed im2col panels for every weight gradient
 * ({@link #gatherTransposedPanels}). With the padding in place every element is one load at a fixed offset, with
 * no bounds to check per run.
 */
final class PaddedImages {
    private PaddedImages() {
    }

    /** Stride-1 output rows at most this wide are packed by {@link #gatherPanels}: im2col's runs are too short. */
    static final int GATHER_MAX_WIDTH = 16;
    private static final boolean SIMD = SimdSupport.enabled();

    /**
     * Whether the forward packs its im2col panels by gathering from a padded image: for strided layers (their runs
     * are strided loads anyway) and narrow stride-1 ones. Measured on SARGAN's layers (batch 8, 2 cores): 1.0-1.5x
     * faster there, no better on stride-1 rows of 32 or more, which copy as vectors.
     */
    static boolean gathers(ConvGeometry g) {
        return !g.isPointwise() && (g.stride() > 1 || g.wo() <= GATHER_MAX_WIDTH);
    }

    /** Image img of x, zero-padded by pad on every side: planes of (h + 2 pad) x (w + 2 pad). */
    static float[] padded(float[] x, int img, ConvGeometry g) {
        return padded(x, img, g, 0);
    }

    /** {@link #padded(float[], int, ConvGeometry)} followed by {@code room} zeros, for reads that run past the end. */
    static float[] padded(float[] x, int img, ConvGeometry g, int room) {
        int hp = g.h() + 2 * g.pad();
        int wp = g.w() + 2 * g.pad();
        float[] xp = ArrayPool.zeroed(g.cin() * hp * wp + room);
        for (int ci = 0; ci < g.cin(); ci++) {
            for (int iy = 0; iy < g.h(); iy++) {
                System.arraycopy(x, ((img * g.cin() + ci) * g.h() + iy) * g.w(), xp,
                        (ci * hp + iy + g.pad()) * wp + g.pad(), g.w());
            }
        }
        return xp;
    }

    static final int GROUP = 2;

    /** Images per group where the grouping changes no result: enough to keep every thread busy. */
    static int parallelGroup() {
        return Math.max(GROUP, Parallel.threads());
    }

    /** Work on the padded images [lo, hi) of a batch, which are in {@code xps[lo .. hi)} while it runs. */
    @FunctionalInterface
    interface ImageGroup {
        void run(float[][] xps, int lo, int hi);
    }

    /**
     * Pads the batch's images {@code group} at a time (in parallel), hands each group to {@code work} in order and
     * gives the group's copies back before padding the next: a layer then holds a few padded copies instead of one
     * per image (at 128 px, the last layer's eight were 35 MB, and every size held counts in the array pool's
     * footprint). A caller whose sums are split by group passes {@link #GROUP} (fixed, so that they do not depend on
     * the thread count); the others {@link #parallelGroup()}.
     */
    static void inGroups(float[] x, ConvGeometry g, int group, ImageGroup work) {
        inGroups(g.n(), group, img -> padded(x, img, g), work);
    }

    /** {@link #inGroups(float[], ConvGeometry, int, ImageGroup)} with another per-image copy (a phase-split one). */
    static void inGroups(int n, int group, java.util.function.IntFunction<float[]> copy, ImageGroup work) {
        float[][] xps = new float[n][];
        for (int lo = 0; lo < n; lo += group) {
            int l0 = lo;
            int hi = Math.min(n, lo + group);
            Parallel.forEach(hi - lo, i -> xps[l0 + i] = copy.apply(l0 + i));
            work.run(xps, lo, hi);
            for (int img = lo; img < hi; img++) {
                ArrayPool.give(xps[img]);
                xps[img] = null;
            }
        }
    }

    static void giveAll(float[][] arrays) {
        for (float[] a : arrays) {
            ArrayPool.give(a);
        }
    }

    /** Where tap k = (ci, ky, kx) sits in a padded image, relative to its output pixel's corner. */
    static int[] tapOffsets(ConvGeometry g) {
        int hp = g.h() + 2 * g.pad();
        int wp = g.w() + 2 * g.pad();
        int[] off = new int[g.patch()];
        for (int k = 0; k < off.length; k++) {
            int ci = k / (g.kh() * g.kw());
            int ky = k % (g.kh() * g.kw()) / g.kw();
            int kx = k % g.kw();
            off[k] = (ci * hp + ky) * wp + kx;
        }
        return off;
    }

    /**
     * The im2col matrix of one image as GEMM panels, gathered from its zero-padded copy: column j's patch starts at
     * corner[j] = (oy * stride) * wp + ox * stride, and tap k adds a fixed offset, so every element is one load,
     * with no bounds to check. For narrow outputs (8 or 16 pixels a row) this beats copying runs, which are as short
     * as a row.
     */
    static Gemm.BPanels gatherPanels(float[] xp, ConvGeometry g, int[] tapOffsets) {
        int wo = g.wo();
        int s = g.stride();
        int wp = g.w() + 2 * g.pad();
        return (bp, pc, kc, jc, nc, nr) -> {
            int[] corner = new int[nr];
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                for (int j = 0; j < nn; j++) {
                    int pix = jc + jr + j;
                    int oy = pix / wo;
                    corner[j] = oy * s * wp + (pix - oy * wo) * s;
                }
                int dst = jr * kc;
                for (int p = 0; p < kc; p++, dst += nr) {
                    int base = tapOffsets[pc + p];
                    for (int j = 0; j < nn; j++) {
                        bp[dst + j] = xp[base + corner[j]];
                    }
                    for (int j = nn; j < nr; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
        };
    }

    /**
     * The transposed im2col matrix of the whole batch (N*outPixels x patch) as GEMM panels, gathered from the
     * images' zero-padded copies: row (image, pixel) starts at that pixel's corner, column (tap) adds the tap's
     * offset. A panel is written row by row (nr taps of one pixel side by side), each element one load; copying
     * runs per tap and spreading them down the panel's columns cost twice as much on SARGAN's layers.
     */
    static Gemm.BPanels gatherTransposedPanels(float[][] xps, ConvGeometry g, int[] tapOffsets) {
        int wo = g.wo();
        int s = g.stride();
        int wp = g.w() + 2 * g.pad();
        int pixels = g.outPixels();
        return (bp, pc, kc, jc, nc, nr) -> {
            int[] rowImg = new int[kc];
            int[] rowCorner = new int[kc];
            for (int p = 0; p < kc; p++) {
                int row = pc + p;
                int img = row / pixels;
                int pix = row - img * pixels;
                int oy = pix / wo;
                rowImg[p] = img;
                rowCorner[p] = oy * s * wp + (pix - oy * wo) * s;
            }
            for (int jr = 0; jr < nc; jr += nr) {
                int nn = Math.min(nr, nc - jr);
                int t0 = jc + jr;
                int dst = jr * kc;
                if (SIMD && nn == nr && nr % VectorLoops.lanes() == 0) {
                    for (int p = 0; p < kc; p++, dst += nr) {
                        VectorLoops.gather(xps[rowImg[p]], rowCorner[p], tapOffsets, t0, bp, dst, nr);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++, dst += nr) {
                    float[] xp = xps[rowImg[p]];
                    int corner = rowCorner[p];
                    for (int j = 0; j < nn; j++) {
                        bp[dst + j] = xp[corner + tapOffsets[t0 + j]];
                    }
                    for (int j = nn; j < nr; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
        };
    }
}
