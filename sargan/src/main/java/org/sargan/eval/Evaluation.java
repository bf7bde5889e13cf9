package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sargan.data.Expression;
import org.sargan.data.ImageFolder;
import org.sargan.viz.Pictures;

/**
 * One whole evaluation of an editor, as {@code sargan eval} and the ablation run it: the test set (held-out
 * built-in identities or an ImageFolder), the out-of-style renders, an optional folder of arbitrary faces, the
 * pictures, and the report.
 */
public final class Evaluation {
    /** Picture rows of test identities. */
    private static final int PICTURE_IDENTITIES = 3;
    /** Images of an --ood folder shown and scored. */
    private static final int OOD_IMAGES = 12;

    /**
     * @param data            an ImageFolder to test on, or null for held-out built-in identities
     * @param ood             a folder of any face images to run through the model, or null
     * @param identities      built-in test identities (when data is null)
     * @param styleIdentities identities per out-of-style render (0: none)
     */
    public record Options(Path data, Path ood, int identities, int styleIdentities) {
        public Options {
            if (identities < 2 || styleIdentities < 0 || styleIdentities == 1) {
                throw new IllegalArgumentException("evaluation: " + identities + " test identities and "
                        + styleIdentities + " per style; expected at least 2 (other identities are needed for the "
                        + "identity measure), and 0 or at least 2 per style");
            }
        }

        public static Options defaults() {
            return new Options(null, null, 20, 8);
        }
    }

    /** The test-set result and one result per out-of-style render. */
    public record Outcome(EvalResult test, Map<String, EvalResult> styles) {
        /** Mean expression accuracy over the out-of-style renders; NaN without any. */
        public double styleAccuracy() {
            return styles.values().stream().mapToDouble(EvalResult::accuracy).average().orElse(Double.NaN);
        }
    }

    private Evaluation() {
    }

    /** Evaluates and writes the report into {@code out}. */
    public static Outcome run(Editor editor, int size, Judges judges, Map<String, String> about, Options o,
            Path out, PrintStream log) throws IOException {
        EvalSet test = o.data() == null ? EvalSet.builtIn(size, o.identities(), BuiltIn.EVAL_SEED, null)
                : EvalSet.folder(o.data(), size);
        log.println("test set: " + test.description());
        EvalResult main = Evaluator.evaluate(test, editor, judges, log);
        List<Report.Figure> figures = new ArrayList<>();
        figures.add(new Report.Figure("Edits of test images", test.paired() ? "Rows in pairs: the model's edits of "
                + "the input, then the ground truth (the same identity with each expression)." : "Each row: an input "
                + "and its seven edits.", testPicture(editor, test, PICTURE_IDENTITIES)));
        Map<String, EvalResult> styles = new LinkedHashMap<>();
        if (o.styleIdentities() > 0) {
            for (RenderStyle st : new RenderStyle[] {RenderStyle.STATUE, RenderStyle.FLAT, RenderStyle.PHOTO}) {
                EvalSet set = EvalSet.builtIn(size, o.styleIdentities(), BuiltIn.EVAL_SEED, st);
                log.println("out of style: " + set.description());
                styles.put(st.id(), Evaluator.evaluate(set, editor, judges, null));
                figures.add(new Report.Figure("Out of style: " + st.id(), "Edits of the same test identities drawn "
                        + "in the " + st.id() + " style, each followed by its ground truth.", testPicture(editor, set,
                        2)));
            }
        }
        Map<String, String> info = new LinkedHashMap<>(about);
        info.put("test set", test.description());
        judges.info().forEach((k, v) -> info.put("judges: " + k, v));
        if (o.ood() != null) {
            figures.add(oodFigure(editor, judges, o.ood(), size, info));
        }
        new Report("SARGAN evaluation", info, main, styles, figures).write(out);
        log.println("report: " + out.resolve("report.html") + " (and metrics.json, metrics.md)");
        return new Outcome(main, styles);
    }

    /** For the first identities: a row of edits of a neutral input and, when paired, the ground-truth row. */
    static BufferedImage testPicture(Editor editor, EvalSet set, int identities) {
        int s = set.imageSize();
        List<String> labels = new ArrayList<>();
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (EvalSet.Sample sample : set.samples()) {
            if (seen.contains(sample.identity()) || seen.size() == identities) {
                continue;
            }
            EvalSet.Sample neutral = set.truth(sample.identity(), Expression.NEUTRAL.ordinal());
            EvalSet.Sample input = neutral != null ? neutral : sample;
            seen.add(sample.identity());
            BufferedImage img = Pictures.tile(input.image(), 0, 3, s, s);
            labels.add("edits");
            rows.add(Figures.editRow(editor, img));
            if (set.paired()) {
                BufferedImage[] truth = new BufferedImage[Expression.values().length + 1];
                truth[0] = img;
                for (Expression e : Expression.values()) {
                    EvalSet.Sample t = set.truth(input.identity(), e.ordinal());
                    truth[e.ordinal() + 1] = t == null ? null : Pictures.tile(t.image(), 0, 3, s, s);
                }
                labels.add("truth");
                rows.add(truth);
            }
        }
        return Figures.grid(labels, rows, Figures.editTitles(), Math.max(1, 96 / s));
    }

    /** Up to OOD_IMAGES files of the folder through all seven expressions; their expression accuracy into info. */
    static Report.Figure oodFigure(Editor editor, Judges judges, Path dir, int size, Map<String, String> info)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--ood " + dir + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<String> labels = new ArrayList<>();
        List<BufferedImage[]> rows = new ArrayList<>();
        int right = 0;
        int all = 0;
        for (Path f : files) {
            BufferedImage img = EvalSet.read(f);
            if (img == null) {
                continue;
            }
            BufferedImage[] row = Figures.editRow(editor, ImageFolder.squareResize(img, size));
            List<float[]> edits = new ArrayList<>();
            for (int k = 1; k < row.length; k++) {
                edits.add(org.sargan.data.Dataset.toPlanar(row[k]));
            }
            int[] pred = judges.classify(edits);
            for (int k = 0; k < pred.length; k++) {
                right += pred[k] == k ? 1 : 0;
                all++;
            }
            labels.add(f.getFileName().toString());
            rows.add(row);
            if (rows.size() == OOD_IMAGES) {
                break;
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("--ood " + dir + " holds no readable image");
        }
        info.put("--ood folder", dir + ": " + rows.size() + " images shown; the classifier assigns "
                + Table.num((double) right / all, 3) + " of their " + all + " edits to the target (all 7 targets, "
                + "the input's own expression unknown)");
        return new Report.Figure("Faces from " + dir, "Each row: an input from the folder and its seven edits.",
                Figures.grid(labels, rows, Figures.editTitles(), Math.max(1, 96 / size)));
    }
}
