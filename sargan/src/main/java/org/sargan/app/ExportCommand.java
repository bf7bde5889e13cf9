package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sargan.model.Discriminator;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.core.Tensor;
import org.sargan.nn.DType;
import org.sargan.nn.SafeTensors;
import org.sargan.nn.WeightFile;
import org.sargan.nn.WeightFileException;
import org.sargan.nn.torch.TorchFile;
import org.sargan.train.Checkpoint;

/**
 * {@code sargan export}: the generator in the authors' state-dict layout, as a PyTorch file their strict
 * {@code load_state_dict} accepts ({@code .ckpt}, {@code .pt}, {@code .pth}) or as safetensors with the same keys
 * ({@code .safetensors}, plus our metadata); with {@code --with-discriminator}, G and D as {@code {N}-G.ckpt} and
 * {@code {N}-D.ckpt} in a folder, so that their {@code Solver.restore_model(N)} continues training from our weights.
 * The source is any file the project reads; the weights go through the model (shapes and finiteness checked)
 * before anything is written.
 */
final class ExportCommand {
    /** Their checkpoint names: {@code {iteration}-G.ckpt}. */
    static final Pattern REFERENCE_NAME = Pattern.compile("(\\d+)-G\\.(ckpt|pt|pth)");
    /** Seed of the unused hourglass that their generator registers and a file for their loader must hold. */
    private static final long UNUSED_SEED = 0;
    /** Largest finite float16. */
    private static final float HALF_MAX = 65504f;

    private ExportCommand() {
    }

    /** What a source file holds: G's weights, D's if it is a training checkpoint, the iteration and image size. */
    record Source(Map<String, Tensor> g, Map<String, Tensor> d, int iteration, Integer size) {
    }

    static Source read(Path file) throws IOException {
        // the metadata first, so that the file is read once, by the reader of its kind
        if ("sargan-checkpoint-1".equals(WeightFile.metadata(file).get("format"))) {
            Checkpoint.Loaded ck = Checkpoint.load(file);
            return new Source(ck.g(), ck.d(), ck.iteration(), ck.config().size());
        }
        WeightFile wf = WeightFile.read(file);
        Map<String, String> md = wf.metadata();
        Matcher m = REFERENCE_NAME.matcher(file.getFileName().toString());
        int iteration = md.containsKey("iteration") ? parse(md.get("iteration"), file)
                : m.matches() ? parse(m.group(1), file) : 0;
        return new Source(wf.tensors(), null, iteration, md.containsKey("size") ? parse(md.get("size"), file) : null);
    }

    private static int parse(String v, Path file) throws WeightFileException {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new WeightFileException(file + ": metadata value '" + v + "' is not a non-negative whole number");
        }
    }

    static void export(Options opts, PrintStream out) throws IOException {
        Path source = Path.of(opts.required("checkpoint"));
        boolean withD = opts.flag("with-discriminator");
        if (withD && opts.flag("half")) {
            throw new UsageException("--half writes the generator alone; --with-discriminator writes files for "
                    + "training, which stay float32");
        }
        Path target = withD ? ExportGuard.folder(opts) : ExportGuard.target(opts);
        Source s = read(source);
        Generator g;
        Discriminator d = null;
        try {
            g = ReferenceLayout.generator(s.g());
            if (withD) {
                if (s.d() == null) {
                    throw new UsageException("--with-discriminator needs a training checkpoint (it holds D); "
                            + source + " holds only a generator");
                }
                d = ReferenceLayout.discriminator(s.d());
            }
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(source + ": " + e.getMessage());
        }
        ReferenceLayout.State gs = ReferenceLayout.generatorState(g, new Random(UNUSED_SEED));
        if (withD) {
            Path gFile = target.resolve(s.iteration() + "-G.ckpt");
            Path dFile = target.resolve(s.iteration() + "-D.ckpt");
            for (Path f : new Path[] {gFile, dFile}) {
                if (Files.exists(f) && !opts.flag("overwrite")) {
                    throw new UsageException(f + " already exists; give --overwrite to replace it");
                }
            }
            Files.createDirectories(target);
            ReferenceLayout.State ds = ReferenceLayout.discriminatorState(d);
            TorchFile.write(gFile, gs.tensors(), gs.dtypes());
            TorchFile.write(dFile, ds.tensors(), ds.dtypes());
            out.printf("wrote %s (%d tensors) and %s (%d tensors), iteration %d, in the authors' layout: their "
                    + "--resume_iters %d --model_save_dir %s continues from them%n", gFile, gs.tensors().size(), dFile,
                    ds.tensors().size(), s.iteration(), s.iteration(), target);
            return;
        }
        Map<String, DType> dtypes = opts.flag("half") ? half(gs, source) : gs.dtypes();
        String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            Map<String, String> md = new LinkedHashMap<>();
            md.put("format", "sargan-generator-1");
            md.put("variant", g.variant().id());
            md.put("conv_dim", Integer.toString(ReferenceLayout.generatorSpec(s.g()).convDim()));
            if (s.size() != null) {
                md.put("size", Integer.toString(s.size()));
            }
            md.put("iteration", Integer.toString(s.iteration()));
            SafeTensors.write(target, gs.tensors(), md, dtypes);
        } else {
            TorchFile.write(target, gs.tensors(), dtypes);
        }
        out.printf("wrote the generator (%s, %d tensors in the authors' layout, iteration %d%s) to %s%n",
                g.variant().id(), gs.tensors().size(), s.iteration(), opts.flag("half") ? ", float16" : "", target);
    }

    /**
     * The element types of {@code --half}: every float32 tensor as float16 (rounded to nearest even; the engine
     * widens it back exactly on reading), other types as they are. A weight beyond float16's range is refused, as
     * it would become infinite.
     */
    private static Map<String, DType> half(ReferenceLayout.State gs, Path source) throws WeightFileException {
        Map<String, DType> types = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : gs.tensors().entrySet()) {
            DType t = gs.dtypes().getOrDefault(e.getKey(), DType.F32);
            if (t == DType.F32) {
                for (float v : e.getValue().toArray()) {
                    if (Math.abs(v) > HALF_MAX) {
                        throw new WeightFileException(source + ": " + e.getKey() + " holds " + v + ", beyond "
                                + "float16's range of +-" + HALF_MAX + "; export without --half");
                    }
                }
                t = DType.F16;
            }
            types.put(e.getKey(), t);
        }
        return types;
    }
}
