package org.sargan.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sargan.data.Expression;

/** Confusion matrix, accuracy and AUC on hand-computed cases. */
class RankingTest {
    private static final int HAPPY = Expression.HAPPY.ordinal();
    private static final int SAD = Expression.SAD.ordinal();

    @Test
    void swappedLabelsGiveZeroAccuracyAndTheSwapInTheMatrix() {
        int[] truth = {HAPPY, SAD, HAPPY, SAD, HAPPY};
        int[] predicted = {SAD, HAPPY, SAD, HAPPY, SAD};
        int[][] m = Ranking.confusion(truth, predicted, 7);
        assertEquals(3, m[HAPPY][SAD]);
        assertEquals(2, m[SAD][HAPPY]);
        assertEquals(0, m[HAPPY][HAPPY]);
        assertEquals(0.0, Ranking.accuracy(m), 0.0);
        assertEquals(1.0, Ranking.accuracy(Ranking.confusion(truth, truth, 7)), 0.0);
    }

    @Test
    void perClassAccuracy() {
        int[][] m = Ranking.confusion(new int[] {0, 0, 0, 1}, new int[] {0, 0, 2, 1}, 3);
        assertEquals(2.0 / 3, Ranking.classAccuracy(m, 0), EvalTolerances.DOUBLE);
        assertEquals(1.0, Ranking.classAccuracy(m, 1), 0.0);
        assertEquals(Double.NaN, Ranking.classAccuracy(m, 2));
        assertEquals(0.75, Ranking.accuracy(m), 0.0);
    }

    @Test
    void aucOfSeparatedSwappedAndEqualDistances() {
        assertEquals(1.0, Ranking.auc(new double[] {0.1, 0.2}, new double[] {0.5, 0.9, 0.3}), 0.0);
        assertEquals(0.0, Ranking.auc(new double[] {0.5, 0.9, 0.3}, new double[] {0.1, 0.2}), 0.0);
        assertEquals(0.5, Ranking.auc(new double[] {0.4, 0.4}, new double[] {0.4}), 0.0);
        // own {1, 3} against other {2}: one pair below, one above
        assertEquals(0.5, Ranking.auc(new double[] {1, 3}, new double[] {2}), 0.0);
        // own {1, 2} against other {2, 4}: 1 < 2, 1 < 4, 2 = 2 (half), 2 < 4 -> 3.5 / 4
        assertEquals(0.875, Ranking.auc(new double[] {1, 2}, new double[] {2, 4}), 0.0);
    }

    @Test
    void distanceIsEuclidean() {
        assertEquals(5.0, Ranking.distance(new double[] {0, 3}, new double[] {4, 0}), 0.0);
        assertArrayEquals(new int[] {1, 0}, Ranking.confusion(new int[] {0}, new int[] {0}, 2)[0]);
    }
}
