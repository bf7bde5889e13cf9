package org.sargan.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.sargan.core.ConvGeometry;

/**
 * The input gradient of a 4x4, stride-2, pad-1 convolution (the transposed convolutions of the generator's
 * upsampling layers, and the backward pass through its downsampling layers and the discriminator's) with 1.78x fewer
 * multiply-adds: each of the four phases of dx is a stride-1 2x2 convolution of the output gradient, and each runs
 * by Winograd's F(2x2, 2x2), the transforms of {@link PhaseWinograd}.
 *
 * <p>Input row iy = 2p + a gets gradient from output rows oy with iy = 2 oy - 1 + ky: ky = 1 and 3 (oy = p, p - 1)
 * for a = 0, ky = 0 and 2 (oy = p + 1, p) for a = 1. With the output gradient zero-padded by one (gp[r][c] =
 * gy[r - 1][c - 1]) and the same for columns (ix = 2q + b),
 * <pre>
 *   dx[ci][2p + a][2q + b] = sum over co, j, jx of  gp[co][p + a + j][q + b + jx] * w[co][ci][3 - a - 2j][3 - b - 2jx]
 * </pre>
 * a 2x2 convolution over Cout channels whose output (Ho x Wo, one value per tile pixel) starts at row a and column
 * b of gp. F(2x2, 2x2) makes each 2x2 block of a phase from a 3x3 tile of gp: 9 GEMMs of (Cin x Cout) by
 * (Cout x tiles) a phase, 36 in all, against the 16 taps of the dcols product (W^T times gy, then col2im).
 *
 * <p>Layout: each padded row of gy is stored split by column parity (E[t] = gp column 2t, O[t] = column 2t + 1), so
 * that a tile tx of phase b = 0 reads columns E[tx], O[tx], E[tx + 1] and of phase b = 1 O[tx], E[tx + 1],
 * O[tx + 1]: vector loads, the lanes consecutive tiles. A tile's 2x2 outputs in phases (a, 0) and (a, 1) are four
 * consecutive columns of dx (4 tx .. 4 tx + 3: b = 0, 1, 0, 1), put together by two rounds of the interleave of
 * {@link WinogradVectors}, so both column phases of a row phase are computed before its output transform. Work is
 * split by tiles only (groups of images, or bands of an image's tile rows, each wholly on one thread), never along
 * a sum, so results do not depend on the thread count. Needs SIMD, the input twice the output in both sizes, even
 * output sizes and output rows of whole vectors of tiles (with 512-bit vectors: 32 columns). Loaded only when
 * {@link SimdSupport#enabled()}.
 */
