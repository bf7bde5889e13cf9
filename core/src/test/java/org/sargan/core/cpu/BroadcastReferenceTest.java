package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.Tolerances;
import org.sargan.core.ops.Reductions;

/** The merged-dimension broadcasting loops against a naive per-element index computation on random shapes. */
class BroadcastReferenceTest {

    /** Flat index into a (left-padded) operand shape for the multi-index of an output element. */
    private static int index(int flat, int[] out, int[] operand) {
        int[] p = Shape.padLeft(operand, out.length);
        int idx = 0;
        int stride = 1;
        for (int d = out.length - 1; d >= 0; d--) {
            int i = flat % out[d];
            flat /= out[d];
            idx += (p[d] == 1 ? 0 : i) * stride;
            stride *= p[d];
        }
        return idx;
    }

    @Test
    void randomShapes() {
        Random r = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] out = new int[rank];
            int[] as = new int[rank];
            int[] bs = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 1 + r.nextInt(5);
                as[d] = r.nextInt(3) == 0 ? 1 : out[d];
                bs[d] = r.nextInt(3) == 0 ? 1 : out[d];
            }
            // sometimes drop leading dimensions of b (NumPy left-padding)
            int drop = r.nextInt(rank);
            int[] bShort = Arrays.copyOfRange(bs, drop, rank);
            int[] full = Shape.broadcast("test", as, bShort);
            float[] a = new float[Shape.numel(as)];
            float[] b = new float[Shape.numel(bShort)];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() + 0.5f;
            }
            Tensor ta = Tensor.of(a, as);
            Tensor tb = Tensor.of(b, bShort);
            float[] sum = ta.add(tb).toArray();
            float[] quot = ta.div(tb).toArray();
            for (int i = 0; i < Shape.numel(full); i++) {
                float x = a[index(i, full, as)];
                float y = b[index(i, full, bShort)];
                assertEquals(x + y, sum[i], 0f, "add " + Shape.str(as) + " + " + Shape.str(bShort) + " at " + i);
                assertEquals(x / y, quot[i], 0f, "div at " + i);
            }
            // sum_to is the adjoint of expand: <expand(b), g> = <b, sum_to(g)>
            float[] g = new float[Shape.numel(full)];
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextFloat();
            }
            float[] expanded = Reductions.expand(tb, full).toArray();
            float[] reduced = Reductions.sumTo(Tensor.of(g, full), bShort).toArray();
            double lhs = 0;
            double rhs = 0;
            for (int i = 0; i < g.length; i++) {
                lhs += (double) expanded[i] * g[i];
                assertEquals(b[index(i, full, bShort)], expanded[i], 0f, "expand at " + i);
            }
            for (int i = 0; i < b.length; i++) {
                rhs += (double) b[i] * reduced[i];
            }
            assertEquals(lhs, rhs, Tolerances.FP32_SUM_REL * (1 + Math.abs(lhs)), "sum_to is the adjoint of expand");
        }
    }
}
