package org.sargan.eval;

/** A running mean per expression class, and over all classes (weighted by the counts). */
public final class PerClass {
    private final double[] sum;
    private final int[] count;

    public PerClass(int classes) {
        sum = new double[classes];
        count = new int[classes];
    }

    public void add(int c, double v) {
        sum[c] += v;
        count[c]++;
    }

    public int classes() {
        return sum.length;
    }

    /** NaN when class {@code c} has no value. */
    public double mean(int c) {
        return count[c] == 0 ? Double.NaN : sum[c] / count[c];
    }

    public int count(int c) {
        return count[c];
    }

    /** Mean over every value of every class; NaN when there is none. */
    public double overall() {
        double s = 0;
        long n = 0;
        for (int c = 0; c < sum.length; c++) {
            s += sum[c];
            n += count[c];
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
