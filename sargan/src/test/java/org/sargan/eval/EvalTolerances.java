package org.sargan.eval;

/** The evaluation tests' tolerances, named once. */
final class EvalTolerances {
    private EvalTolerances() {
    }

    /** Metrics computed in double precision from the same inputs: only the order of the sums differs. */
    static final double DOUBLE = 1e-9;
    /** A metric of float32 images against a value computed in double precision from the exact pattern. */
    static final double FLOAT_IMAGE = 1e-5;
}
