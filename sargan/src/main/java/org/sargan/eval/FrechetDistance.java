package org.sargan.eval;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (rows = samples, columns = features):
 * {@code |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)}, covariances with the n - 1 denominator. This is
 * the formula of FID; here the features come from our own expression classifier, not from Inception, so the
 * number is only comparable between runs that use the same classifier file.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** @param a (n, d) and b (m, d) feature rows, n and m at least 2 */
    public static double between(double[][] a, double[][] b) {
        if (a.length < 2 || b.length < 2 || a[0].length != b[0].length) {
            throw new IllegalArgumentException("frechet: feature sets of " + a.length + " and " + b.length
                    + " rows with " + a[0].length + " and " + b[0].length + " features; expected at least 2 rows each "
                    + "and the same width");
        }
        double[] muA = mean(a);
        double[] muB = mean(b);
        double[][] sA = covariance(a, muA);
        double[][] sB = covariance(b, muB);
        int d = muA.length;
        double dist = 0;
        for (int i = 0; i < d; i++) {
            dist += (muA[i] - muB[i]) * (muA[i] - muB[i]) + sA[i][i] + sB[i][i];
        }
        // tr sqrt(S1 S2) = tr sqrt(S1^1/2 S2 S1^1/2), whose argument is symmetric positive semi-definite
        double[][] rootA = SymmetricEigen.apply(sA, Math::sqrt);
        double[][] m = SymmetricEigen.multiply(SymmetricEigen.multiply(rootA, sB), rootA);
        double trace = 0;
        for (double ev : SymmetricEigen.values(m)) {
            trace += Math.sqrt(Math.max(0, ev));
        }
        return Math.max(0, dist - 2 * trace);
    }

    static double[] mean(double[][] x) {
        double[] mu = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < mu.length; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < mu.length; j++) {
            mu[j] /= x.length;
        }
        return mu;
    }

    static double[][] covariance(double[][] x, double[] mu) {
        int d = mu.length;
        double[][] s = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - mu[i];
                for (int j = i; j < d; j++) {
                    s[i][j] += di * (row[j] - mu[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                s[i][j] /= x.length - 1;
                s[j][i] = s[i][j];
            }
        }
        return s;
    }
}
