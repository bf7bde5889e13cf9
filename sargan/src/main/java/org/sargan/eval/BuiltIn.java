package org.sargan.eval;

import org.sargan.data.SyntheticDataset;

/**
 * Which built-in identities (renderer seeds) each part of an experiment uses, so that no judge and no test set
 * overlaps the GAN's training data. {@code sargan demo}, {@code sargan data synth} and the ablation train on seeds
 * 1, 2, ...; the judges and the evaluation use seeds far above any training set.
 */
public final class BuiltIn {
    /** First seed of GAN training identities (the demo's and {@code data synth}'s default). */
    public static final long TRAIN_SEED = 1;
    /** First seed of the expression classifier's training identities. */
    public static final long CLASSIFIER_SEED = 1_000_001;
    /** First seed of the identity embedding's training identities. */
    public static final long IDENTITY_SEED = 2_000_001;
    /** First seed of the held-out evaluation identities. */
    public static final long EVAL_SEED = 3_000_001;

    private BuiltIn() {
    }

    /** The GAN's training data: {@code identities} x 7 expressions. */
    public static SyntheticDataset training(int identities, int size) {
        return new SyntheticDataset(TRAIN_SEED, identities, size);
    }
}
