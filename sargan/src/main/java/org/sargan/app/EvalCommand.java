package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.api.ExpressionEditor;
import org.sargan.eval.Evaluation;
import org.sargan.eval.Judges;
import org.sargan.nn.WeightFile;

/**
 * {@code sargan eval --checkpoint F}: a trained model measured against paired ground truth, an expression
 * classifier and an identity embedding; writes report.html, metrics.json and metrics.md.
 */
final class EvalCommand {
    private EvalCommand() {
    }

    static void eval(Options opts, PrintStream out) throws IOException {
        Path ck = opts.has("checkpoint") ? Path.of(opts.string("checkpoint")) : null;
        Path dir = Path.of(opts.string("out"));
        Evaluation.Options o = new Evaluation.Options(opts.has("data") ? Path.of(opts.string("data")) : null,
                opts.has("ood") ? Path.of(opts.string("ood")) : null,
                opts.integer("identities", 2, 100_000),
                opts.integer("style-identities", 0, 100_000));
        ExpressionEditor editor = TranslateCommand.editor(ck);
        Judges judges = judges(opts, editor.size(), dir, out);
        Map<String, String> about = new LinkedHashMap<>();
        about.put("checkpoint", ck == null ? Command.BUILT_IN + " (" + ExpressionEditor.BUILT_IN + ")"
                : ck + describe(ck));
        about.put("image size", editor.size() + " px");
        if (o.data() != null || o.ood() != null) {
            about.put("caution", "the expression classifier and identity embedding learnt built-in faces only; on "
                    + "photographs their verdicts say little, while PSNR, SSIM, L1 and the cycle still hold");
        }
        Evaluation.run(editor::edit, editor.size(), judges, about, o, dir, out);
    }

    /** The --classifier file, or judges trained now at the model's size (and saved beside the report). */
    static Judges judges(Options opts, int size, Path dir, PrintStream out) throws IOException {
        if (opts.has("classifier")) {
            Judges j = Judges.load(Path.of(opts.string("classifier")));
            if (j.size() != size) {
                throw new UsageException("--classifier works at " + j.size() + " px, the model at " + size
                        + "; train one with: sargan classifier train --size " + size);
            }
            return j;
        }
        out.printf("no --classifier given: training the expression classifier and identity embedding at %d px "
                + "(sargan classifier train --size %d makes a reusable one)%n", size, size);
        Judges j = Judges.train(size, Judges.Settings.defaults(), out);
        Files.createDirectories(dir);
        j.save(dir.resolve("classifier.safetensors"));
        out.println("saved them to " + dir.resolve("classifier.safetensors") + " (pass it as --classifier next time)");
        return j;
    }

    /** The model as the file's metadata describes it; empty when the metadata says nothing we know. */
    private static String describe(Path ck) {
        try {
            Map<String, String> md = WeightFile.metadata(ck);
            if (md.get("variant") == null) {
                return "";
            }
            return " (" + md.get("variant") + ", conv_dim " + md.get("conv_dim")
                    + (md.get("iteration") == null ? "" : ", iteration " + md.get("iteration")) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
