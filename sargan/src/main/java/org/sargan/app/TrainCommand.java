package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.sargan.data.Dataset;
import org.sargan.data.ImageFolder;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Variant;
import org.sargan.train.Checkpoint;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * {@code sargan train} and {@code sargan demo}. The demo renders the built-in faces and trains a model small enough
 * for a CPU; train reads an ImageFolder (or resumes a checkpoint, whose configuration then wins).
 */
final class TrainCommand {
    /**
     * The demo's defaults, the smallest run seen to change expressions visibly on 2 cores: 32 px, G conv_dim 32,
     * D conv_dim 64 (a narrower critic learned the classes too slowly), lr 2e-4, 3,000 iterations (13 minutes).
     * The first changes (eye opening, the surprised mouth) show at about 1,250 iterations.
     */
    static final int DEMO_SIZE = 32;
    static final int DEMO_CONV_DIM = 32;
    static final int DEMO_D_CONV_DIM = 64;
    static final int DEMO_ITERS = 3000;
    static final float DEMO_LR = 2e-4f;
    static final int DEMO_IDENTITIES = 40;

    private TrainCommand() {
    }

    static void demo(Options opts, PrintStream out) throws IOException {
        int iters = opts.integer("iters", DEMO_ITERS, 1, 10_000_000);
        Path dir = Path.of(opts.string("out", "runs/demo"));
        TrainConfig cfg = new TrainConfig(DEMO_SIZE, 8, iters, Variant.SARGAN, DEMO_CONV_DIM, DEMO_D_CONV_DIM,
                opts.number("lr", DEMO_LR), "reference", 5, 1f, 1f, 10f, 1234, Math.min(250, iters),
                Math.min(1000, iters));
        out.printf("demo: rendering %d identities x 7 expressions at %d px (built-in faces)%n", DEMO_IDENTITIES,
                DEMO_SIZE);
        Dataset data = new SyntheticDataset(1, DEMO_IDENTITIES, DEMO_SIZE);
        train(cfg, data, dir, null, out);
    }

    static void train(Options opts, PrintStream out) throws IOException {
        Path dir = Path.of(opts.string("out", "runs/train"));
        Checkpoint.Loaded resume = opts.has("resume") ? Checkpoint.load(Path.of(opts.string("resume", null))) : null;
        TrainConfig cfg;
        if (resume != null) {
            cfg = resume.config().withIterations(opts.integer("iters", resume.config().iterations(), 1, 100_000_000));
        } else {
            cfg = new TrainConfig(opts.integer("size", 128, 32, 1024), opts.integer("batch", 8, 1, 4096),
                    opts.integer("iters", 200_000, 1, 100_000_000), Variant.parse(opts.string("variant", "sargan")),
                    opts.integer("conv-dim", 64, 1, 1024), opts.integer("conv-dim", 64, 1, 1024),
                    opts.number("lr", 1e-4f), opts.string("lr-schedule", "reference"), 5, 1f, 1f, 10f,
                    opts.integer("seed", 1234, 0, Integer.MAX_VALUE), opts.integer("sample-every", 1000, 1,
                    Integer.MAX_VALUE), opts.integer("checkpoint-every", 10_000, 1, Integer.MAX_VALUE));
        }
        ImageFolder data = new ImageFolder(Path.of(opts.required("data")), cfg.size(),
                "present".equals(opts.string("classes", "all")));
        out.printf("data: %d images in %d classes%s%n", data.size(), data.classes().size(),
                data.skipped() > 0 ? "; warning: " + data.skipped() + " unreadable files skipped" : "");
        train(cfg, data, dir, resume, out);
    }

    private static void train(TrainConfig cfg, Dataset data, Path dir, Checkpoint.Loaded resume, PrintStream out)
            throws IOException {
        Trainer t = new Trainer(cfg, data, dir, out);
        if (resume != null) {
            t.resume(resume);
            out.printf("resumed at iteration %d of %d%n", t.iteration(), cfg.iterations());
        }
        out.printf("training %s at %d px: G %,d parameters, D %,d; batch %d, %d iterations%n", cfg.variant().id(),
                cfg.size(), t.generator().parameterCount(), t.discriminator().parameterCount(), cfg.batch(),
                cfg.iterations());
        long start = System.nanoTime();
        t.run();
        out.printf("done in %.1f min%n", (System.nanoTime() - start) / 6e10);
        out.println("samples:    " + dir.resolve("samples.png") + " (rows: inputs; columns: input, then the 7 targets)");
        out.println("losses:     " + dir.resolve("losses.png") + " and " + dir.resolve("losses.csv"));
        out.println("checkpoint: " + dir.resolve("checkpoint.safetensors"));
    }
}
