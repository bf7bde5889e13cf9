package org.sargan.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.sargan.core.Tensor;
import org.sargan.data.Expression;
import org.sargan.model.ReferenceLayout.DiscriminatorSpec;
import org.sargan.model.ReferenceLayout.GeneratorSpec;
import org.sargan.model.ReferenceLayout;
import org.sargan.model.Variant;
import org.sargan.nn.WeightFile;
import org.sargan.nn.WeightFileException;
import org.sargan.train.TrainConfig;

/**
 * {@code train --resume N-G.ckpt} with the authors' checkpoint pair ({@code {N}-G.ckpt} beside {@code {N}-D.ckpt}, as
 * their solver saves them). Their files hold weights only: the architecture (variant, conv_dims, image size, the
 * discriminator's layer count) is read from the weights, training options come from the command line, both Adam
 * states start fresh and counting continues at N. Options that contradict the weights are refused by name.
 */
final class ReferenceResume {
    /** Weights to start from, and the run they define. */
    record Start(TrainConfig config, Map<String, Tensor> g, Map<String, Tensor> d, int iteration, Path dFile) {
    }

    private ReferenceResume() {
    }

    /** True unless the file is one of our training checkpoints (which resume exactly). */
    static boolean isForeign(Path file) throws IOException {
        return !"sargan-checkpoint-1".equals(WeightFile.metadata(file).get("format"));
    }

    static Start read(Path gFile, Options opts) throws IOException {
        String name = gFile.getFileName().toString();
        Matcher m = ExportCommand.REFERENCE_NAME.matcher(name);
        if (!m.matches()) {
            throw new UsageException("--resume " + gFile + " is not a SARGAN training checkpoint; the authors' files "
                    + "are accepted as a pair named {N}-G.ckpt and {N}-D.ckpt (their solver's names)");
        }
        int iteration;
        try {
            iteration = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new UsageException("--resume " + gFile + ": iteration " + m.group(1) + " in the file name is beyond "
                    + Integer.MAX_VALUE);
        }
        Path dFile = gFile.resolveSibling(name.replace("-G.", "-D."));
        if (!Files.isRegularFile(dFile)) {
            throw new UsageException("--resume " + gFile + " needs its discriminator beside it: " + dFile
                    + " not found");
        }
        Map<String, Tensor> g = WeightFile.read(gFile).tensors();
        Map<String, Tensor> d = WeightFile.read(dFile).tensors();
        GeneratorSpec gs;
        DiscriminatorSpec ds;
        try {
            gs = ReferenceLayout.generatorSpec(g);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(gFile + ": " + e.getMessage());
        }
        try {
            ds = ReferenceLayout.discriminatorSpec(d);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(dFile + ": " + e.getMessage());
        }
        int classes = Expression.values().length;
        if (gs.classes() != classes || ds.classes() != classes) {
            throw new WeightFileException(gFile + ": G has " + gs.classes() + " classes and D " + ds.classes()
                    + "; training here uses the " + classes + " expressions");
        }
        List<String> wrong = new ArrayList<>();
        if (opts.has("size") && opts.integer("size", 1, Integer.MAX_VALUE) != ds.size()) {
            wrong.add("--size " + opts.string("size") + " (the weights are for " + ds.size() + " px)");
        }
        if (opts.has("variant") && opts.parsed("variant", Variant::parse) != gs.variant()) {
            wrong.add("--variant " + opts.string("variant") + " (the weights are " + gs.variant().id() + ")");
        }
        if (opts.has("conv-dim") && opts.integer("conv-dim", 1, Integer.MAX_VALUE) != gs.convDim()) {
            wrong.add("--conv-dim " + opts.string("conv-dim") + " (G's is " + gs.convDim() + ")");
        }
        if (!wrong.isEmpty()) {
            throw new UsageException(String.join(", ", wrong) + ": the architecture comes from the authors' files");
        }
        int iters = opts.integer("iters", 1, 100_000_000);
        if (iters <= iteration) {
            throw new UsageException("--iters " + iters + " is not above the files' iteration " + iteration
                    + "; give a larger --iters");
        }
        try {
            TrainConfig cfg = TrainConfig.builder().size(ds.size()).batch(opts.integer("batch", 1, 4096))
                    .iterations(iters).variant(gs.variant()).convDim(gs.convDim()).dConvDim(ds.convDim())
                    .lr(opts.number("lr")).schedule(opts.choice("lr-schedule", "reference", "linear")).nCritic(5)
                    .seed(opts.integer("seed", 0, Integer.MAX_VALUE))
                    .sampleEvery(opts.integer("sample-every", 1, Integer.MAX_VALUE))
                    .checkpointEvery(opts.integer("checkpoint-every", 1, Integer.MAX_VALUE)).dLayers(ds.layers())
                    .build();
            return new Start(cfg, g, d, iteration, dFile);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
