package org.sargan.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.sargan.model.Variant;
import org.sargan.train.Checkpoint;
import org.sargan.train.TrainConfig;

/**
 * The options of {@code train --resume}. The checkpoint's configuration defines the run; options that would change
 * it are refused by name rather than ignored. Overridable: --iters (to extend the run), --sample-every and
 * --checkpoint-every (they change what is written, not what is computed), --data, --classes and --out.
 */
final class ResumeOptions {
    private ResumeOptions() {
    }

    static TrainConfig config(Options opts, Checkpoint.Loaded ck) {
        TrainConfig c = ck.config();
        List<String> wrong = new ArrayList<>();
        List<String> had = new ArrayList<>();
        check(opts, "size", c.size(), v -> opts.integer("size", 1, Integer.MAX_VALUE), wrong, had);
        check(opts, "batch", c.batch(), v -> opts.integer("batch", 1, Integer.MAX_VALUE), wrong, had);
        check(opts, "variant", c.variant(), v -> opts.parsed("variant", Variant::parse), wrong, had);
        check(opts, "conv-dim", c.convDim(), v -> opts.integer("conv-dim", 1, Integer.MAX_VALUE), wrong, had);
        check(opts, "lr", c.lr(), v -> opts.number("lr"), wrong, had);
        check(opts, "lr-schedule", c.schedule(), v -> opts.choice("lr-schedule", "reference", "linear"), wrong, had);
        check(opts, "seed", c.seed(), v -> (long) opts.integer("seed", 0, Integer.MAX_VALUE), wrong, had);
        if (!wrong.isEmpty()) {
            throw new UsageException(String.join(" ", wrong) + " contradict" + (wrong.size() == 1 ? "s" : "")
                    + " the checkpoint (" + String.join(", ", had) + "): a resumed run keeps its configuration; "
                    + "only --iters, --sample-every, --checkpoint-every, --data, --classes and --out may change");
        }
        int iters = opts.has("iters") ? opts.integer("iters", 1, 100_000_000) : c.iterations();
        if (iters <= ck.iteration()) {
            throw new UsageException(opts.has("iters")
                    ? "--iters " + iters + " is not above the checkpoint's iteration " + ck.iteration()
                            + "; give a larger --iters to extend the run"
                    : "the checkpoint is at iteration " + ck.iteration() + " of " + c.iterations()
                            + ": the run is complete; give --iters above " + ck.iteration() + " to extend it");
        }
        return c.withIterations(iters).withIntervals(
                opts.has("sample-every") ? opts.integer("sample-every", 1, Integer.MAX_VALUE) : c.sampleEvery(),
                opts.has("checkpoint-every") ? opts.integer("checkpoint-every", 1, Integer.MAX_VALUE)
                        : c.checkpointEvery());
    }

    private static void check(Options opts, String name, Object stored, Function<String, Object>
            given, List<String> wrong, List<String> had) {
        if (opts.has(name)) {
            Object v = given.apply(name);
            if (!Objects.equals(v, stored)) {
                wrong.add("--" + name + " " + opts.string(name));
                had.add(name + " " + (stored instanceof Variant var ? var.id() : stored));
            }
        }
    }
}
