package org.sargan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The Fréchet distance on feature sets with known answers. */
class FrechetDistanceTest {
    static double[][] setA() {
        double[][] a = new double[10][3];
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = Math.sin(1.1 * i * (j + 1));
            }
        }
        return a;
    }

    @Test
    void identicalSetsAreAtZero() {
        assertEquals(0.0, FrechetDistance.between(setA(), setA()), EvalTolerances.DOUBLE);
    }

    @Test
    void shiftedSetIsAtTheSquaredShift() {
        double[][] b = setA();
        for (double[] row : b) {
            row[0] += 0.3;
            row[2] -= 0.4;
        }
        assertEquals(0.25, FrechetDistance.between(setA(), b), EvalTolerances.DOUBLE);
    }

    @Test
    void oneDimensionIsTheGaussianFormula() {
        // N(0, 1) sample {-1, 1} (variance 2 with n - 1) against {2, 6} (mean 4, variance 8):
        // (0 - 4)^2 + (sqrt 2 - sqrt 8)^2 = 16 + 2
        double[][] a = {{-1}, {1}};
        double[][] b = {{2}, {6}};
        assertEquals(18.0, FrechetDistance.between(a, b), EvalTolerances.DOUBLE);
    }

    @Test
    void generalCaseMatchesScipyReference() {
        double[][] b = new double[12][3];
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 3; j++) {
                b[i][j] = Math.cos(0.9 * i * (j + 1)) * 1.5 + 0.2 * j;
            }
        }
        // numpy.cov + scipy.linalg.sqrtm(s1 @ s2) on the same data
        assertEquals(0.8877228732408475, FrechetDistance.between(setA(), b), EvalTolerances.DOUBLE);
        assertEquals(0.8877228732408475, FrechetDistance.between(b, setA()), EvalTolerances.DOUBLE);
    }

    @Test
    void eigenvaluesOfAKnownMatrix() {
        double[] ev = SymmetricEigen.values(new double[][] {{2, 1}, {1, 2}});
        java.util.Arrays.sort(ev);
        assertEquals(1.0, ev[0], EvalTolerances.DOUBLE);
        assertEquals(3.0, ev[1], EvalTolerances.DOUBLE);
    }

    @Test
    void refusesTooFewRows() {
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(new double[][] {{1}},
                new double[][] {{1}, {2}}));
    }
}
