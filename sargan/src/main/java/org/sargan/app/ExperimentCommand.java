package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
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

    static void ablation(Options opts, PrintStream out) throws IOException {
        int iters = opts.integer("iters", 1, 10_000_000);
        TrainConfig base;
        try {
            base = TrainConfig.builder().size(opts.integer("size", 32, 1024)).batch(8).iterations(iters)
                    .convDim(opts.integer("conv-dim", 1, 1024)).dConvDim(TrainCommand.DEMO_D_CONV_DIM)
                    .lr(Float.parseFloat(Command.DEMO.option("lr").fallback())).seed(opts.integer("seed", 0,
                    Integer.MAX_VALUE)).sampleEvery(Math.min(250, iters)).checkpointEvery(iters).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<Variant> variants = new ArrayList<>();
        for (String v : opts.string("variants").split(",")) {
            variants.add(Variant.parse(v));
        }
        List<Integer> identities = new ArrayList<>();
        for (String k : opts.string("identities").split(",")) {
            try {
                int n = Integer.parseInt(k.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                identities.add(n);
            } catch (NumberFormatException e) {
                throw new UsageException("--identities is '" + opts.string("identities") + "', expected positive "
                        + "whole numbers separated by commas, e.g. 10,100");
            }
        }
        Evaluation.Options eval = new Evaluation.Options(null, null, opts.integer("eval-identities", 2, 100_000),
                opts.integer("style-identities", 0, 100_000));
        StringBuilder command = new StringBuilder("sargan experiment ablation");
        opts.given().forEach((k, v) -> command.append(" --").append(k).append(v.isEmpty() ? "" : " " + v));
        Path judges = opts.has("classifier") ? Path.of(opts.string("classifier")) : null;
        new Ablation(base, variants, identities, eval, judges, command.toString()).run(Path.of(opts.string("out")),
                out);
    }
}