final class PhaseWinogradTransposed {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output-gradient channels (the products' depth) and input channels (their rows) from which it pays. */
    static final int MIN_CHANNELS = 32;
    /** Tiles per group or band, as {@link PhaseWinograd}'s (whole images up to this many, else bands of tile rows). */
    private static final int GROUP_TILES = 64;
    private static final ThreadLocal<float[]> PLANES = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> V_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> M_BUFFER = ThreadLocal.withInitial(() -> new float[0]);
    /** Even (odd) lanes of two vectors: lanes [0, L/2) from the first, [L/2, L) from the second (mask HI). */
    private static final VectorShuffle<Float> EVEN_LO = pick(0, 0);
    private static final VectorShuffle<Float> EVEN_HI = pick(0, L);
    private static final VectorShuffle<Float> ODD_LO = pick(1, 0);
    private static final VectorShuffle<Float> ODD_HI = pick(1, L);
    private static final VectorMask<Float> HI = upperHalf();

    private static VectorShuffle<Float> pick(int parity, int base) {
        int[] idx = new int[L];
        for (int t = 0; t < L; t++) {
            int from = 2 * t + parity - base;
            idx[t] = from >= 0 && from < L ? from : 0;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static VectorMask<Float> upperHalf() {
        boolean[] lanes = new boolean[L];
        for (int t = L / 2; t < L; t++) {
            lanes[t] = true;
        }
        return VectorMask.fromArray(S, lanes, 0);
    }

    private PhaseWinogradTransposed() {
    }

    static boolean applies(ConvGeometry g) {
        return SimdSupport.enabled() && Gemm.DEFAULT_KERNEL == Gemm.Kernel.SIMD && g.kh() == 4 && g.kw() == 4
                && g.stride() == 2 && g.pad() == 1 && g.h() == 2 * g.ho() && g.w() == 2 * g.wo() && g.ho() % 2 == 0
                && (g.wo() % (2 * L) == 0 || paired(g)) && g.cin() >= MIN_CHANNELS && g.cout() >= MIN_CHANNELS;
    }

    /**
     * Rows of half a vector of tiles (Wo = L, 8 tiles with 512-bit vectors: the generator's first upsampling layer
     * at 64 px) and an even number of tile rows: a vector then holds two tile rows, in the paired layout of
     * {@link #splitPaired}.
     */
    private static boolean paired(ConvGeometry g) {
        return g.wo() == L && g.ho() % 4 == 0;
    }

    /** dx (n x Cin x h x w) of the convolution g from its output gradient gy and weights wt. */
    static float[] inputGrad(float[] gy, float[] wt, ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("phase winograd input gradient: needs SIMD, a 4x4 stride-2 pad-1"
                    + " kernel, an input twice the output, even output sizes with rows of a multiple of " + 2 * L
                    + " (or of " + L + " with a multiple of 4 rows) and at least " + MIN_CHANNELS
                    + " input and output channels; got " + g);
        }
        int cin = g.cin();
        int cout = g.cout();
        int th = g.ho() / 2;
        int tw = g.wo() / 2;
        int perImage = th * tw;
        Gemm.PackedA[] pa = transformWeights(wt, cout, cin);
        float[] dx = ArrayPool.dirty(g.n() * cin * g.inPixels());
        int group = Math.max(1, Math.min(g.n(), GROUP_TILES / perImage));
        boolean paired = paired(g);
        // bands of whole tile-row pairs in the paired layout
        int band = perImage > GROUP_TILES ? Math.max(paired ? 2 : 1, GROUP_TILES / tw / 2 * 2) : th;
        int nr = Gemm.panelWidth();
        int bands = (th + band - 1) / band;
        Parallel.forEach((g.n() + group - 1) / group * bands, unit -> {
            int lo = unit / bands * group;
            int hi = Math.min(g.n(), lo + group);
            int ty0 = unit % bands * band;
            int ty1 = Math.min(th, ty0 + band);
            int tiles = (hi - lo) * (ty1 - ty0) * tw;
            int cols = (tiles + nr - 1) / nr * nr;
            int ld = WinogradConvolutions.pitch(cols);
            int vs = WinogradConvolutions.spread(cout * ld);
            int ms = WinogradConvolutions.spread(cin * ld);
            float[] d = paired ? splitPaired(gy, g, lo, hi, ty0, ty1) : split(gy, g, lo, hi, ty0, ty1, tw);
            float[] v = ArrayPool.threadBuffer(V_BUFFER, 9 * vs);
            // both column phases of a row phase: M of (a, b) at (9 b + xi) ms
            float[] m = ArrayPool.threadBuffer(M_BUFFER, 18 * ms);
            int[] rows = new int[cout];
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    transformInput(d, g, lo, hi, ty0, ty1, tw, paired, a, b, v, ld, vs, tiles, cols);
                    for (int xi = 0; xi < 9; xi++) {
                        for (int k = 0; k < cout; k++) {
                            rows[k] = xi * vs + k * ld;
                        }
                        Gemm.multiplyImage(pa[(2 * a + b) * 9 + xi], v, rows, cols, 0, m, (9 * b + xi) * ms, ld, 0,
                                cols);
                    }
                }
                transformOutput(m, g, lo, hi, ty0, ty1, tw, paired, a, ld, ms, dx);
            }
        });
        for (Gemm.PackedA p : pa) {
            p.free();
        }
        return dx;
    }

