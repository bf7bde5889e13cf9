package org.sargan.core.cpu;

import org.sargan.core.Shape;

/**
 * Iteration plan for broadcasting loops: the output shape with, for each operand, its stride along every output
 * dimension (0 where the operand is broadcast). Adjacent dimensions that are contiguous for every operand are merged,
 * so (N, C, H, W) + (1, C, 1, 1) becomes rows of H*W elements with a stride-0 operand, and the innermost loop is
 * long and simple.
 */
final class Strided {
    /** Length of the innermost (merged) dimension. */
    final int inner;
    /** Number of inner rows: the product of the outer dimensions. */
    final int rows;
    private final int[] outer;
    private final int[][] strides;

    /**
     * @param out      output shape
     * @param operands operand shapes of the same rank as out, each dimension equal to out's or 1
     */
    Strided(int[] out, int[]... operands) {
        int r = out.length;
        int[][] st = new int[operands.length + 1][];
        st[0] = Shape.strides(out);
        for (int o = 0; o < operands.length; o++) {
            int[] s = Shape.strides(operands[o]);
            for (int d = 0; d < r; d++) {
                if (operands[o][d] == 1 && out[d] != 1) {
                    s[d] = 0;
                }
            }
            st[o + 1] = s;
        }
        // merge dimension d into d+1 (moving outward) while every operand is contiguous across the pair
        int[] dims = new int[Math.max(r, 1)];
        int[][] ms = new int[st.length][Math.max(r, 1)];
        int nd = 0;
        if (r == 0) {
            dims[0] = 1;
            nd = 1;
        }
        for (int d = r - 1; d >= 0; d--) {
            if (out[d] == 1) {
                continue;
            }
            boolean merge = nd > 0;
            for (int o = 0; merge && o < st.length; o++) {
                merge = st[o][d] == ms[o][nd - 1] * dims[nd - 1];
            }
            if (merge) {
                dims[nd - 1] *= out[d];
            } else {
                dims[nd] = out[d];
                for (int o = 0; o < st.length; o++) {
                    ms[o][nd] = st[o][d];
                }
                nd++;
            }
        }
        if (nd == 0) {
            dims[0] = 1;
            nd = 1;
        }
        // dims[0] is the innermost merged dimension; the rest are outer, innermost first
        inner = dims[0];
        outer = new int[nd - 1];
        strides = new int[st.length][nd];
        int rowCount = 1;
        for (int i = 1; i < nd; i++) {
            outer[i - 1] = dims[i];
            rowCount *= dims[i];
        }
        for (int o = 0; o < st.length; o++) {
            System.arraycopy(ms[o], 0, strides[o], 0, nd);
        }
        rows = rowCount;
    }

    /** Inner stride of operand o (0 = output, 1.. = operands): 0 or 1 after broadcasting. */
    int innerStride(int o) {
        return strides[o][0];
    }

    /** Offset of the first element of {@code row} for operand o (0 = output). */
    int offset(int o, int row) {
        int off = 0;
        int rem = row;
        for (int i = 0; i < outer.length; i++) {
            int idx = rem % outer[i];
            rem /= outer[i];
            off += idx * strides[o][i + 1];
        }
        return off;
    }
}
