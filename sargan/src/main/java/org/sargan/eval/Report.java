package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.sargan.data.Expression;

/**
 * The evaluation's outputs in one folder: {@code report.html} (self-contained: tables, definitions and the
 * pictures as embedded PNGs), {@code metrics.json} and {@code metrics.md}.
 */
public final class Report {
    private static final Expression[] ALL = Expression.values();

    /** A picture with its caption. */
    public record Figure(String title, String caption, BufferedImage image) {
    }

    /** What each number means; the same text goes into the HTML and the Markdown. */
    static final String[][] DEFINITIONS = {
        {"Pairs", "Every test image is edited to each of the other six expressions. On built-in faces the renderer "
            + "draws the same identity with every expression, so each edit has a ground truth."},
        {"Copy baseline", "The unedited input scored against the same ground truth: what a generator that does "
            + "nothing gets. An edit is only better than doing nothing where it beats this column."},
        {"PSNR", "10 log10(1 / MSE) in dB between the edit and the ground truth, on 8-bit images mapped to [0, 1]; "
            + "identical images count as 100 dB. Higher is better."},
        {"SSIM", "Structural similarity (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, valid "
            + "windows, mean over positions and RGB channels. 1 is identical."},
        {"L1", "Mean absolute difference on the [0, 1] scale. Lower is better."},
        {"Cycle", "G(G(x, target), source) against x: how much of the input survives a round trip."},
        {"Expression accuracy", "The share of edits that the expression classifier assigns to their target. The "
            + "classifier is a small CNN trained with this engine on built-in identities that neither training nor "
            + "this test uses; its own accuracy on the real test images is reported beside it, and bounds what the "
            + "edits can reach. Chance is 1/7 = 0.143."},
        {"Identity", "Distances between unit-length features of an identity embedding: a small CNN trained with "
            + "this engine to tell its training identities (see 'judges' above) apart across all their expressions, applied to people it "
            + "never saw. Own: edit to its own input. Other: edit to the inputs of other identities with the same "
            + "expression as its input. AUC = P(own < other), 1 when every edit is nearer its own person than anyone "
            + "else, 0.5 when it cannot be told apart. The real-image row asks the same of real photos of the "
            + "same person with another expression: how well the embedding itself separates people. A do-nothing "
            + "generator scores own distance 0 and AUC 1, so read identity next to expression accuracy."},
        {"Frechet distance (classifier features)", "|mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^1/2) between Gaussians "
            + "fitted to the 64 features of the expression classifier, for edits and for real test images. This is "
            + "FID's formula in our classifier's feature space, not FID: comparable only between runs judged by the "
            + "same classifier file. 'All' pools every class (realism); 'per class' compares edits at target t with "
            + "real images of t and averages over t (realism and expression together); the copy baseline shows the "
            + "per-class distance of unedited inputs."},
    };

    private final String title;
    private final Map<String, String> about;
    private final EvalResult main;
    private final Map<String, EvalResult> styles;
    private final List<Figure> figures;

    public Report(String title, Map<String, String> about, EvalResult main, Map<String, EvalResult> styles,
            List<Figure> figures) {
        this.title = title;
        this.about = about;
        this.main = main;
        this.styles = styles;
        this.figures = figures;
    }