    /**
     * U of phase (a, b), at index 9 (2a + b) + xi: (G g G^T)[xi] for the 2x2 kernel g[j][jx] = w[co][ci][3 - a -
     * 2j][3 - b - 2jx], 36 matrices of Cin x Cout written straight into the GEMM's packed panels.
     */
    static Gemm.PackedA[] transformWeights(float[] wt, int cout, int cin) {
        Gemm.PackedA[] pa = new Gemm.PackedA[36];
        for (int i = 0; i < 36; i++) {
            pa[i] = Gemm.PackedA.unfilled(Gemm.DEFAULT_KERNEL, cin, cout);
        }
        int mr = pa[0].mk.mr();
        Parallel.forRange(cin, mr, (lo, hi) -> {
            for (int co = 0; co < cout; co++) {
                for (int ci = lo; ci < hi; ci++) {
                    int w = (co * cin + ci) * 16;
                    int at = pa[0].index(ci, co);
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            float g00 = wt[w + (3 - a) * 4 + 3 - b];
                            float g01 = wt[w + (3 - a) * 4 + 1 - b];
                            float g10 = wt[w + (1 - a) * 4 + 3 - b];
                            float g11 = wt[w + (1 - a) * 4 + 1 - b];
                            int base = (2 * a + b) * 9;
                            float l0 = g00 + g10;
                            float l1 = g01 + g11;
                            pa[base].data[at] = g00;
                            pa[base + 1].data[at] = g00 + g01;
                            pa[base + 2].data[at] = g01;
                            pa[base + 3].data[at] = l0;
                            pa[base + 4].data[at] = l0 + l1;
                            pa[base + 5].data[at] = l1;
                            pa[base + 6].data[at] = g10;
                            pa[base + 7].data[at] = g10 + g11;
                            pa[base + 8].data[at] = g11;
                        }
                    }
                }
            }
        });
        return pa;
    }

    /** Floats of one split padded row: E then O, tw + 1 columns each. */
    private static int splitRow(int tw) {
        return 2 * (tw + 1);
    }

    /**
     * On the calling thread: the padded rows 2 ty0 .. 2 ty1 + 1 of gy's planes for images lo..hi, split by column
     * parity, plane (image - lo, co) after plane. Every float the transforms read is written here (the padding
     * included), so the buffer's earlier contents do not matter.
     */
    private static float[] split(float[] gy, ConvGeometry g, int lo, int hi, int ty0, int ty1, int tw) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int row = splitRow(tw);
        int sw = tw + 1;
        int rows = 2 * (ty1 - ty0) + 2;
        int planeSize = rows * row;
        float[] d = ArrayPool.threadBuffer(PLANES, (hi - lo) * cout * planeSize);
        for (int p = 0; p < (hi - lo) * cout; p++) {
            int src = ((lo + p / cout) * cout + p % cout) * ho * wo;
            int base = p * planeSize;
            for (int lr = 0; lr < rows; lr++) {
                int oy = 2 * ty0 + lr - 1; // padded row 2 ty0 + lr is gy row 2 ty0 + lr - 1
                int r = base + lr * row;
                if (oy < 0 || oy >= ho) {
                    java.util.Arrays.fill(d, r, r + row, 0f);
                    continue;
                }
                // padded column c = ox + 1: even ox = 2t go to O[t], odd ox = 2t + 1 to E[t + 1]; E[0] and
                // O[tw] are the padding
                d[r] = 0f;
                d[r + sw + tw] = 0f;
                int s = src + oy * wo;
                for (int t0 = 0; t0 < tw; t0 += L) {
                    FloatVector a0 = FloatVector.fromArray(S, gy, s + 2 * t0);
                    FloatVector a1 = FloatVector.fromArray(S, gy, s + 2 * t0 + L);
                    a0.rearrange(EVEN_LO).blend(a1.rearrange(EVEN_HI), HI).intoArray(d, r + sw + t0);
                    a0.rearrange(ODD_LO).blend(a1.rearrange(ODD_HI), HI).intoArray(d, r + t0 + 1);
                }
            }
        }
        return d;
    }

    /** Floats of one padded row's block in the paired layout: E0, E1, O0, O1, a vector each. */
    private static final int PAIRED_ROW = 4 * L;

    /**
     * {@link #split} for rows of L / 2 tiles: padded row r's block holds four vectors, E0 = (E_r[0 .. L/2),
     * E_{r+2}[0 .. L/2)), E1 = the same from index 1, O0 and O1 likewise for O. A tile-row pair (ty, ty + 1) of
     * phase a reads padded rows 2 ty + a + k and 2 ty + 2 + a + k (k = 0, 1, 2): block 2 ty + a + k alone, so the
     * vector loads of {@link #transformInput} serve 2 L / 2 = L tiles, the two tile rows in the lanes' two halves.
     */
    private static float[] splitPaired(float[] gy, ConvGeometry g, int lo, int hi, int ty0, int ty1) {
        int cout = g.cout();
        int ho = g.ho();
        int wo = g.wo();
        int half = L / 2;
        int rows = 2 * (ty1 - ty0) + 2;
        int planeSize = rows * PAIRED_ROW;
        float[] d = ArrayPool.threadBuffer(PLANES, (hi - lo) * cout * planeSize + 2 * (half + 1));
        // one padded row split by parity, E (half + 1 columns) then O, past the planes
        int tmp = (hi - lo) * cout * planeSize;
        for (int p = 0; p < (hi - lo) * cout; p++) {
            int src = ((lo + p / cout) * cout + p % cout) * ho * wo;
            int base = p * planeSize;
            for (int lr = 0; lr < rows; lr++) {
                int oy = 2 * ty0 + lr - 1; // padded row 2 ty0 + lr is gy row 2 ty0 + lr - 1
                if (oy < 0 || oy >= ho) {
                    java.util.Arrays.fill(d, tmp, tmp + 2 * (half + 1), 0f);
                } else {
                    // padded column c = ox + 1: even ox = 2t to O[t], odd ox = 2t + 1 to E[t + 1]
                    int s = src + oy * wo;
                    d[tmp] = 0f;
                    d[tmp + half + 1 + half] = 0f;
                    for (int t = 0; t < half; t++) {
                        d[tmp + half + 1 + t] = gy[s + 2 * t];
                        d[tmp + 1 + t] = gy[s + 2 * t + 1];
                    }
                }
                // row lr is the first half of block lr and the second half of block lr - 2
                for (int part = 0; part < 2; part++) {
                    int blk = lr - 2 * part;
                    if (blk < 0) {
                        continue;
                    }
                    int at = base + blk * PAIRED_ROW + part * half;
                    for (int t = 0; t < half; t++) {
                        d[at + t] = d[tmp + t];
                        d[at + L + t] = d[tmp + 1 + t];
                        d[at + 2 * L + t] = d[tmp + half + 1 + t];
                        d[at + 3 * L + t] = d[tmp + half + 2 + t];
                    }
                }
            }
            // the last two blocks get no second halves (rows past the band), and no tile-row pair reads them
        }
        return d;
    }

    /**
     * On the calling thread: V(xi)[co][t] of phase (a, b) for the band's tiles, tile t = (image, ty - ty0, tx) in
     * row-major order within each image; columns [tiles, cols) zeroed (the products' round-up to whole panels).
     */
    private static void transformInput(float[] d, ConvGeometry g, int lo, int hi, int ty0, int ty1, int tw,
            boolean paired, int a, int b, float[] v, int ld, int vs, int tiles, int cols) {
        int cout = g.cout();
        int row = paired ? PAIRED_ROW : splitRow(tw);
        int sw = tw + 1;
        int rows = 2 * (ty1 - ty0) + 2;
        int planeSize = rows * row;
        int perBand = (ty1 - ty0) * tw;
        // the tile's three columns, b + jx = 0, 1, 2, 3: E[tx], O[tx], E[tx + 1], O[tx + 1] (paired: the vectors
        // E0, O0, E1, O1 of a block)
        int c0 = b == 0 ? 0 : paired ? 2 * L : sw;
        int c1 = b == 0 ? (paired ? 2 * L : sw) : paired ? L : 1;
        int c2 = b == 0 ? (paired ? L : 1) : paired ? 3 * L : sw + 1;
        // a vector of tiles: L of one tile row, or (paired) two tile rows of L / 2
        int tyStep = paired ? 2 : 1;
        int txEnd = paired ? 1 : tw;
        for (int p = 0; p < (hi - lo) * cout; p++) {
            int img = p / cout;
            int co = p % cout;
            int vrow = co * ld + img * perBand;
            int base = p * planeSize;
            for (int ty = ty0; ty < ty1; ty += tyStep) {
                // tile row ty reads padded rows 2 ty + a .. 2 ty + a + 2, local rows from 2 ty0
                int r0 = base + (2 * (ty - ty0) + a) * row;
                int r1 = r0 + row;
                int r2 = r1 + row;
                for (int tx = 0; tx < txEnd; tx += L) {
                    int o = vrow + (ty - ty0) * tw + tx;
                    FloatVector d00 = FloatVector.fromArray(S, d, r0 + c0 + tx);
                    FloatVector d01 = FloatVector.fromArray(S, d, r0 + c1 + tx);
                    FloatVector d02 = FloatVector.fromArray(S, d, r0 + c2 + tx);
                    FloatVector d10 = FloatVector.fromArray(S, d, r1 + c0 + tx);
                    FloatVector d11 = FloatVector.fromArray(S, d, r1 + c1 + tx);
                    FloatVector d12 = FloatVector.fromArray(S, d, r1 + c2 + tx);
                    FloatVector d20 = FloatVector.fromArray(S, d, r2 + c0 + tx);
                    FloatVector d21 = FloatVector.fromArray(S, d, r2 + c1 + tx);
                    FloatVector d22 = FloatVector.fromArray(S, d, r2 + c2 + tx);
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
        if (cols > tiles) {
            for (int xi = 0; xi < 9; xi++) {
                for (int co = 0; co < cout; co++) {
                    int at = xi * vs + co * ld;
                    java.util.Arrays.fill(v, at + tiles, at + cols, 0f);
                }
            }
        }
    }

    /**
     * On the calling thread: dx rows 4 ty + a and 4 ty + 2 + a for the band's tiles from the products of phases
     * (a, 0) and (a, 1), Y = A^T M A per input channel and tile, the two phases' columns interleaved.
     */
    private static void transformOutput(float[] m, ConvGeometry g, int lo, int hi, int ty0, int ty1, int tw,
            boolean paired, int a, int ld, int ms, float[] dx) {
        int cin = g.cin();
        int h = g.h();
        int w = g.w();
        int perBand = (ty1 - ty0) * tw;
        int second = 9 * ms;
        int tyStep = paired ? 2 : 1;
        int txEnd = paired ? 1 : tw;
        // where a row's last two of four output vectors go: on (4 L columns), or (paired: the lanes' second tile
        // row) the same columns four rows down
        int far = paired ? 4 * w : 2 * L;
        for (int task = 0; task < (hi - lo) * cin; task++) {
            int img = lo + task / cin;
            int ci = task % cin;
            int in0 = ci * ld + (img - lo) * perBand;
            int plane = (img * cin + ci) * h * w;
            for (int ty = ty0; ty < ty1; ty += tyStep) {
                int top = plane + (4 * ty + a) * w;
                for (int tx = 0; tx < txEnd; tx += L) {
                    int i = in0 + (ty - ty0) * tw + tx;
                    // phase (a, 0): A^T M, then its two columns
                    FloatVector m0 = FloatVector.fromArray(S, m, i);
                    FloatVector m1 = FloatVector.fromArray(S, m, i + ms);
                    FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * ms);
                    FloatVector m3 = FloatVector.fromArray(S, m, i + 3 * ms);
                    FloatVector m4 = FloatVector.fromArray(S, m, i + 4 * ms);
                    FloatVector m5 = FloatVector.fromArray(S, m, i + 5 * ms);
                    FloatVector m6 = FloatVector.fromArray(S, m, i + 6 * ms);
                    FloatVector m7 = FloatVector.fromArray(S, m, i + 7 * ms);
                    FloatVector m8 = FloatVector.fromArray(S, m, i + 8 * ms);
                    FloatVector s1 = m1.add(m4);
                    FloatVector t1 = m4.add(m7);
                    FloatVector e00 = m0.add(m3).add(s1);
                    FloatVector e01 = s1.add(m2.add(m5));
                    FloatVector e10 = m3.add(m6).add(t1);
                    FloatVector e11 = t1.add(m5.add(m8));
                    // phase (a, 1)
                    m0 = FloatVector.fromArray(S, m, i + second);
                    m1 = FloatVector.fromArray(S, m, i + second + ms);
                    m2 = FloatVector.fromArray(S, m, i + second + 2 * ms);
                    m3 = FloatVector.fromArray(S, m, i + second + 3 * ms);
                    m4 = FloatVector.fromArray(S, m, i + second + 4 * ms);
                    m5 = FloatVector.fromArray(S, m, i + second + 5 * ms);
                    m6 = FloatVector.fromArray(S, m, i + second + 6 * ms);
                    m7 = FloatVector.fromArray(S, m, i + second + 7 * ms);
                    m8 = FloatVector.fromArray(S, m, i + second + 8 * ms);
                    s1 = m1.add(m4);
                    t1 = m4.add(m7);
                    FloatVector f00 = m0.add(m3).add(s1);
                    FloatVector f01 = s1.add(m2.add(m5));
                    FloatVector f10 = m3.add(m6).add(t1);
                    FloatVector f11 = t1.add(m5.add(m8));
                    // a row's columns 4tx + 0..3 are phase (a, 0) column 0, (a, 1) column 0, (a, 0) column 1, (a,
                    // 1) column 1: (e0, e1) interleaved, (f0, f1) interleaved, and those two interleaved. Written
                    // out, not in a helper (vectors passed to a method the JIT does not inline are boxed)
                    int o = top + 4 * tx;
                    for (int r = 0; r < 2; r++, o += 2 * w) {
                        FloatVector e0 = r == 0 ? e00 : e10;
                        FloatVector e1 = r == 0 ? e01 : e11;
                        FloatVector f0 = r == 0 ? f00 : f10;
                        FloatVector f1 = r == 0 ? f01 : f11;
                        FloatVector elo = e0.rearrange(WinogradVectors.TWICE_LO)
                                .blend(e1.rearrange(WinogradVectors.TWICE_LO), WinogradVectors.ODD);
                        FloatVector ehi = e0.rearrange(WinogradVectors.TWICE_HI)
                                .blend(e1.rearrange(WinogradVectors.TWICE_HI), WinogradVectors.ODD);
                        FloatVector flo = f0.rearrange(WinogradVectors.TWICE_LO)
                                .blend(f1.rearrange(WinogradVectors.TWICE_LO), WinogradVectors.ODD);
                        FloatVector fhi = f0.rearrange(WinogradVectors.TWICE_HI)
                                .blend(f1.rearrange(WinogradVectors.TWICE_HI), WinogradVectors.ODD);
                        elo.rearrange(WinogradVectors.TWICE_LO).blend(flo.rearrange(WinogradVectors.TWICE_LO),
                                WinogradVectors.ODD).intoArray(dx, o);
                        elo.rearrange(WinogradVectors.TWICE_HI).blend(flo.rearrange(WinogradVectors.TWICE_HI),
                                WinogradVectors.ODD).intoArray(dx, o + L);
                        ehi.rearrange(WinogradVectors.TWICE_LO).blend(fhi.rearrange(WinogradVectors.TWICE_LO),
                                WinogradVectors.ODD).intoArray(dx, o + far);
                        ehi.rearrange(WinogradVectors.TWICE_HI).blend(fhi.rearrange(WinogradVectors.TWICE_HI),
                                WinogradVectors.ODD).intoArray(dx, o + far + L);
                    }
                }
            }
        }
    }

}
