package org.sargan.eval;

import java.util.function.DoubleUnaryOperator;

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (double precision), for the matrix
 * square roots of the Fréchet distance. Converges quadratically; 64x64 takes a few milliseconds.
 */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    private SymmetricEigen() {
    }

    /** The eigenvalues of symmetric {@code a}, unordered. */
    static double[] values(double[][] a) {
        double[][] v = new double[a.length][a.length];
        return decompose(a, v);
    }

    /** {@code V f(L) V^T} for symmetric {@code a = V L V^T}. */
    static double[][] apply(double[][] a, DoubleUnaryOperator f) {
        int n = a.length;
        double[][] v = new double[n][n];
        double[] l = decompose(a, v);
        double[][] out = new double[n][n];
        for (int k = 0; k < n; k++) {
            double fk = f.applyAsDouble(Math.max(0, l[k]));
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    out[i][j] += v[i][k] * fk * v[j][k];
                }
            }
        }
        return out;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][b[0].length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                for (int j = 0; j < c[i].length; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }

    /** Returns the eigenvalues; fills {@code v} with the eigenvectors as columns. */
    private static double[] decompose(double[][] input, double[][] v) {
        int n = input.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (input[i].length != n) {
                throw new IllegalArgumentException("eigen: row " + i + " has " + input[i].length + " entries, "
                        + "expected a square " + n + "x" + n + " matrix");
            }
            a[i] = input[i].clone();
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = a[i][i];
        }
        return l;
    }

    /** One rotation in the (p, q) plane that zeroes a[p][q] (Golub and Van Loan, Algorithm 8.4.1). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