    /** Writes report.html, metrics.json and metrics.md into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.md"), markdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("about", about);
        if (main != null) {
            json.put("test", metrics(main));
        }
        Map<String, Object> st = new LinkedHashMap<>();
        styles.forEach((k, v) -> st.put(k, metrics(v)));
        json.put("out_of_style", st);
        Files.writeString(dir.resolve("metrics.json"), JsonText.write(json), StandardCharsets.UTF_8);
    }

    /** Every number of one result, for metrics.json. */
    public static Map<String, Object> metrics(EvalResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", r.description());
        m.put("sources", r.sources());
        m.put("edits", r.edits());
        m.put("paired", r.paired());
        m.put("psnr", perClass(r.psnr()));
        m.put("ssim", perClass(r.ssim()));
        m.put("l1", perClass(r.l1()));
        m.put("copy_psnr", perClass(r.copyPsnr()));
        m.put("copy_ssim", perClass(r.copySsim()));
        m.put("copy_l1", perClass(r.copyL1()));
        m.put("cycle_psnr", perClass(r.cyclePsnr()));
        m.put("cycle_ssim", perClass(r.cycleSsim()));
        m.put("cycle_l1", perClass(r.cycleL1()));
        m.put("expression_accuracy", r.accuracy());
        m.put("classifier_accuracy_real", r.classifierAccuracy());
        m.put("confusion_generated_target_by_predicted", r.generated());
        m.put("confusion_real_label_by_predicted", r.real());
        m.put("identity_own_distance", r.ownDistance());
        m.put("identity_other_distance", r.otherDistance());
        m.put("identity_auc", r.identityAuc());
        m.put("real_identity_own_distance", r.realOwnDistance());
        m.put("real_identity_other_distance", r.realOtherDistance());
        m.put("real_identity_auc", r.realIdentityAuc());
        m.put("frechet_classifier_features_all", r.frechet());
        m.put("frechet_classifier_features_per_class", r.frechetPerClass());
        m.put("copy_frechet_classifier_features_per_class", r.copyFrechetPerClass());
        m.put("classes", java.util.Arrays.stream(ALL).map(Expression::id).toList());
        return m;
    }

    private static Map<String, Object> perClass(PerClass p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", p.overall());
        double[] per = new double[p.classes()];
        for (int c = 0; c < per.length; c++) {
            per[c] = p.mean(c);
        }
        m.put("per_target", per);
        return m;
    }

    /** Metric | this model | baseline. */
    public static Table summary(EvalResult r) {
        Table t = new Table("metric", "edits", "baseline", "baseline is");
        t.row("PSNR vs ground truth (dB)", Table.num(r.psnr().overall(), 2), Table.num(r.copyPsnr().overall(), 2),
                "copy");
        t.row("SSIM vs ground truth", Table.num(r.ssim().overall(), 4), Table.num(r.copySsim().overall(), 4), "copy");
        t.row("L1 vs ground truth", Table.num(r.l1().overall(), 4), Table.num(r.copyL1().overall(), 4), "copy");
        t.row("cycle PSNR (dB)", Table.num(r.cyclePsnr().overall(), 2), "", "");
        t.row("cycle SSIM", Table.num(r.cycleSsim().overall(), 4), "", "");
        t.row("expression accuracy at target", Table.num(r.accuracy(), 3), Table.num(r.classifierAccuracy(), 3),
                "classifier on real images");
        t.row("identity AUC (own < other)", Table.num(r.identityAuc(), 3), Table.num(r.realIdentityAuc(), 3),
                "real images");
        t.row("identity distance own / other", Table.num(r.ownDistance(), 3) + " / " + Table.num(r.otherDistance(), 3),
                Table.num(r.realOwnDistance(), 3) + " / " + Table.num(r.realOtherDistance(), 3), "real images");
        t.row("Frechet distance, classifier features, all", Table.num(r.frechet(), 2), "", "");
        t.row("Frechet distance, classifier features, per class", Table.num(r.frechetPerClass(), 2),
                Table.num(r.copyFrechetPerClass(), 2), "copy");
        return t;
    }

    static Table perTarget(EvalResult r) {
        Table t = new Table("target", "pairs", "PSNR", "copy PSNR", "SSIM", "copy SSIM", "L1", "copy L1",
                "cycle PSNR", "accuracy");
        for (Expression e : ALL) {
            int c = e.ordinal();
            t.row(e.id(), Integer.toString(r.cyclePsnr().count(c)), Table.num(r.psnr().mean(c), 2),
                    Table.num(r.copyPsnr().mean(c), 2), Table.num(r.ssim().mean(c), 4),
                    Table.num(r.copySsim().mean(c), 4), Table.num(r.l1().mean(c), 4), Table.num(r.copyL1().mean(c), 4),
                    Table.num(r.cyclePsnr().mean(c), 2), Table.num(Ranking.classAccuracy(r.generated(), c), 3));
        }
        return t;
    }

    static Table confusion(int[][] m, String rowName) {
        String[] header = new String[ALL.length + 1];
        header[0] = rowName + " \\ predicted";
        for (Expression e : ALL) {
            header[e.ordinal() + 1] = e.id();
        }
        Table t = new Table(header);
        for (Expression e : ALL) {
            String[] row = new String[ALL.length + 1];
            row[0] = e.id();
            for (int j = 0; j < ALL.length; j++) {
                row[j + 1] = Integer.toString(m[e.ordinal()][j]);
            }
            t.row(row);
        }
        return t;
    }

