package org.sargan.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.sargan.core.ConvGeometry;

/**
 * 4x4, stride-2, pad-1 convolutions (the generator's downsampling layers and the discriminator's) with 1.78x fewer
 * multiply-adds: the convolution is one stride-1 2x2 convolution over the four phases of the padded input, and that
 * one runs by Winograd's F(2x2, 2x2).
 *
 * <p>Phase (q, qx) of the zero-padded input xp is P[r][c] = xp[2r + q][2c + qx] (Ho + 1 rows, Wo + 1 columns); with
 * ky = 2j + q and kx = 2jx + qx,
 * <pre>
 *   y[co][oy][ox] = sum over ci, q, qx, j, jx of  P_{q,qx,ci}[oy + j][ox + jx] * w[co][ci][2j + q][2jx + qx]
 * </pre>
 * a 2x2 convolution with 4 Cin input channels. F(2x2, 2x2) makes each 2x2 block of output pixels from a 3x3 tile
 * with 9 products per (output, input) channel pair instead of 16:
 * <pre>
 *   V = B^T d B   B^T = | 1 -1  0 |     U = G g G^T   G = | 1  0 |     Y = A^T M A   A^T = | 1  1  0 |
 *                       | 0  1  0 |                       | 1  1 |                         | 0  1  1 |
 *                       | 0 -1  1 |                       | 0  1 |
 *   M(xi) = U(xi) * V(xi): 9 GEMMs of (Cout x 4 Cin) by (4 Cin x tiles)
 * </pre>
 * The transforms only add and subtract, so the result differs from direct convolution by the order of the sums
 * alone ({@code ConvReferenceTest} bounds it against double-precision loops). As in {@link WinogradConvolutions}
 * the lanes of a vector are consecutive tiles of one tile row: a padded input row is split into its four column
 * phases (column 4t + m at Q_m[t]), so that a tile's three columns of phase qx are Q_qx[tx], Q_{2+qx}[tx] and
 * Q_qx[tx + 1], three vector loads; an output row's two columns per tile are put together with the shuffles of
 * {@link WinogradVectors}. Work is split by tiles only (groups of images, or bands of an image's tile rows, each
 * wholly on one thread), never along a sum, so results do not depend on the thread count. Needs SIMD, even output
 * sizes and output rows of whole vectors of tiles (with 512-bit vectors: 32 output columns; in SARGAN the
 * generator's two downsampling layers at 128 px, its first at 64 px, and the discriminator's 64 -> 128 layer at
 * 128 px). Loaded only when {@link SimdSupport#enabled()} (its constants are vectors: without the
 * jdk.incubator.vector module the class cannot initialise).
 *
 * <p>Measured (AMD Zen 5, 2 threads; harness, the GEMM route against this one alternated, min ms, two runs):
 * [8,64,128,128] -> 128 24.1-24.2 -> 15.4-15.5, [8,128,64,64] -> 256 20.8-21.6 -> 13.6-14.2, [8,64,64,64] -> 128
 * 5.6-5.8 -> 3.9-4.0, [16,64,64,64] -> 128 10.8-11.7 -> 7.4-8.4. Inside a 128 px D+G step (profiled, two runs of
 * each route, bands of 128 tiles), the eligible rows took 109-137 -> 70-71 ms of the D step and 268-335 -> 165-185
 * ms of the G step. Max abs difference to double-precision loops 3e-6 to 1.1e-5 for outputs up to 11 (the GEMM
 * route's 1.4e-6 to 4.4e-6).
 */
