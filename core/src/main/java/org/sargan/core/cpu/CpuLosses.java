package org.sargan.core.cpu;

/** Softmax and cross-entropy over the rows of a 2-D tensor (the CPU twin of losses.cu). */
final class CpuLosses {
    private CpuLosses() {
    }

    /** log(sum_j exp(x[o + j])) over a row of k values, with the maximum subtracted first so nothing overflows. */
    private static double logSumExp(float[] x, int o, int k) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(x[o + j] - max);
        }
        return Math.log(sum) + max;
    }

    static float[] softmax(float[] x, int rows, int k) {
        float[] y = ArrayPool.zeroed(x.length);
        for (int r = 0; r < rows; r++) {
            int o = r * k;
            double lse = logSumExp(x, o, k);
            for (int j = 0; j < k; j++) {
                y[o + j] = (float) Math.exp(x[o + j] - lse);
            }
        }
        return y;
    }

    /** Mean over rows of logsumexp(row) - row[label]. */
    static float crossEntropy(float[] x, int rows, int k, int[] labels) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += logSumExp(x, r * k, k) - x[r * k + labels[r]];
        }
        return (float) (total / rows);
    }
}