    static Table styleTable(Map<String, EvalResult> styles) {
        Table t = new Table("style", "classifier on real", "expression accuracy", "PSNR", "copy PSNR", "SSIM",
                "copy SSIM", "identity AUC", "real identity AUC");
        styles.forEach((k, r) -> t.row(k, Table.num(r.classifierAccuracy(), 3), Table.num(r.accuracy(), 3),
                Table.num(r.psnr().overall(), 2), Table.num(r.copyPsnr().overall(), 2), Table.num(r.ssim().overall(), 4),
                Table.num(r.copySsim().overall(), 4), Table.num(r.identityAuc(), 3), Table.num(r.realIdentityAuc(), 3)));
        return t;
    }

    /** One heading with an optional text and an optional table; both renderings walk the same list. */
    private record Section(String heading, Table table, String text) {
    }

    private List<Section> sections() {
        List<Section> s = new ArrayList<>();
        Table a = new Table("", "");
        about.forEach((k, v) -> a.row(k, v));
        s.add(new Section("What was evaluated", a, null));
        if (main != null) {
            s.add(new Section("Summary", summary(main), main.description() + "; " + main.edits() + " edits of "
                    + main.sources() + " images." + (main.paired() ? "" : " No file shares its identity across class "
                    + "folders, so there is no ground truth: PSNR, SSIM and L1 against ground truth are not "
                    + "available; the cycle, expression, identity and Frechet measures are.")));
            s.add(new Section("Per target expression", perTarget(main), null));
            s.add(new Section("Confusion of the edits (rows: target)", confusion(main.generated(), "target"), null));
            s.add(new Section("Confusion of the classifier on real test images (rows: true expression)",
                confusion(main.real(), "true"), null));
        }
        if (!styles.isEmpty()) {
            s.add(new Section("Out of style: built-in faces drawn in looks training never had", styleTable(styles),
                "statue: grey stone, no colour; flat: four levels per channel, no gradients or grain; photo: strong "
                    + "side light, warm cast, sensor noise. The ground truth is the same identity and style with the "
                    + "target expression. Where the classifier on real styled images is far below its accuracy on "
                    + "normal renders, the expression accuracy of that style is not a fair measure."));
        }
        return s;
    }

    String markdown() {
        StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
        for (Section sec : sections()) {
            b.append("## ").append(sec.heading()).append("\n\n");
            if (sec.text() != null) {
                b.append(sec.text()).append("\n\n");
            }
            if (sec.table() != null) {
                b.append(sec.table().markdown()).append('\n');
            }
        }
        b.append("## Definitions\n\n");
        for (String[] d : DEFINITIONS) {
            b.append("- **").append(d[0]).append("**: ").append(d[1]).append('\n');
        }
        b.append("\nPictures: report.html.\n");
        return b.toString();
    }

    String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Table.escape(title)).append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;"
                + "margin:2em auto;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px "
                + "solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
                + "img{image-rendering:pixelated;border:1px solid #ddd}dt{font-weight:bold;margin-top:0.5em}"
                + "</style></head><body>\n<h1>").append(Table.escape(title)).append("</h1>\n");
        for (Section sec : sections()) {
            b.append("<h2>").append(Table.escape(sec.heading())).append("</h2>\n");
            if (sec.text() != null) {
                b.append("<p>").append(Table.escape(sec.text())).append("</p>\n");
            }
            if (sec.table() != null) {
                b.append(sec.table().html());
            }
        }
        for (Figure f : figures) {
            b.append("<h2>").append(Table.escape(f.title())).append("</h2>\n<p>").append(Table.escape(f.caption()))
                    .append("</p>\n<img alt=\"").append(Table.escape(f.title())).append("\" src=\"data:image/png;base64,")
                    .append(png(f.image())).append("\">\n");
        }
        b.append("<h2>Definitions</h2>\n<dl>\n");
        for (String[] d : DEFINITIONS) {
            b.append("<dt>").append(Table.escape(d[0])).append("</dt><dd>").append(Table.escape(d[1]))
                    .append("</dd>\n");
        }
        return b.append("</dl>\n</body></html>\n").toString();
    }

    static String png(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("PNG encoding in memory failed", e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
