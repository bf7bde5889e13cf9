package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sargan.api.ExpressionEditor;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;
import org.sargan.viz.Pictures;

/**
 * The paper's ablation on built-in faces: each generator variant trained with the same seed, data, image size and
 * budget, then evaluated by the same judges on the same held-out identities. Writes {@code ablation.md},
 * {@code ablation.csv}, {@code ablation.png} (a row per run, the same input, all seven expressions) and a full
 * report per run in its own folder.
 *
 * @param base       the training configuration every run shares; variant comes from {@code variants}
 * @param identities training-set sizes to compare (the small-data claim), e.g. 10 and 100
 * @param judges     the classifier file to judge with, or null to train one (saved as classifier.safetensors)
 */
public record Ablation(TrainConfig base, List<Variant> variants, List<Integer> identities, Evaluation.Options eval,
        Path judges, String command) {

    /** One trained and evaluated run. */
    record Run(Variant variant, int identities, long generatorParameters, double trainMinutes,
            Evaluation.Outcome outcome) {
    }

    public void run(Path out, PrintStream log) throws IOException {
        int size = base.size();
        log.printf("ablation: %s at %d px, %d iterations each, training identities %s%n", variants, size,
                base.iterations(), identities);
        Files.createDirectories(out);
        Judges judges;
        if (this.judges != null) {
            judges = Judges.load(this.judges);
            if (judges.size() != size) {
                throw new IllegalArgumentException(this.judges + " works at " + judges.size() + " px, the ablation at "
                        + size);
            }
        } else {
            judges = Judges.train(size, Judges.Settings.defaults(), log);
            judges.save(out.resolve("classifier.safetensors"));
        }
        BufferedImage input = SyntheticFaces.render(BuiltIn.EVAL_SEED, Expression.NEUTRAL, size);
        List<Run> runs = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<BufferedImage[]> rows = new ArrayList<>();
        labels.add("truth");
        rows.add(truthRow(input, size));
        for (int k : identities) {
            Dataset data = BuiltIn.training(k, size);
            for (Variant v : variants) {
                TrainConfig cfg = base.toBuilder().variant(v).build();
                Path dir = out.resolve(v.id() + "-" + k + "id");
                log.printf("== %s on %d identities: training%n", v.id(), k);
                Trainer t = new Trainer(cfg, data, dir, log);
                long start = System.nanoTime();
                t.run();
                double minutes = (System.nanoTime() - start) / 6e10;
                Editor editor = ExpressionEditor.of(t.generator(), size)::edit;
                Map<String, String> about = new LinkedHashMap<>();
                about.put("model", v.id() + ", G conv_dim " + base.convDim() + ", " + t.generator().parameterCount()
                        + " G parameters, trained " + base.iterations() + " iterations on " + k
                        + " built-in identities in " + Table.num(minutes, 1) + " min");
                log.printf("== %s on %d identities: evaluating%n", v.id(), k);
                Evaluation.Outcome o = Evaluation.run(editor, size, judges, about, eval, dir, log);
                runs.add(new Run(v, k, t.generator().parameterCount(), minutes, o));
                labels.add(v.id() + ", " + k + " id");
                rows.add(Figures.editRow(editor, input));
                writeTables(out, runs);
            }
        }
        Pictures.writePng(Figures.grid(labels, rows, Figures.editTitles(), Math.max(1, 64 / size)),
                out.resolve("ablation.png"));
        log.println(Files.readString(out.resolve("ablation.md"), StandardCharsets.UTF_8));
        log.println("table: " + out.resolve("ablation.md") + " and ablation.csv; picture: " + out.resolve("ablation.png")
                + "; a report per run in its folder");
    }

    /** The truth row: the input, then the renderer's drawing of the same identity with each expression. */
    private static BufferedImage[] truthRow(BufferedImage input, int size) {
        BufferedImage[] row = new BufferedImage[Expression.values().length + 1];
        row[0] = input;
        for (Expression e : Expression.values()) {
            row[e.ordinal() + 1] = SyntheticFaces.render(BuiltIn.EVAL_SEED, e, size);
        }
        return row;
    }

    static Table table(List<Run> runs) {
        Table t = new Table("variant", "train identities", "G params", "train min", "PSNR dB", "SSIM", "L1",
                "cycle PSNR", "expr. acc.", "identity AUC", "FD/class", "out-of-style acc.");
        EvalResult first = runs.get(0).outcome().test();
        t.row("no edit (copy)", "", "0", "", Table.num(first.copyPsnr().overall(), 2),
                Table.num(first.copySsim().overall(), 4), Table.num(first.copyL1().overall(), 4), "", "", "",
                Table.num(first.copyFrechetPerClass(), 1), "");
        for (Run r : runs) {
            EvalResult e = r.outcome().test();
            t.row(r.variant().id(), Integer.toString(r.identities()), String.format("%,d", r.generatorParameters()),
                    Table.num(r.trainMinutes(), 1), Table.num(e.psnr().overall(), 2), Table.num(e.ssim().overall(), 4),
                    Table.num(e.l1().overall(), 4), Table.num(e.cyclePsnr().overall(), 2), Table.num(e.accuracy(), 3),
                    Table.num(e.identityAuc(), 3), Table.num(e.frechetPerClass(), 1),
                    Table.num(r.outcome().styleAccuracy(), 3));
        }
        return t;
    }

    private void writeTables(Path out, List<Run> runs) throws IOException {
        Table t = table(runs);
        EvalResult first = runs.get(0).outcome().test();
        String md = "# Ablation on built-in faces\n\n" + t.markdown() + "\nCommand: `" + command + "`\n\n"
                + "Test set: " + first.description() + "; " + first.edits() + " edits per run. Expression classifier "
                + "accuracy on the real test images: " + Table.num(first.classifierAccuracy(), 3) + " (the ceiling "
                + "for 'expr. acc.'; chance 0.143). Real-image identity AUC: " + Table.num(first.realIdentityAuc(), 3)
                + ". PSNR, SSIM and L1 are against the renderer's ground truth; FD/class is the per-class Fréchet "
                + "distance in the classifier's feature space (not FID); out-of-style acc. is the expression "
                + "accuracy averaged over the statue, flat and photo renders. Definitions: report.html of each run.\n";
        Files.writeString(out.resolve("ablation.md"), md, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("ablation.csv"), t.csv(), StandardCharsets.UTF_8);
    }
}
