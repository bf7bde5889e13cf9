package org.sargan.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.sargan.core.Autograd;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
import org.sargan.core.Profiler;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Shapes;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.io.IoErrors;
import org.sargan.model.Discriminator;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.nn.Adam;
import org.sargan.nn.LrSchedule;
import org.sargan.nn.Module;
import org.sargan.viz.Pictures;

/**
 * SARGAN's WGAN-GP training loop (sargan/README.md), one iteration per {@link #step}: 1. prepare inputs, 2. train D,
 * 3. train G every n_critic iterations, 4. log, sample, checkpoint. Deterministic for a seed on the CPU: the same
 * run split by a checkpoint and a resume gives the same bits.
 */
public final class Trainer {
    private static final int CLASSES = Expression.values().length;
    /** File names inside the output folder. */
    public static final String CHECKPOINT = "checkpoint.safetensors";
    public static final String LOSSES_CSV = "losses.csv";
    /** Longest training time between two checkpoints: a stop or a crash never loses more than this. */
    public static final int CHECKPOINT_MINUTES = 10;
    /** The seven losses, in the column order of losses.csv. */
    static final List<String> LOSS_NAMES = List.of("D/real", "D/fake", "D/cls", "D/gp", "G/fake", "G/rec", "G/cls");

    private final TrainConfig cfg;
    private final Dataset data;
    private final Path out;
    private final PrintStream log;
    private final Generator g;
    private final Discriminator d;
    private final Adam optG;
    private final Adam optD;
    private final LrSchedule schedule;
    private final Rng rng;
    /** Per loss: {iteration, value} pairs, for the plot. */
    private final Map<String, List<double[]>> history = new LinkedHashMap<>();
    private int iteration;
    private LongSupplier clock = System::nanoTime;

    public Trainer(TrainConfig cfg, Dataset data, Path out, PrintStream log) {
        if (data.imageSize() != cfg.size()) {
            throw new IllegalArgumentException("data images are " + data.imageSize() + " px, the run expects "
                    + cfg.size());
        }
        this.cfg = cfg;
        this.data = data;
        this.out = out;
        this.log = log;
        this.rng = new Rng(cfg.seed());
        this.g = new Generator(rng.fork(), cfg.variant(), cfg.convDim(), CLASSES);
        this.d = new Discriminator(rng.fork(), cfg.size(), cfg.dConvDim(), CLASSES, cfg.discriminatorLayers());
        this.optG = new Adam(g, cfg.lr(), cfg.beta1(), cfg.beta2());
        this.optD = new Adam(d, cfg.lr(), cfg.beta1(), cfg.beta2());
        this.schedule = LrSchedule.named(cfg.schedule(), cfg.lr(), cfg.iterations());
    }

    /** Continues from a checkpoint of the same run: weights, optimiser moments, iteration and random state. */
    public void resume(Checkpoint.Loaded ck) {
        // every parameter of both models is updated by every step of its optimiser: a moment missing from the
        // checkpoint would make the resumed run silently differ from an uninterrupted one
        requireMoments("G", g, ck.optG(), ck.optGSteps());
        requireMoments("D", d, ck.optD(), ck.optDSteps());
        g.loadStateDict(ck.g());
        d.loadStateDict(ck.d());
        optG.load(ck.optG(), ck.optGSteps());
        optD.load(ck.optD(), ck.optDSteps());
        rng.setState(ck.rngState());
        iteration = ck.iteration();
    }

    private static void requireMoments(String name, Module m, Map<String, Tensor> state, long steps) {
        if (steps == 0) {
            return;
        }
        for (String p : m.namedParameters().keySet()) {
            for (String k : new String[] {p + ".exp_avg", p + ".exp_avg_sq"}) {
                if (!state.containsKey(k)) {
                    throw new IllegalArgumentException("the checkpoint's Adam state of " + name + " lacks '" + k
                            + "' after " + steps + " steps; resuming would not continue the same run");
                }
            }
        }
    }