final class PhaseWinograd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Input channels from which the transforms pay (4 Cin is the products' depth). */
    static final int MIN_CHANNELS = 32;
    /**
     * Tiles per group: whole images up to this many tiles, else bands of an image's tile rows. Bounds V (9 x 4 Cin
     * x tiles floats) and M, one of each per thread. Harness, AMD Zen 5, 2 threads, one task per band (min ms):
     * [8,64,128,128] -> 128 15.9-16.3 with 128 tiles, 15.4-15.5 with 64 (the GEMM route 24.0-27.2); [8,128,64,64]
     * -> 256 14.9-16.0 and 13.6-14.2 (20.8-23.5); a 128 px D+G step peaked at 1,984-1,992 MiB with 128 tiles and
     * 1,982-1,986 with 64 (the GEMM route 1,976). With a parallel loop per step of a band, whole images (V 9.4 MB at
     * 128 px) and bands of 128-512 tiles had run within noise of each other.
     */
    private static final int GROUP_TILES = 64;
    private static final ThreadLocal<float[]> PLANE = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * Each thread's V and M, grown to the largest a layer has needed and reused by every layer: through the array
     * pool each layer's sizes were kept apart, and a 128 px D+G step peaked 17-20 MiB higher than by the GEMM route.
     */
    private static final ThreadLocal<float[]> V_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> M_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * Phase k of 4 L consecutive floats f (lane t = f[4t + k]) from the 4 vectors holding them: lanes [jL/4,
     * (j+1)L/4) come from vector j, lane t from its lane 4t + k - jL (shuffle Pkj; the other lanes are blended over,
     * mask Mj). Static final fields, not arrays: the JIT compiles a rearrange or blend whose shuffle or mask is a
     * constant to one instruction, and one loaded from an array was 4x slower (the phase split took 6.3 ms of
     * thread time a call on [8,64,128,128] from arrays).
     */
    private static final VectorShuffle<Float> P00 = phase(0, 0);
    private static final VectorShuffle<Float> P01 = phase(0, 1);
    private static final VectorShuffle<Float> P02 = phase(0, 2);
    private static final VectorShuffle<Float> P03 = phase(0, 3);
    private static final VectorShuffle<Float> P10 = phase(1, 0);
    private static final VectorShuffle<Float> P11 = phase(1, 1);
    private static final VectorShuffle<Float> P12 = phase(1, 2);
    private static final VectorShuffle<Float> P13 = phase(1, 3);
    private static final VectorShuffle<Float> P20 = phase(2, 0);
    private static final VectorShuffle<Float> P21 = phase(2, 1);
    private static final VectorShuffle<Float> P22 = phase(2, 2);
    private static final VectorShuffle<Float> P23 = phase(2, 3);
    private static final VectorShuffle<Float> P30 = phase(3, 0);
    private static final VectorShuffle<Float> P31 = phase(3, 1);
    private static final VectorShuffle<Float> P32 = phase(3, 2);
    private static final VectorShuffle<Float> P33 = phase(3, 3);
    private static final VectorMask<Float> M1 = part(1);
    private static final VectorMask<Float> M2 = part(2);
    private static final VectorMask<Float> M3 = part(3);

    private static VectorShuffle<Float> phase(int k, int j) {
        int[] idx = new int[L];
        for (int t = 0; t < L; t++) {
            int from = 4 * t + k - j * L;
            idx[t] = from >= 0 && from < L ? from : 0;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorMask<Float> part(int j) {
        boolean[] lanes = new boolean[L];
        for (int t = j * L / 4; t < (j + 1) * L / 4; t++) {
            lanes[t] = true;
        }
        return VectorMask.fromArray(S, lanes, 0);
    }

    private PhaseWinograd() {
    }

    static boolean applies(ConvGeometry g) {
        return SimdSupport.enabled() && Gemm.DEFAULT_KERNEL == Gemm.Kernel.SIMD && g.kh() == 4 && g.kw() == 4
                && g.stride() == 2 && g.pad() == 1 && g.h() == 2 * g.ho() && g.w() == 2 * g.wo() && g.ho() % 2 == 0
                && g.wo() % (2 * L) == 0 && g.cin() >= MIN_CHANNELS;
    }

    static float[] forward(float[] x, float[] wt, ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("phase winograd: needs SIMD, a 4x4 stride-2 pad-1 kernel, even output"
                    + " sizes with rows of a multiple of " + 2 * L + " and at least " + MIN_CHANNELS
                    + " input channels; got " + g);
        }
        int cin = g.cin();
        int cout = g.cout();
        int th = g.ho() / 2;
        int tw = g.wo() / 2;
        int perImage = th * tw;
        int depth = 4 * cin;
        Gemm.PackedA[] pa = transformWeights(wt, cout, cin);
        float[] y = ArrayPool.dirty(g.n() * cout * g.outPixels());
        // groups of whole images while an image has at most GROUP_TILES tiles, else each image in bands of tile rows
        int group = Math.max(1, Math.min(g.n(), GROUP_TILES / perImage));
        int band = perImage > GROUP_TILES ? Math.max(1, GROUP_TILES / tw) : th;
        int nr = Gemm.panelWidth();
        int bands = (th + band - 1) / band;
        // one task per group or band, all of its work (transforms and the 9 products) on one thread: a loop per
        // step cost a barrier per step, 3 a band, which inside a training step cost more than the products saved
        Parallel.forEach((g.n() + group - 1) / group * bands, unit -> {
            int lo = unit / bands * group;
            int hi = Math.min(g.n(), lo + group);
            int ty0 = unit % bands * band;
            int ty1 = Math.min(th, ty0 + band);
            int tiles = (hi - lo) * (ty1 - ty0) * tw;
            int cols = (tiles + nr - 1) / nr * nr;
            int ld = WinogradConvolutions.pitch(cols);
            int vs = WinogradConvolutions.spread(depth * ld);
            int ms = WinogradConvolutions.spread(cout * ld);
            float[] v = transformInput(x, g, lo, hi, ty0, ty1, tw, ld, vs, tiles, cols);
            float[] m = ArrayPool.threadBuffer(M_BUFFER, 9 * ms);
            int[] rows = new int[depth];
            for (int xi = 0; xi < 9; xi++) {
                for (int k = 0; k < depth; k++) {
                    rows[k] = xi * vs + k * ld;
                }
                Gemm.multiplyImage(pa[xi], v, rows, cols, 0, m, xi * ms, ld, 0, cols);
            }
            transformOutput(m, g, lo, hi, ty0, ty1, tw, ld, ms, y);
        });
        for (Gemm.PackedA p : pa) {
            p.free();
        }
        return y;
    }

    /**
     * U(xi)[co][(2q + qx) Cin + ci] = (G g G^T)[xi] for the 2x2 kernel g[j][jx] = w[co][ci][2j + q][2jx + qx]: 9
     * matrices of Cout x 4 Cin written straight into the GEMM's packed panels.
     */
    static Gemm.PackedA[] transformWeights(float[] wt, int cout, int cin) {
        int depth = 4 * cin;
        Gemm.PackedA[] pa = new Gemm.PackedA[9];
        for (int xi = 0; xi < 9; xi++) {
            pa[xi] = Gemm.PackedA.unfilled(Gemm.DEFAULT_KERNEL, cout, depth);
        }
        int mr = pa[0].mk.mr();
        Parallel.forRange(cout, mr, (c0, c1) -> {
            for (int k = 0; k < depth; k++) {
                int phase = k / cin;
                int ci = k % cin;
                int q = phase / 2;
                int qx = phase % 2;
                for (int co = c0; co < c1; co++) {
                    int w = (co * cin + ci) * 16;
                    float a = wt[w + q * 4 + qx];
                    float b = wt[w + q * 4 + 2 + qx];
                    float c = wt[w + (2 + q) * 4 + qx];
                    float d = wt[w + (2 + q) * 4 + 2 + qx];
                    int at = pa[0].index(co, k);
                    float ac = a + c;
                    float bd = b + d;
                    pa[0].data[at] = a;
                    pa[1].data[at] = a + b;
                    pa[2].data[at] = b;
                    pa[3].data[at] = ac;
                    pa[4].data[at] = ac + bd;
                    pa[5].data[at] = bd;
                    pa[6].data[at] = c;
                    pa[7].data[at] = c + d;
                    pa[8].data[at] = d;
                }
            }
        });
        return pa;
    }

    /**
     * On the calling thread: V(xi)[(2q + qx) Cin + ci][t] for the images lo..hi and tile rows ty0..ty1 (a band of
     * one image, or whole images), tile t = (image, ty - ty0, tx) in row-major order within each
     * image; columns [tiles, cols) zeroed (the products' round-up to whole panels).
     */
    static float[] transformInput(float[] x, ConvGeometry g, int lo, int hi, int ty0, int ty1, int tw, int ld,
            int vs, int tiles, int cols) {
        int cin = g.cin();
        int h = g.h();
        int w = g.w();
        int rows = h + 2;
        // one padded row in the split layout: Q_0 .. Q_3, each tw + 1 columns and a vector of room for the lanes
        // of tile tx + 1 past the row's end
        int sw = tw + 1 + L;
        int row = 4 * sw;
        int perImage = (ty1 - ty0) * tw;
        // the input rows the band's tiles read: padded rows 4 ty0 .. 4 ty1 + 1, image rows one less
        int iy0 = Math.max(0, 4 * ty0 - 1);
        int iy1 = Math.min(h, 4 * ty1 + 1);
        float[] v = ArrayPool.threadBuffer(V_BUFFER, 9 * vs);
        float[] d = plane(rows, row);
        for (int ci = 0; ci < cin; ci++) {
            for (int img = lo; img < hi; img++) {
                // the image's own positions only: the border (row 0, row h + 1, columns 0 and w + 1) and the room
                // stay zero from the plane's first use
                // padded column c = ix + 1 goes to Q_{c % 4}[c / 4]: x's columns 4t + k, gathered a vector at a
                // time, are Q_{k + 1}[t] for k < 3 and Q_0[t + 1] for k = 3
                int src = (img * cin + ci) * h * w;
                for (int iy = iy0; iy < iy1; iy++) {
                    int dr = (iy + 1) * row;
                    int s = src + iy * w;
                    for (int t0 = 0; t0 < tw; t0 += L) {
                        // 4 L consecutive floats into their 4 phases: each phase takes a quarter of its lanes from
                        // each of the 4 vectors (single-vector shuffles and blends; a gather was 4x slower)
                        FloatVector a0 = FloatVector.fromArray(S, x, s + 4 * t0);
                        FloatVector a1 = FloatVector.fromArray(S, x, s + 4 * t0 + L);
                        FloatVector a2 = FloatVector.fromArray(S, x, s + 4 * t0 + 2 * L);
                        FloatVector a3 = FloatVector.fromArray(S, x, s + 4 * t0 + 3 * L);
                        a0.rearrange(P00).blend(a1.rearrange(P01), M1).blend(a2.rearrange(P02), M2)
                                .blend(a3.rearrange(P03), M3).intoArray(d, dr + sw + t0);
                        a0.rearrange(P10).blend(a1.rearrange(P11), M1).blend(a2.rearrange(P12), M2)
                                .blend(a3.rearrange(P13), M3).intoArray(d, dr + 2 * sw + t0);
                        a0.rearrange(P20).blend(a1.rearrange(P21), M1).blend(a2.rearrange(P22), M2)
                                .blend(a3.rearrange(P23), M3).intoArray(d, dr + 3 * sw + t0);
                        a0.rearrange(P30).blend(a1.rearrange(P31), M1).blend(a2.rearrange(P32), M2)
                                .blend(a3.rearrange(P33), M3).intoArray(d, dr + t0 + 1);
                    }
                }
                int out0 = (img - lo) * perImage;
                for (int q = 0; q < 2; q++) {
                    for (int qx = 0; qx < 2; qx++) {
                        int vrow = ((2 * q + qx) * cin + ci) * ld + out0;
                        for (int ty = ty0; ty < ty1; ty++) {
                            // tile row ty reads phase rows 2ty .. 2ty + 2, padded rows 4ty + q, + 2, + 4
                            int r0 = (4 * ty + q) * row;
                            int r1 = r0 + 2 * row;
                            int r2 = r1 + 2 * row;
                            int a = qx * sw;
                            int b = (2 + qx) * sw;
                            for (int tx = 0; tx < tw; tx += L) {
                                int o = vrow + (ty - ty0) * tw + tx;
                                FloatVector d00 = FloatVector.fromArray(S, d, r0 + a + tx);
                                FloatVector d01 = FloatVector.fromArray(S, d, r0 + b + tx);
                                FloatVector d02 = FloatVector.fromArray(S, d, r0 + a + tx + 1);
                                FloatVector d10 = FloatVector.fromArray(S, d, r1 + a + tx);
                                FloatVector d11 = FloatVector.fromArray(S, d, r1 + b + tx);
                                FloatVector d12 = FloatVector.fromArray(S, d, r1 + a + tx + 1);
                                FloatVector d20 = FloatVector.fromArray(S, d, r2 + a + tx);
                                FloatVector d21 = FloatVector.fromArray(S, d, r2 + b + tx);
                                FloatVector d22 = FloatVector.fromArray(S, d, r2 + a + tx + 1);
                                // B^T d: rows 0 - 1, 1, 2 - 1
                                FloatVector u00 = d00.sub(d10);
                                FloatVector u01 = d01.sub(d11);
                                FloatVector u02 = d02.sub(d12);
                                FloatVector u20 = d20.sub(d10);
                                FloatVector u21 = d21.sub(d11);
                                FloatVector u22 = d22.sub(d12);
                                // (B^T d) B: columns 0 - 1, 1, 2 - 1
                                u00.sub(u01).intoArray(v, o);
                                u01.intoArray(v, o + vs);
                                u02.sub(u01).intoArray(v, o + 2 * vs);
                                d10.sub(d11).intoArray(v, o + 3 * vs);
                                d11.intoArray(v, o + 4 * vs);
                                d12.sub(d11).intoArray(v, o + 5 * vs);
                                u20.sub(u21).intoArray(v, o + 6 * vs);
                                u21.intoArray(v, o + 7 * vs);
                                u22.sub(u21).intoArray(v, o + 8 * vs);
                            }
                        }
                    }
                }
            }
            if (cols > tiles) {
                for (int xi = 0; xi < 9; xi++) {
                    for (int phase = 0; phase < 4; phase++) {
                        int at = xi * vs + (phase * cin + ci) * ld;
                        java.util.Arrays.fill(v, at + tiles, at + cols, 0f);
                    }
                }
            }
        }
        return v;
    }


    /**
     * This thread's split plane of {@code rows} rows of {@code row} floats, made zeroed whenever the layout changes:
     * only the image's own positions are ever written, so the border and the room stay zero while the layout does.
     */
    private static float[] plane(int rows, int row) {
        float[] d = PLANE.get();
        // the same length and row length: the same rows, the same layout
        if (d.length != rows * row + 1 || Float.floatToRawIntBits(d[d.length - 1]) != row) {
            d = new float[rows * row + 1];
            d[d.length - 1] = Float.intBitsToFloat(row); // the layout's row length, kept past the plane
            PLANE.set(d);
        }
        return d;
    }

    /**
     * On the calling thread: y's 2x2 blocks for images lo..hi and tile rows ty0..ty1 from the 9 products, Y = A^T
     * M A per output channel and tile.
     */
    static void transformOutput(float[] m, ConvGeometry g, int lo, int hi, int ty0, int ty1, int tw, int ld, int ms,
            float[] y) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int perImage = (ty1 - ty0) * tw;
        for (int task = 0; task < (hi - lo) * cout; task++) {
            int img = lo + task / cout;
            int co = task % cout;
            int in0 = co * ld + (img - lo) * perImage;
            int dst = (img * cout + co) * ho * wo;
            for (int ty = ty0; ty < ty1; ty++) {
                for (int tx = 0; tx < tw; tx += L) {
                    int i = in0 + (ty - ty0) * tw + tx;
                    FloatVector m0 = FloatVector.fromArray(S, m, i);
                    FloatVector m1 = FloatVector.fromArray(S, m, i + ms);
                    FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * ms);
                    FloatVector m3 = FloatVector.fromArray(S, m, i + 3 * ms);
                    FloatVector m4 = FloatVector.fromArray(S, m, i + 4 * ms);
                    FloatVector m5 = FloatVector.fromArray(S, m, i + 5 * ms);
                    FloatVector m6 = FloatVector.fromArray(S, m, i + 6 * ms);
                    FloatVector m7 = FloatVector.fromArray(S, m, i + 7 * ms);
                    FloatVector m8 = FloatVector.fromArray(S, m, i + 8 * ms);
                    // A^T M: rows 0 + 1 and 1 + 2
                    FloatVector s0 = m0.add(m3);
                    FloatVector s1 = m1.add(m4);
                    FloatVector s2 = m2.add(m5);
                    FloatVector t0 = m3.add(m6);
                    FloatVector t1 = m4.add(m7);
                    FloatVector t2 = m5.add(m8);
                    int o = dst + 2 * ty * wo + 2 * tx;
                    // (A^T M) A: columns 0 + 1 and 1 + 2, interleaved into the block's two columns; written out
                    // here, not in a helper (vectors passed to a method the JIT does not inline are boxed)
                    FloatVector even = s0.add(s1);
                    FloatVector odd = s1.add(s2);
                    even.rearrange(WinogradVectors.TWICE_LO).blend(odd.rearrange(WinogradVectors.TWICE_LO),
                            WinogradVectors.ODD).intoArray(y, o);
                    even.rearrange(WinogradVectors.TWICE_HI).blend(odd.rearrange(WinogradVectors.TWICE_HI),
                            WinogradVectors.ODD).intoArray(y, o + L);
                    even = t0.add(t1);
                    odd = t1.add(t2);
                    even.rearrange(WinogradVectors.TWICE_LO).blend(odd.rearrange(WinogradVectors.TWICE_LO),
                            WinogradVectors.ODD).intoArray(y, o + wo);
                    even.rearrange(WinogradVectors.TWICE_HI).blend(odd.rearrange(WinogradVectors.TWICE_HI),
                            WinogradVectors.ODD).intoArray(y, o + wo + L);
                }
            }
        }
    }
}
