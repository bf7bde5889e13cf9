package org.sargan.eval;

/**
 * Classification summaries: the confusion matrix and accuracy of predicted classes, and the AUC that turns "the
 * output is closer to its own source than to other people" into one number.
 */
public final class Ranking {
    private Ranking() {
    }

    /** counts[truth][predicted]. */
    public static int[][] confusion(int[] truth, int[] predicted, int classes) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("confusion: " + truth.length + " labels and " + predicted.length
                    + " predictions; expected the same number");
        }
        int[][] m = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    /** Fraction on the diagonal; NaN for an empty matrix. */
    public static double accuracy(int[][] confusion) {
        long right = 0;
        long all = 0;
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j < confusion[i].length; j++) {
                all += confusion[i][j];
                if (i == j) {
                    right += confusion[i][j];
                }
            }
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    /** Accuracy of row {@code c} alone (recall of class c); NaN when the class never occurs. */
    public static double classAccuracy(int[][] confusion, int c) {
        long all = 0;
        for (int v : confusion[c]) {
            all += v;
        }
        return all == 0 ? Double.NaN : (double) confusion[c][c] / all;
    }

    /**
     * P(own < other) + P(own == other) / 2 over all pairs (the Mann-Whitney form of the ROC AUC): 1 when every own
     * distance is below every other distance, 0.5 when they are indistinguishable, 0 when always above.
     */
    public static double auc(double[] own, double[] other) {
        if (own.length == 0 || other.length == 0) {
            throw new IllegalArgumentException("auc: " + own.length + " own and " + other.length
                    + " other distances; expected at least one of each");
        }
        double[] o = other.clone();
        java.util.Arrays.sort(o);
        double sum = 0;
        for (double d : own) {
            int below = lowerBound(o, d);
            int notAbove = upperBound(o, d);
            sum += (o.length - notAbove) + 0.5 * (notAbove - below);
        }
        return sum / ((double) own.length * o.length);
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Euclidean distance between two feature vectors. */
    public static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