    /**
     * Starts from weights trained elsewhere (the authors' {@code {N}-G.ckpt} and {@code {N}-D.ckpt}): the weights
     * are taken, both Adam states start fresh, and counting continues at {@code iteration}.
     */
    public void startFrom(Map<String, Tensor> gWeights, Map<String, Tensor> dWeights, int iteration) {
        if (iteration < 0 || iteration >= cfg.iterations()) {
            throw new IllegalArgumentException("start iteration " + iteration + " must be in 0.." + (cfg.iterations() - 1)
                    + " (--iters is " + cfg.iterations() + ")");
        }
        g.loadStateDict(ReferenceLayout.weightsOnly(gWeights));
        d.loadStateDict(dWeights);
        this.iteration = iteration;
    }

    public Generator generator() {
        return g;
    }

    public Discriminator discriminator() {
        return d;
    }

    public int iteration() {
        return iteration;
    }

    /** Trains until the configured iteration count, with progress lines, samples and checkpoints. */
    public void run() throws IOException {
        run(new StopRequest());
    }

    /**
     * Trains until the configured iteration count or until {@code stop} is requested; either way the last step is
     * followed by a checkpoint. Checkpoints are also written every {@code checkpointEvery} iterations and at least
     * every {@link #CHECKPOINT_MINUTES} minutes.
     *
     * @return true when the run is complete, false when it stopped early
     */
    public boolean run(StopRequest stop) throws IOException {
        prepareFolder();
        long start = clock.getAsLong();
        long lastCheckpoint = start;
        int first = iteration;
        while (iteration < cfg.iterations()) {
            Map<String, Float> losses = step();
            checkFinite(losses);
            appendCsv(losses);
            // read once: a stop that arrives later in this iteration is served after the next step
            boolean stopping = stop.requested();
            boolean last = iteration == cfg.iterations() || stopping;
            long now = clock.getAsLong();
            if (iteration % 10 == 0 || last || iteration == first + 1) {
                logProgress(losses, first, (now - start) / 1e9);
            }
            if (iteration % cfg.sampleEvery() == 0 || last) {
                writeSamples();
                writePlot();
            }
            boolean timeUp = now - lastCheckpoint >= CHECKPOINT_MINUTES * 60_000_000_000L;
            if (iteration % cfg.checkpointEvery() == 0 || last || timeUp) {
                saveCheckpoint();
                lastCheckpoint = now;
                if (timeUp && !last && iteration % cfg.checkpointEvery() != 0) {
                    log.printf("checkpoint at iteration %d (%d minutes since the last): %s%n", iteration,
                            CHECKPOINT_MINUTES, out.resolve(CHECKPOINT));
                }
            }
            if (stopping && iteration < cfg.iterations()) {
                log.printf("stopped by %s at iteration %d of %d; checkpoint: %s; continue with: sargan train --data "
                        + "DIR --resume %s%n", stop.reason(), iteration, cfg.iterations(), out.resolve(CHECKPOINT),
                        out.resolve(CHECKPOINT));
                return false;
            }
        }
        return true;
    }

