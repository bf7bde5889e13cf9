package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.sargan.core.Profiler;
import org.sargan.data.Dataset;
import org.sargan.data.ImageFolder;
import org.sargan.data.SyntheticDataset;
import org.sargan.io.IoErrors;
import org.sargan.model.Variant;
import org.sargan.train.Checkpoint;
import org.sargan.train.StopRequest;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * {@code sargan train} and {@code sargan demo}. The demo renders the built-in faces and trains a model small enough
 * for a CPU; train reads an ImageFolder (or resumes a checkpoint, whose configuration then wins).
 */
final class TrainCommand {
    /**
     * The demo's defaults, the smallest run seen to change expressions visibly on 2 cores: 32 px, G conv_dim 32,
     * D conv_dim 64 (a narrower critic learned the classes too slowly), lr 2e-4, 3,600 iterations (about 10
     * minutes at ~6 it/s); the last two are the defaults of --lr and --iters in {@link Command#DEMO}. The first
     * changes (eye opening, the surprised mouth) show at about 1,250 iterations.
     */
    static final int DEMO_SIZE = 32;
    static final int DEMO_CONV_DIM = 32;
    static final int DEMO_D_CONV_DIM = 64;
    static final int DEMO_IDENTITIES = 40;

    private TrainCommand() {
    }

    static int demo(Options opts, PrintStream out) throws IOException {
        for (String showOnly : new String[] {"checkpoint", "identities", "intensity"}) {
            if (opts.has(showOnly)) {
                throw new UsageException("--" + showOnly + " is an option of the demo without --train");
            }
        }
        int iters = opts.integer("iters", 1, 10_000_000);
        Path dir = Path.of(opts.string("out"));
        TrainConfig cfg = TrainConfig.builder().size(DEMO_SIZE).batch(8).iterations(iters).convDim(DEMO_CONV_DIM)
                .dConvDim(DEMO_D_CONV_DIM).lr(opts.number("lr")).nCritic(5).seed(1234)
                .sampleEvery(Math.min(250, iters)).checkpointEvery(Math.min(1000, iters)).build();
        RunFolder.refuseExisting(dir, opts.flag("overwrite"), false);
        out.printf("demo: rendering %d identities x 7 expressions at %d px (built-in faces)%n", DEMO_IDENTITIES,
                DEMO_SIZE);
        Dataset data = new SyntheticDataset(1, DEMO_IDENTITIES, DEMO_SIZE);
        return train(cfg, data, dir, null, null, out);
    }

    static int train(Options opts, PrintStream out) throws IOException {
        boolean onlyPresent = opts.choice("classes", "all", "present").equals("present");
        Path dataDir = Path.of(opts.required("data"));
        TrainConfig cfg;
        Path dir;
        Checkpoint.Loaded resume = null;
        ReferenceResume.Start authors = null;
        if (opts.has("resume")) {
            Path file = Path.of(opts.string("resume"));
            IoErrors.requireFile(file, "--resume");
            if (ReferenceResume.isForeign(file)) {
                authors = ReferenceResume.read(file, opts);
                cfg = authors.config();
            } else {
                resume = Checkpoint.load(file);
                cfg = ResumeOptions.config(opts, resume);
            }
            // a resumed run continues in its own folder unless told otherwise
            Path home = file.toAbsolutePath().getParent();
            dir = opts.has("out") ? Path.of(opts.string("out")) : home;
            if (!RunFolder.same(dir, home) && !opts.has("profile")) {
                RunFolder.refuseExisting(dir, opts.flag("overwrite"));
            }
        } else {
            cfg = freshConfig(opts);
            dir = Path.of(opts.string("out"));
            if (!opts.has("profile")) {
                RunFolder.refuseExisting(dir, opts.flag("overwrite"));
            }
        }
        ImageFolder data = new ImageFolder(dataDir, cfg.size(), onlyPresent);
        out.printf("data: %d images in %d classes%n", data.size(), data.classes().size());
        for (String w : data.warnings()) {
            out.println("warning: " + w);
        }
        if (opts.has("profile")) {
            return profile(cfg, data, resume, authors, opts.integer("profile", 1, 100_000), out);
        }
        return train(cfg, data, dir, resume, authors, out);
    }

