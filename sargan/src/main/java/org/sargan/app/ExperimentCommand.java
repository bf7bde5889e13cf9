package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sargan.eval.Ablation;
import org.sargan.eval.Evaluation;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;

/**
 * {@code sargan experiment ablation}: sargan, usgan and stargan trained alike on built-in faces and evaluated
 * alike. The defaults are the demo's configuration (32 px, G conv_dim 32, D conv_dim 64, lr 2e-4, 40 identities,
 * 3,000 iterations), about 13 minutes per variant on 2 cores: the whole run takes about an hour.
 */
final class ExperimentCommand {
    private ExperimentCommand() {
    }

    static void run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0 || !args[0].equals("ablation")) {
            throw new UsageException("usage: sargan experiment ablation [--size 32] [--iters 3000] [--identities 40 "
                    + "or a list such as 10,100] [--variants sargan,usgan,stargan] [--out DIR]");
        }
        Options opts = Options.parse(Arrays.copyOfRange(args, 1, args.length), "size", "iters", "identities",
                "variants", "conv-dim", "out", "seed", "eval-identities", "style-identities", "classifier");
        int iters = opts.integer("iters", TrainCommand.DEMO_ITERS, 1, 10_000_000);
        TrainConfig base = new TrainConfig(opts.integer("size", TrainCommand.DEMO_SIZE, 32, 1024), 8, iters,
                Variant.SARGAN, opts.integer("conv-dim", TrainCommand.DEMO_CONV_DIM, 1, 1024),
                TrainCommand.DEMO_D_CONV_DIM, TrainCommand.DEMO_LR, "reference", 5, 1f, 1f, 10f,
                opts.integer("seed", 1234, 0, Integer.MAX_VALUE), Math.min(250, iters), iters);
        List<Variant> variants = new ArrayList<>();
        for (String v : opts.string("variants", "sargan,usgan,stargan").split(",")) {
            variants.add(Variant.parse(v));
        }
        List<Integer> identities = new ArrayList<>();
        for (String k : opts.string("identities", Integer.toString(TrainCommand.DEMO_IDENTITIES)).split(",")) {
            try {
                int n = Integer.parseInt(k.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                identities.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException("--identities is '" + opts.string("identities", "") + "', expected positive "
                        + "whole numbers separated by commas, e.g. 10,100");
            }
        }
        Evaluation.Options d = Evaluation.Options.defaults();
        Evaluation.Options eval = new Evaluation.Options(null, null, opts.integer("eval-identities", d.identities(),
                2, 100_000), opts.integer("style-identities", d.styleIdentities(), 0, 100_000));
        String command = "sargan experiment " + String.join(" ", args);
        Path judges = opts.has("classifier") ? Path.of(opts.string("classifier", null)) : null;
        new Ablation(base, variants, identities, eval, judges, command).run(Path.of(opts.string("out",
                "runs/ablation")), out);
    }
}