    /**
     * Creates the output folder and clears what an interrupted run left there. A fresh run starts a fresh loss log;
     * a resumed one keeps the rows up to its checkpoint (rows written after it, before a kill -9, are dropped so
     * that no iteration is listed twice) and plots them.
     */
    private void prepareFolder() throws IOException {
        IoErrors.createFolder(out, "output folder");
        RunFiles.removeStaleTemporaries(out, log, CHECKPOINT, "samples.png", "losses.png", LOSSES_CSV);
        Path csv = out.resolve(LOSSES_CSV);
        if (iteration == 0) {
            Files.deleteIfExists(csv);
        } else {
            history.clear();
            RunFiles.truncateCsv(csv, iteration).forEach((it, row) -> row.forEach((k, v) ->
                    history.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[] {it, v})));
        }
    }

    private void checkFinite(Map<String, Float> losses) {
        for (Map.Entry<String, Float> e : losses.entrySet()) {
            if (!Float.isFinite(e.getValue())) {
                Path ck = out.resolve(CHECKPOINT);
                throw new IllegalStateException("training diverged: " + e.getKey() + " is " + e.getValue()
                        + " at iteration " + iteration + "; " + (Files.exists(ck) ? "the last good checkpoint is "
                        + ck : "no checkpoint had been written yet"));
            }
        }
    }

    private void logProgress(Map<String, Float> losses, int first, double secs) {
        double rate = (iteration - first) / secs;
        StringBuilder line = new StringBuilder(String.format("it %d/%d", iteration, cfg.iterations()));
        losses.forEach((k, v) -> line.append(String.format("  %s %.4f", k, v)));
        line.append(String.format("  %.2f it/s  ETA %s", rate, eta((cfg.iterations() - iteration) / rate)));
        log.println(line);
    }

    private void saveCheckpoint() throws IOException {
        Path ck = out.resolve(CHECKPOINT);
        try {
            Checkpoint.save(ck, cfg, g, d, optG, optD, iteration, rng.state());
        } catch (IOException e) {
            throw IoErrors.context("cannot write the checkpoint " + ck, e);
        }
    }

    /** Replaces the clock that times the checkpoint interval (nanoseconds), for tests. */
    void clock(LongSupplier nanos) {
        clock = nanos;
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60) : String.format("%dm%02ds", s / 60, s % 60);
    }

    /** One training iteration on a random batch; returns the losses computed in it. */
    public Map<String, Float> step() {
        Profiler.section("data");
        // 1. Prepare inputs: a random batch, horizontal flips, target labels = a permutation of the batch's labels,
        // and the gradient penalty's mixing weights.
        int n = cfg.batch();
        int[] labelOrg = new int[n];
        Tensor xReal = sampleBatch(labelOrg);
        int[] labelTrg = labelOrg.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labelTrg[i];
            labelTrg[i] = labelTrg[j];
            labelTrg[j] = t;
        }
        float[] alpha = new float[n];
        for (int i = 0; i < n; i++) {
            alpha[i] = rng.nextFloat();
        }
        return step(xReal, labelOrg, labelTrg, alpha);
    }

    /**
     * One training iteration on given inputs (what {@link #step()} draws at random), so that a step can be
     * compared with the authors' code on the same batch.
     *
     * @param xReal    images (N, 3, size, size) in [-1, 1]
     * @param labelOrg their expressions
     * @param labelTrg the target expressions
     * @param alpha    per sample, the weight of the real image in the gradient penalty's mix
     */
    public Map<String, Float> step(Tensor xReal, int[] labelOrg, int[] labelTrg, float[] alpha) {
        int n = xReal.dim(0);
        if (labelOrg.length != n || labelTrg.length != n || alpha.length != n) {
            throw new IllegalArgumentException("step: " + n + " images, " + labelOrg.length + " labels, "
                    + labelTrg.length + " targets and " + alpha.length + " alphas; expected the same number");
        }
        // everything the step makes is freed when it ends (device memory at once, not when the GC notices),
        // except what the next step needs: the new weights and both optimisers' moments
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, Float> losses = stepInScope(xReal, labelOrg, labelTrg, alpha);
            keepState(scope, g, optG);
            keepState(scope, d, optD);
            return losses;
        }
    }

    private Map<String, Float> stepInScope(Tensor xReal, int[] labelOrg, int[] labelTrg, float[] alpha) {
        Map<String, Float> losses = new LinkedHashMap<>();
        float lr = schedule.at(iteration);
        optG.setLr(lr);
        optD.setLr(lr);
        Tensor cOrg = oneHot(labelOrg);
        Tensor cTrg = oneHot(labelTrg);

        // Each step kind runs in its own memory scope: what the D step made is freed before the G step starts, so
        // the two never hold their activations at the same time (peak memory is the larger of them, not the sum).
        Profiler.section("D step");
        try (MemoryScope phase = MemoryScope.open()) {
            discriminatorStep(xReal, cTrg, labelOrg, alpha, losses);
            keepState(phase, d, optD);
        }
        if ((iteration + 1) % cfg.nCritic() == 0) {
            Profiler.section("G step");
            try (MemoryScope phase = MemoryScope.open()) {
                generatorStep(xReal, cOrg, cTrg, labelTrg, losses);
                keepState(phase, g, optG);
            }
        }
        iteration++;
        return losses;
    }

    /** 2. Train the discriminator: real vs fake, classification of real images, gradient penalty. */
    private void discriminatorStep(Tensor xReal, Tensor cTrg, int[] labelOrg, float[] alpha, Map<String, Float> losses) {
        d.zeroGrad();
        // the pass's activations are freed before Adam runs (only the gradients outlive this scope), so that the
        // update's new weights and moments never share the memory peak with them
        try (MemoryScope pass = MemoryScope.open()) {
            Tensor xFake;
            try (GradMode.Scope s = GradMode.noGrad()) {
                xFake = g.forward(xReal, cTrg);
            }
            // Real and fake go through D as one batch of 2n: the same function (D has no batch statistics, each
            // sample is its own), but D's big weights are read once for both halves and give one weight gradient
            // instead of two to be added (measured, 64 px batch 8: a D step 4-12% faster, interleaved with the
            // two-pass version)
            int n = xReal.shape()[0];
            Discriminator.Output both = d.forward(Shapes.concat(0, xReal, xFake));
            Tensor dLossReal = Shapes.narrow(both.outSrc(), 0, 0, n).mean().neg();
            Tensor dLossFake = Shapes.narrow(both.outSrc(), 0, n, n).mean();
            Tensor dLossCls = Losses.crossEntropy(Shapes.narrow(both.outCls(), 0, 0, n), labelOrg);
            Tensor dLossGp = gradientPenalty(xReal, xFake, alpha);
            Tensor dLoss = dLossReal.add(dLossFake).add(dLossCls.mul(cfg.lambdaCls()))
                    .add(dLossGp.mul(cfg.lambdaGp()));
            losses.put("D/real", dLossReal.item());
            losses.put("D/fake", dLossFake.item());
            losses.put("D/cls", dLossCls.item());
            losses.put("D/gp", dLossGp.item());
            // each activation is freed as soon as backward is past it (nothing here reads one afterwards)
            Autograd.backwardFreeing(dLoss);
            keepGradients(pass, d);
        }
        optD.step();
    }

    /** 3. Train the generator (every n_critic iterations): fool D, be classified as the target, reconstruct. */
    private void generatorStep(Tensor xReal, Tensor cOrg, Tensor cTrg, int[] labelTrg, Map<String, Float> losses) {
        g.zeroGrad();
        // D only passes gradients through to G's output here: its own weight gradients would be thrown away
        d.setRequiresGrad(false);
        try {
            // as in the D step: activations freed before Adam
            try (MemoryScope pass = MemoryScope.open()) {
                Tensor xFakeG = g.forward(xReal, cTrg);
                Discriminator.Output outFake = d.forward(xFakeG);
                Tensor gLossFake = outFake.outSrc().mean().neg();
                Tensor gLossCls = Losses.crossEntropy(outFake.outCls(), labelTrg);
                Tensor xRec = g.forward(xFakeG, cOrg);
                Tensor gLossRec = Losses.l1(xReal, xRec);
                Tensor gLoss = gLossFake.add(gLossRec.mul(cfg.lambdaRec())).add(gLossCls.mul(cfg.lambdaCls()));
                losses.put("G/fake", gLossFake.item());
                losses.put("G/rec", gLossRec.item());
                losses.put("G/cls", gLossCls.item());
                Autograd.backwardFreeing(gLoss);
                keepGradients(pass, g);
            }
            optG.step();
        } finally {
            d.setRequiresGrad(true);
        }
    }

    /** Keeps a model's weight gradients beyond the given scope (for its optimiser). */
    private static void keepGradients(MemoryScope scope, Module m) {
        m.namedParameters().values().forEach(p -> scope.keep(p.grad()));
    }

    /** Keeps a model's weights and its optimiser's moments beyond the given scope. */
    private static void keepState(MemoryScope scope, Module m, Adam opt) {
        m.namedParameters().values().forEach(p -> scope.keep(p.get()));
        opt.state().values().forEach(scope::keep);
    }

    /** mean over samples of (|| d sum(D_src(x_hat)) / d x_hat ||_2 - 1)^2, x_hat between real and fake. */
    private Tensor gradientPenalty(Tensor xReal, Tensor xFake, float[] a) {
        Tensor alpha = Tensor.of(a, a.length, 1, 1, 1);
        Tensor xHat;
        try (GradMode.Scope s = GradMode.noGrad()) {
            xHat = alpha.mul(xReal).add(alpha.neg().add(1f).mul(xFake));
        }
        xHat.requiresGrad(true);
        Tensor outSrc = d.forward(xHat).outSrc();
        Tensor grad = Autograd.grad(new Tensor[] {outSrc.sum()}, new Tensor[] {xHat}, null, true)[0];
        Tensor norm = grad.pow(2f).sum(new int[] {1, 2, 3}, false).sqrt();
        return norm.add(-1f).pow(2f).mean();
    }

    private Tensor sampleBatch(int[] labels) {
        int s = cfg.size();
        int plane = s * s;
        float[] x = new float[labels.length * 3 * plane];
        for (int i = 0; i < labels.length; i++) {
            int k = rng.nextInt(data.size());
            labels[i] = data.label(k);
            float[] img = data.image(k);
            boolean flip = rng.nextFloat() < 0.5f;
            int o = i * 3 * plane;
            for (int c = 0; c < 3; c++) {
                for (int yy = 0; yy < s; yy++) {
                    for (int xx = 0; xx < s; xx++) {
                        x[o + c * plane + yy * s + xx] = img[c * plane + yy * s + (flip ? s - 1 - xx : xx)];
                    }
                }
            }
        }
        return Tensor.of(x, labels.length, 3, s, s);
    }

    static Tensor oneHot(int[] labels) {
        float[] c = new float[labels.length * CLASSES];
        for (int i = 0; i < labels.length; i++) {
            c[i * CLASSES + labels[i]] = 1f;
        }
        return Tensor.of(c, labels.length, CLASSES);
    }

    private void appendCsv(Map<String, Float> losses) throws IOException {
        Path csv = out.resolve(LOSSES_CSV);
        boolean fresh = !Files.exists(csv);
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            if (fresh) {
                w.write("iteration," + String.join(",", LOSS_NAMES) + "\n");
            }
            StringBuilder b = new StringBuilder(Integer.toString(iteration));
            for (String k : LOSS_NAMES) {
                Float v = losses.get(k);
                b.append(',').append(v == null ? "" : v.toString());
            }
            w.write(b.append('\n').toString());
        }
        for (Map.Entry<String, Float> e : losses.entrySet()) {
            history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {iteration, e.getValue()});
        }
    }

    /** losses.png: one panel per loss (their scales differ by orders of magnitude), for the whole run. */
    private void writePlot() throws IOException {
        List<String> names = new ArrayList<>();
        List<double[]> xs = new ArrayList<>();
        List<double[]> series = new ArrayList<>();
        for (String k : LOSS_NAMES) {
            if (history.containsKey(k)) {
                names.add(k);
                xs.add(history.get(k).stream().mapToDouble(p -> p[0]).toArray());
                series.add(history.get(k).stream().mapToDouble(p -> p[1]).toArray());
            }
        }
        Pictures.writePng(Pictures.panels("SARGAN losses", names, xs, series), out.resolve("losses.png"));
    }

    /** Row r's input: spread over the data, preferring a neutral face so that the edits stand out. */
    private int sampleIndex(int r, int rows) {
        int start = (int) ((long) r * data.size() / rows);
        int end = (int) ((long) (r + 1) * data.size() / rows);
        for (int k = start; k < end; k++) {
            if (data.label(k) == Expression.NEUTRAL.ordinal()) {
                return k;
            }
        }
        return start;
    }

    /** Rows: fixed inputs from across the data; columns: the input, then all 7 targets. */
    private void writeSamples() throws IOException {
        int rows = Math.min(4, data.size());
        int s = cfg.size();
        BufferedImage[][] tiles = new BufferedImage[rows][CLASSES + 1];
        try (GradMode.Scope sc = GradMode.noGrad()) {
            for (int r = 0; r < rows; r++) {
                float[] img = data.image(sampleIndex(r, rows));
                tiles[r][0] = Pictures.tile(img, 0, 3, s, s);
                float[] batch = new float[CLASSES * img.length];
                int[] targets = new int[CLASSES];
                for (int e = 0; e < CLASSES; e++) {
                    System.arraycopy(img, 0, batch, e * img.length, img.length);
                    targets[e] = e;
                }
                float[] y = g.forward(Tensor.of(batch, CLASSES, 3, s, s), oneHot(targets)).toArray();
                for (int e = 0; e < CLASSES; e++) {
                    tiles[r][e + 1] = Pictures.tile(y, e * img.length, 3, s, s);
                }
            }
        }
        String[] titles = new String[CLASSES + 1];
        titles[0] = "input";
        for (Expression e : Expression.values()) {
            titles[e.ordinal() + 1] = e.id();
        }
        Pictures.writePng(Pictures.grid(tiles, titles, Math.max(1, 96 / s)), out.resolve("samples.png"));
    }
}
