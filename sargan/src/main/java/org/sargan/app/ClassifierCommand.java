package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.sargan.eval.BuiltIn;
import org.sargan.eval.EvalSet;
import org.sargan.eval.Judges;

/**
 * {@code sargan classifier train}: the evaluation's expression classifier and identity embedding, trained with the
 * engine, then measured on identities they never saw. On built-in faces by default; with {@code --data DIR} the
 * expression classifier learns that ImageFolder instead (every fifth identity held out to measure it), while the
 * identity embedding stays on built-in faces.
 */
final class ClassifierCommand {
    /** With --data: every HELD_OUT-th identity is kept for measuring the classifier. */
    private static final int HELD_OUT = 5;
    private static final int HELD_OUT_BUILT_IN = 20;

    private ClassifierCommand() {
    }

    static void train(Options opts, PrintStream out) throws IOException {
        int size = opts.integer("size", 16, 1024);
        Judges.Settings d = Judges.Settings.defaults();
        Judges.Settings s = new Judges.Settings(opts.integer("identities", 2, 100_000),
                opts.integer("identity-identities", 2, 100_000),
                opts.integer("iters", 1, 10_000_000),
                opts.integer("identity-iters", 1, 10_000_000), d.seed());
        Path file = Path.of(opts.string("out"));
        EvalSet held;
        Judges j;
        if (opts.has("data")) {
            EvalSet.Split split = EvalSet.folder(Path.of(opts.string("data")), size).splitByIdentity(HELD_OUT);
            out.printf("training the expression classifier at %d px on %s (%d iterations), the identity embedding "
                    + "on %d built-in identities (%d iterations)%n", size, split.train().description(),
                    s.classifierIterations(), s.identityIdentities(), s.identityIterations());
            j = Judges.train(size, s, split.train().asDataset(), split.train().description(), out);
            held = split.heldOut();
        } else {
            out.printf("training the judges at %d px: expression classifier on %d identities (%d iterations), "
                    + "identity embedding on %d (%d iterations), built-in faces%n", size, s.classifierIdentities(),
                    s.classifierIterations(), s.identityIdentities(), s.identityIterations());
            j = Judges.train(size, s, out);
            held = EvalSet.builtIn(size, HELD_OUT_BUILT_IN, BuiltIn.EVAL_SEED, null);
        }
        out.printf("held-out accuracy of the expression classifier: %.3f on %s%n", held.classifierAccuracy(j),
                held.description());
        j.save(file);
        out.println("wrote " + file);
    }
}
