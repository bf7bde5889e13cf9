package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.sargan.eval.BuiltIn;
import org.sargan.eval.EvalSet;
import org.sargan.eval.Judges;

/**
 * {@code sargan classifier train}: the evaluation's expression classifier and identity embedding, trained with the
 * engine on built-in identities, then measured on the held-out evaluation identities.
 */
final class ClassifierCommand {
    private ClassifierCommand() {
    }

    static void run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0 || !args[0].equals("train")) {
            throw new UsageException("usage: sargan classifier train [--size 32] [--iters N] [--out FILE]");
        }
        train(Options.parse(java.util.Arrays.copyOfRange(args, 1, args.length), "size", "identities",
                "identity-identities", "iters", "identity-iters", "out"), out);
    }

    private static void train(Options opts, PrintStream out) throws IOException {
        int size = opts.integer("size", 32, 16, 1024);
        Judges.Settings d = Judges.Settings.defaults();
        Judges.Settings s = new Judges.Settings(opts.integer("identities", d.classifierIdentities(), 2, 100_000),
                opts.integer("identity-identities", d.identityIdentities(), 2, 100_000),
                opts.integer("iters", d.classifierIterations(), 1, 10_000_000), opts.integer("identity-iters", d.identityIterations(), 1, 10_000_000), d.seed());
        Path file = Path.of(opts.string("out", "runs/classifier/classifier.safetensors"));
        out.printf("training the judges at %d px: expression classifier on %d identities (%d iterations), identity "
                + "embedding on %d (%d iterations), built-in faces%n", size, s.classifierIdentities(),
                s.classifierIterations(), s.identityIdentities(), s.identityIterations());
        Judges j = Judges.train(size, s, out);
        EvalSet held = EvalSet.builtIn(size, 20, BuiltIn.EVAL_SEED, null);
        out.printf("held-out accuracy of the expression classifier: %.3f (%d images of %d unseen identities)%n",
                held.classifierAccuracy(j), held.size(), 20);
        j.save(file);
        out.println("wrote " + file);
    }
}
