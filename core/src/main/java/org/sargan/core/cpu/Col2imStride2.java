package org.sargan.core.cpu;

import org.sargan.core.ConvGeometry;

/**
 * col2im for the 4x4, stride-2, pad-1 convolutions (the generator's upsampling layers and the discriminator's
 * input gradients) as a gather: each input-gradient element is written once, as the sum of the four column entries
 * that land on it, instead of one read-modify-write per column entry (four per element) into a zeroed array, by
 * {@link CpuConvolutions#col2im} (its scalar loops took 8 of the 30 ms of a 128 px upsampling layer's input
 * gradient: harness, AMD Zen 5, 2 threads).
 *
 * <p>Row iy of the input takes kernel rows ky with iy + 1 - ky even: for iy = 2i, ky = 1 (output row i) and ky = 3
 * (row i - 1); for iy = 2i + 1, ky = 0 (row i + 1) and ky = 2 (row i); rows outside the output are skipped. Along
 * the row the same holds for the columns, so with C_ky,kx the column matrix's rows for one kernel row:
 * <pre>
 *   dx[iy][2j]     = sum over its ky of  C_ky,1[j] + C_ky,3[j - 1]
 *   dx[iy][2j + 1] = sum over its ky of  C_ky,0[j + 1] + C_ky,2[j]
 * </pre>
 * with entries past the row's ends taken as zero. The vector version ({@link VectorLoops#col2imStride2Row}) does the
 * same additions in the same order, so both give the same floats, whatever the thread count.
 */
final class Col2imStride2 {
    private static final boolean SIMD = SimdSupport.enabled();

    private Col2imStride2() {
    }

    static boolean applies(ConvGeometry g) {
        return g.stride() == 2 && g.kh() == 4 && g.kw() == 4 && g.pad() == 1 && g.h() == 2 * g.ho()
                && g.w() == 2 * g.wo();
    }

    /** dx[dxOff ..] (one image, cin x h x w) = the gathered column entries of cols (16 cin x ho*wo); overwrites. */
    static void col2im(float[] cols, ConvGeometry g, float[] dx, int dxOff) {
        int ho = g.ho();
        int wo = g.wo();
        int plane = ho * wo;
        boolean vector = SIMD && wo % VectorLoops.lanes() == 0;
        Parallel.forEach(g.cin(), ci -> {
            int base = ci * 16 * plane;
            int out = dxOff + ci * g.inPixels();
            for (int iy = 0; iy < g.h(); iy++, out += g.w()) {
                int i = iy / 2;
                // the kernel rows that reach row iy, in ascending ky, as offsets of their kx = 0 row; -1 for none
                int first;
                int second;
                if (iy % 2 == 0) {
                    first = base + 4 * plane + i * wo;
                    second = i >= 1 ? base + 12 * plane + (i - 1) * wo : -1;
                } else {
                    first = base + 8 * plane + i * wo;
                    if (i + 1 < ho) {
                        second = first;
                        first = base + (i + 1) * wo;
                    } else {
                        second = -1;
                    }
                }
                if (vector) {
                    VectorLoops.col2imStride2Row(cols, first, second, plane, wo, dx, out);
                } else {
                    row(cols, first, second, plane, wo, dx, out);
                }
            }
        });
    }

    /** One row of dx from one or two kernel rows (second = -1 for one), as the class comment writes it. */
    static void row(float[] c, int first, int second, int plane, int wo, float[] dx, int out) {
        for (int j = 0; j < wo; j++) {
            float e = c[first + plane + j] + (j > 0 ? c[first + 3 * plane + j - 1] : 0f);
            float o = (j + 1 < wo ? c[first + j + 1] : 0f) + c[first + 2 * plane + j];
            if (second >= 0) {
                e += c[second + plane + j] + (j > 0 ? c[second + 3 * plane + j - 1] : 0f);
                o += (j + 1 < wo ? c[second + j + 1] : 0f) + c[second + 2 * plane + j];
            }
            dx[out + 2 * j] = e;
            dx[out + 2 * j + 1] = o;
        }
    }
}