    /**
     * {@code train --profile N}: 2 x n_critic warm-up iterations (two G steps, so that the JIT has compiled both step
     * kinds' kernels), then N timed ones, and the table of where their time went,
     * per step kind (D step every iteration, G step every n_critic). Nothing is written to disk.
     */
    private static int profile(TrainConfig cfg, Dataset data, Checkpoint.Loaded resume, ReferenceResume.Start authors,
            int steps, PrintStream out) {
        Trainer t = new Trainer(cfg, data, Path.of("unused"), out);
        if (resume != null) {
            t.resume(resume);
        }
        if (authors != null) {
            t.startFrom(authors.g(), authors.d(), authors.iteration());
        }
        int warmUp = 2 * cfg.nCritic();
        out.printf("profiling %s at %d px, batch %d: %d warm-up iterations and %d more under the profile, then %d"
                + " timed (G steps every %d)%n", cfg.variant().id(), cfg.size(), cfg.batch(), warmUp, cfg.nCritic(),
                steps, cfg.nCritic());
        for (int i = 0; i < warmUp; i++) {
            t.step();
        }
        long start = 0;
        try (Profiler p = Profiler.record()) {
            // a D step and a G step under the profile first, not counted: its timed backend's code is new to the JIT
            for (int i = 0; i < cfg.nCritic(); i++) {
                t.step();
            }
            p.restart();
            start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                t.step();
            }
            p.close();
            out.printf(Locale.ROOT, "%d iterations in %.2f s%n", steps, (System.nanoTime() - start) / 1e9);
            p.print(out);
        }
        return 0;
    }

    private static TrainConfig freshConfig(Options opts) {
        int convDim = opts.integer("conv-dim", 1, 1024);
        try {
            return TrainConfig.builder().size(opts.integer("size", 32, 1024)).batch(opts.integer("batch", 1, 4096))
                    .iterations(opts.integer("iters", 1, 100_000_000)).variant(opts.parsed("variant", Variant::parse))
                    .convDim(convDim).lr(opts.number("lr"))
                    .schedule(opts.choice("lr-schedule", "reference", "linear")).nCritic(5)
                    .seed(opts.integer("seed", 0, Integer.MAX_VALUE))
                    .sampleEvery(opts.integer("sample-every", 1, Integer.MAX_VALUE))
                    .checkpointEvery(opts.integer("checkpoint-every", 1, Integer.MAX_VALUE)).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int train(TrainConfig cfg, Dataset data, Path dir, Checkpoint.Loaded resume,
            ReferenceResume.Start authors, PrintStream out) throws IOException {
        Trainer t = new Trainer(cfg, data, dir, out);
        if (resume != null) {
            t.resume(resume);
            out.printf("resumed at iteration %d of %d, writing to %s%n", t.iteration(), cfg.iterations(), dir);
        }
        if (authors != null) {
            t.startFrom(authors.g(), authors.d(), authors.iteration());
            out.printf("started from the authors' weights (and %s) at iteration %d of %d, writing to %s; Adam starts "
                    + "fresh: their files hold no optimiser state, so this is not an exact continuation%n",
                    authors.dFile().getFileName(), t.iteration(), cfg.iterations(), dir);
        }
        out.printf("training %s at %d px: G %,d parameters, D %,d; batch %d, %d iterations%n", cfg.variant().id(),
                cfg.size(), t.generator().parameterCount(), t.discriminator().parameterCount(), cfg.batch(),
                cfg.iterations());
        long start = System.nanoTime();
        StopRequest stop = new StopRequest();
        // Ctrl-C and kill (SIGINT, SIGTERM) run this hook: it asks for a stop after the current step and holds the
        // JVM until the trainer has written its checkpoint; the JVM then exits with 130 or 143
        Thread hook = new Thread(() -> {
            stop.request("a signal (Ctrl-C or kill)", 143);
            stop.awaitTrainerExit();
        }, "sargan-graceful-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean finished;
        try {
            finished = t.run(stop);
        } finally {
            stop.trainerExited();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM exits when it returns
            }
        }
        if (!finished) {
            return stop.exitCode();
        }
        out.printf("done in %.1f min%n", (System.nanoTime() - start) / 6e10);
        out.println("samples:    " + dir.resolve("samples.png") + " (rows: inputs; columns: input, then the 7 targets)");
        out.println("losses:     " + dir.resolve("losses.png") + " and " + dir.resolve("losses.csv"));
        out.println("checkpoint: " + dir.resolve(Trainer.CHECKPOINT));
        return 0;
    }
}
