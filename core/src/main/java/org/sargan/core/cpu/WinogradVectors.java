package org.sargan.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input and output transforms of {@link WinogradConvolutions} a vector of tiles at a time: the lanes are
 * consecutive tiles of one tile row, so every value of V and M is loaded or stored as a vector where the scalar
 * loops moved it one float at a time (16 scattered stores per tile and channel; at 64 px the two transforms took as
 * long as the 16 products). Each lane does the scalar loop's additions in the scalar loop's order: the same floats.
 * Loaded only when {@link SimdSupport#enabled()}.
 *
 * <p>A tile (ty, tx) reads padded columns 2tx .. 2tx + 3; with each padded row stored as its even columns then its
 * odd ones (E[j] = column 2j, O[j] = column 2j + 1), the four are E[tx], O[tx], E[tx + 1], O[tx + 1]: four vector
 * loads per row for a vector of tiles. Output blocks are 2x2: a tile row's two output rows are its lanes interleaved
 * (Y00[tx] at column 2tx, Y01[tx] at 2tx + 1), put together with shuffles and blends.
 */
final class WinogradVectors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Lanes 0, 0, 1, 1, ... (and L/2, L/2, L/2 + 1, ...): a vector's first (second) half, each lane twice. Two
     * vectors interleaved are their doubled halves blended, odd lanes from the second. (JDK 17's two-vector rearrange
     * rebuilds its shuffle on every call: an allocation per store, seen in a JFR allocation profile.)
     */
    static final VectorShuffle<Float> TWICE_LO = twice(0);
    static final VectorShuffle<Float> TWICE_HI = twice(L / 2);
    static final VectorMask<Float> ODD = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

    private WinogradVectors() {
    }

    private static VectorShuffle<Float> twice(int from) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = from + i / 2;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    static int lanes() {
        return L;
    }

    /**
     * The floats of one padded row in the split layout: E then O, each {@code tw + 1} columns plus room for the
     * lanes past the tile row's end (they compute values nobody keeps, from zeros).
     */
    static int splitRow(int tw) {
        return 2 * (tw + 1 + L);
    }

    /**
     * Image plane src of x (h x w) into the split padded plane d (rows of {@link #splitRow}, the image at row and
     * column offset p): only the image's own positions are written, so the zero border of a reused d stays.
     */
    static void splitPlane(float[] x, int src, int h, int w, int p, float[] d, int hp, int tw) {
        int row = splitRow(tw);
        int we = row / 2;
        int wlim = Math.min(w, 2 * tw + 2 - p);
        for (int iy = 0; iy < h && iy + p < hp; iy++) {
            int s = src + iy * w;
            int r = (iy + p) * row;
            for (int par = 0; par < 2; par++) {
                int ix = ((par - p) % 2 + 2) % 2; // the first image column at a padded column of this parity
                int dst = r + par * we + (ix + p) / 2;
                for (; ix < wlim; ix += 2) {
                    d[dst++] = x[s + ix];
                }
            }
        }
    }

    /**
     * V for the tiles of one split padded plane d (th x tw tiles), tile t's 16 values at v[out + t + xi * stride].
     * A vector of lanes past a row's end writes into the next row's places, which that row then overwrites; past
     * the last row it writes into the room a row of V keeps after its tiles (less than one vector).
     */
    static void inputTiles(float[] d, int th, int tw, float[] v, int out, int stride) {
        int row = splitRow(tw);
        int we = row / 2;
        for (int ty = 0; ty < th; ty++) {
            int r0 = 2 * ty * row;
            int r1 = r0 + row;
            int r2 = r1 + row;
            int r3 = r2 + row;
            for (int tx = 0; tx < tw; tx += L) {
                int o = out + ty * tw + tx;
                // columns 2tx, 2tx + 1, 2tx + 2, 2tx + 3 of each row: E[tx], O[tx], E[tx + 1], O[tx + 1]
                FloatVector d00 = FloatVector.fromArray(S, d, r0 + tx);
                FloatVector d01 = FloatVector.fromArray(S, d, r0 + we + tx);
                FloatVector d02 = FloatVector.fromArray(S, d, r0 + tx + 1);
                FloatVector d03 = FloatVector.fromArray(S, d, r0 + we + tx + 1);
                FloatVector d10 = FloatVector.fromArray(S, d, r1 + tx);
                FloatVector d11 = FloatVector.fromArray(S, d, r1 + we + tx);
                FloatVector d12 = FloatVector.fromArray(S, d, r1 + tx + 1);
                FloatVector d13 = FloatVector.fromArray(S, d, r1 + we + tx + 1);
                FloatVector d20 = FloatVector.fromArray(S, d, r2 + tx);
                FloatVector d21 = FloatVector.fromArray(S, d, r2 + we + tx);
                FloatVector d22 = FloatVector.fromArray(S, d, r2 + tx + 1);
                FloatVector d23 = FloatVector.fromArray(S, d, r2 + we + tx + 1);
                FloatVector d30 = FloatVector.fromArray(S, d, r3 + tx);
                FloatVector d31 = FloatVector.fromArray(S, d, r3 + we + tx);
                FloatVector d32 = FloatVector.fromArray(S, d, r3 + tx + 1);
                FloatVector d33 = FloatVector.fromArray(S, d, r3 + we + tx + 1);
                // B^T d: combine rows (as WinogradConvolutions' scalar loop)
                FloatVector a0 = d00.sub(d20);
                FloatVector a1 = d01.sub(d21);
                FloatVector a2 = d02.sub(d22);
                FloatVector a3 = d03.sub(d23);
                FloatVector b0 = d10.add(d20);
                FloatVector b1 = d11.add(d21);
                FloatVector b2 = d12.add(d22);
                FloatVector b3 = d13.add(d23);
                FloatVector e0 = d20.sub(d10);
                FloatVector e1 = d21.sub(d11);
                FloatVector e2 = d22.sub(d12);
                FloatVector e3 = d23.sub(d13);
                FloatVector f0 = d10.sub(d30);
                FloatVector f1 = d11.sub(d31);
                FloatVector f2 = d12.sub(d32);
                FloatVector f3 = d13.sub(d33);
                // (B^T d) B: combine columns
                a0.sub(a2).intoArray(v, o);
                a1.add(a2).intoArray(v, o + stride);
                a2.sub(a1).intoArray(v, o + 2 * stride);
                a1.sub(a3).intoArray(v, o + 3 * stride);
                b0.sub(b2).intoArray(v, o + 4 * stride);
                b1.add(b2).intoArray(v, o + 5 * stride);
                b2.sub(b1).intoArray(v, o + 6 * stride);
                b1.sub(b3).intoArray(v, o + 7 * stride);
                e0.sub(e2).intoArray(v, o + 8 * stride);
                e1.add(e2).intoArray(v, o + 9 * stride);
                e2.sub(e1).intoArray(v, o + 10 * stride);
                e1.sub(e3).intoArray(v, o + 11 * stride);
                f0.sub(f2).intoArray(v, o + 12 * stride);
                f1.add(f2).intoArray(v, o + 13 * stride);
                f2.sub(f1).intoArray(v, o + 14 * stride);
                f1.sub(f3).intoArray(v, o + 15 * stride);
            }
        }
    }

    /**
     * One plane of y (ho x wo, at dst) from its tiles' 16 products, tile t's at m[in + t + xi * stride]. Lanes past
     * a row's end read the next tiles (or the room after the last) and are dropped: every store to y is cut to the
     * row, through {@code scratch} (2 * lanes floats) where a whole vector pair would not fit.
     */
    static void outputTiles(float[] m, int in, int stride, int th, int tw, float[] y, int dst, int ho, int wo,
            float[] scratch) {
        for (int ty = 0; ty < th; ty++) {
            for (int tx = 0; tx < tw; tx += L) {
                int i = in + ty * tw + tx;
                FloatVector m0 = FloatVector.fromArray(S, m, i);
                FloatVector m1 = FloatVector.fromArray(S, m, i + stride);
                FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * stride);
                FloatVector m3 = FloatVector.fromArray(S, m, i + 3 * stride);
                FloatVector m4 = FloatVector.fromArray(S, m, i + 4 * stride);
                FloatVector m5 = FloatVector.fromArray(S, m, i + 5 * stride);
                FloatVector m6 = FloatVector.fromArray(S, m, i + 6 * stride);
                FloatVector m7 = FloatVector.fromArray(S, m, i + 7 * stride);
                FloatVector m8 = FloatVector.fromArray(S, m, i + 8 * stride);
                FloatVector m9 = FloatVector.fromArray(S, m, i + 9 * stride);
                FloatVector m10 = FloatVector.fromArray(S, m, i + 10 * stride);
                FloatVector m11 = FloatVector.fromArray(S, m, i + 11 * stride);
                FloatVector m12 = FloatVector.fromArray(S, m, i + 12 * stride);
                FloatVector m13 = FloatVector.fromArray(S, m, i + 13 * stride);
                FloatVector m14 = FloatVector.fromArray(S, m, i + 14 * stride);
                FloatVector m15 = FloatVector.fromArray(S, m, i + 15 * stride);
                // A^T M: rows 0+1+2 and 1-2-3
                FloatVector s0 = m0.add(m4).add(m8);
                FloatVector s1 = m1.add(m5).add(m9);
                FloatVector s2 = m2.add(m6).add(m10);
                FloatVector s3 = m3.add(m7).add(m11);
                FloatVector q0 = m4.sub(m8).sub(m12);
                FloatVector q1 = m5.sub(m9).sub(m13);
                FloatVector q2 = m6.sub(m10).sub(m14);
                FloatVector q3 = m7.sub(m11).sub(m15);
                int oy = 2 * ty;
                int ox = 2 * tx;
                int count = Math.min(2 * L, wo - ox);
                int o = dst + oy * wo + ox;
                // Y00, Y01 interleaved into row oy, Y10, Y11 into row oy + 1. Written out here, not in a helper:
                // vectors passed to a method the JIT does not inline are boxed (3 MB of garbage a call)
                FloatVector even = s0.add(s1).add(s2);
                FloatVector odd = s1.sub(s2).sub(s3);
                FloatVector lo = even.rearrange(TWICE_LO).blend(odd.rearrange(TWICE_LO), ODD);
                FloatVector hi = even.rearrange(TWICE_HI).blend(odd.rearrange(TWICE_HI), ODD);
                if (count == 2 * L) {
                    lo.intoArray(y, o);
                    hi.intoArray(y, o + L);
                } else {
                    lo.intoArray(scratch, 0);
                    hi.intoArray(scratch, L);
                    System.arraycopy(scratch, 0, y, o, count);
                }
                if (oy + 1 < ho) {
                    even = q0.add(q1).add(q2);
                    odd = q1.sub(q2).sub(q3);
                    lo = even.rearrange(TWICE_LO).blend(odd.rearrange(TWICE_LO), ODD);
                    hi = even.rearrange(TWICE_HI).blend(odd.rearrange(TWICE_HI), ODD);
                    if (count == 2 * L) {
                        lo.intoArray(y, o + wo);
                        hi.intoArray(y, o + wo + L);
                    } else {
                        lo.intoArray(scratch, 0);
                        hi.intoArray(scratch, L);
                        System.arraycopy(scratch, 0, y, o + wo, count);
                    }
                }
            }
        }
    }
}
