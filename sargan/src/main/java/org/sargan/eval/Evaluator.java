package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.viz.Pictures;

/**
 * Runs an {@link Editor} over an {@link EvalSet}: every image to each of the other six expressions, and each edit
 * back to its source expression (the cycle), then scores the edits against ground truth, the expression classifier
 * and the identity embedding. Only numbers are kept, so memory does not grow with the image size.
 */
public final class Evaluator {
    private static final int CLASSES = Expression.values().length;
    /** Sources per editor call: 4 x 6 targets = 24 images per batch. */
    private static final int SOURCES_PER_BATCH = 4;

    private Evaluator() {
    }

    public static EvalResult evaluate(EvalSet set, Editor editor, Judges judges, PrintStream log) {
        if (judges.size() != set.imageSize()) {
            throw new IllegalArgumentException("the judges work at " + judges.size() + " px, the images are "
                    + set.imageSize() + " px; train judges at the model's size (sargan classifier train --size "
                    + set.imageSize() + ")");
        }
        List<EvalSet.Sample> samples = set.samples();
        ImageScores scores = new ImageScores(set.imageSize());
        List<Integer> editSource = new ArrayList<>();
        List<Integer> editTarget = new ArrayList<>();
        List<Integer> predicted = new ArrayList<>();
        List<double[]> editFeatures = new ArrayList<>();
        List<double[]> editIdentity = new ArrayList<>();
        long start = System.nanoTime();
        for (int first = 0; first < samples.size(); first += SOURCES_PER_BATCH) {
            int last = Math.min(samples.size(), first + SOURCES_PER_BATCH);
            List<float[]> outPlanar = editBatch(set, editor, first, last, scores, editSource, editTarget);
            for (int p : judges.classify(outPlanar)) {
                predicted.add(p);
            }
            editFeatures.addAll(List.of(judges.expressionFeatures(outPlanar)));
            editIdentity.addAll(List.of(judges.identityFeatures(outPlanar)));
            if (log != null && (last == samples.size() || (last / SOURCES_PER_BATCH) % 10 == 0)) {
                log.printf("evaluated %d/%d sources (%.0f s)%n", last, samples.size(), (System.nanoTime() - start) / 1e9);
            }
        }
        List<float[]> realImages = samples.stream().map(EvalSet.Sample::image).toList();
        int[] realLabels = samples.stream().mapToInt(EvalSet.Sample::label).toArray();
        int[][] real = Ranking.confusion(realLabels, judges.classify(realImages), CLASSES);
        int[][] generated = Ranking.confusion(editTarget.stream().mapToInt(Integer::intValue).toArray(),
                predicted.stream().mapToInt(Integer::intValue).toArray(), CLASSES);
        double[][] realFeatures = judges.expressionFeatures(realImages);
        double[][] realIdentity = judges.identityFeatures(realImages);

        Identity id = identity(samples, editSource, editIdentity, realIdentity);
        Identity realId = set.paired() ? realIdentity(samples, realIdentity) : null;
        double[][] edited = editFeatures.toArray(new double[0][]);
        return new EvalResult(set.description(), samples.size(), editTarget.size(), set.paired(), scores.psnr,
                scores.ssim, scores.l1, scores.copyPsnr, scores.copySsim, scores.copyL1, scores.cyclePsnr,
                scores.cycleSsim, scores.cycleL1, generated, real,
                id.own(), id.other(), id.auc(), realId == null ? Double.NaN : realId.own(),
                realId == null ? Double.NaN : realId.other(), realId == null ? Double.NaN : realId.auc(),
                frechetOrNaN(edited, realFeatures),
                perClassFrechet(edited, editTarget, realFeatures, realLabels),
                perClassFrechet(copies(realFeatures, editSource), editTarget, realFeatures, realLabels));
    }

    /**
     * Edits samples [first, last) to each other expression and back, scores the images, records which source
     * and target each edit had, and returns the edits (planar).
     */
    private static List<float[]> editBatch(EvalSet set, Editor editor, int first, int last, ImageScores scores,
            List<Integer> editSource, List<Integer> editTarget) {
        List<EvalSet.Sample> samples = set.samples();
        int s = set.imageSize();
        List<BufferedImage> in = new ArrayList<>();
        List<Expression> trg = new ArrayList<>();
        List<Expression> org = new ArrayList<>();
        List<Integer> src = new ArrayList<>();
        for (int i = first; i < last; i++) {
            BufferedImage img = Pictures.tile(samples.get(i).image(), 0, 3, s, s);
            for (Expression t : Expression.values()) {
                if (t.ordinal() != samples.get(i).label()) {
                    in.add(img);
                    trg.add(t);
                    org.add(Expression.values()[samples.get(i).label()]);
                    src.add(i);
                }
            }
        }
        BufferedImage[] out = editor.edit(in.toArray(new BufferedImage[0]), trg.toArray(new Expression[0]));
        BufferedImage[] rec = editor.edit(out, org.toArray(new Expression[0]));
        List<float[]> outPlanar = new ArrayList<>();
        for (int k = 0; k < out.length; k++) {
            EvalSet.Sample source = samples.get(src.get(k));
            int t = trg.get(k).ordinal();
            float[] y = Dataset.toPlanar(out[k]);
            outPlanar.add(y);
            EvalSet.Sample truth = set.truth(source.identity(), t);
            scores.add(t, y, Dataset.toPlanar(rec[k]), source.image(), truth == null ? null : truth.image());
            editSource.add(src.get(k));
            editTarget.add(t);
        }
        return outPlanar;
    }

    /** Edit vs ground truth, copy vs ground truth, and cycle vs input, per target class. */
    private static final class ImageScores {
        final int size;
        final PerClass psnr = new PerClass(CLASSES);
        final PerClass ssim = new PerClass(CLASSES);
        final PerClass l1 = new PerClass(CLASSES);
        final PerClass copyPsnr = new PerClass(CLASSES);
        final PerClass copySsim = new PerClass(CLASSES);
        final PerClass copyL1 = new PerClass(CLASSES);
        final PerClass cyclePsnr = new PerClass(CLASSES);
        final PerClass cycleSsim = new PerClass(CLASSES);
        final PerClass cycleL1 = new PerClass(CLASSES);

        ImageScores(int size) {
            this.size = size;
        }

        /** @param truth the ground truth of the edit, or null when the set has none */
        void add(int t, float[] edit, float[] rec, float[] source, float[] truth) {
            // SSIM needs an 11x11 window inside the image; smaller images report it as n/a
            boolean ssimFits = size >= ImageMetrics.SSIM_WINDOW;
            cyclePsnr.add(t, ImageMetrics.psnr(rec, source));
            cycleL1.add(t, ImageMetrics.l1(rec, source));
            if (ssimFits) {
                cycleSsim.add(t, ImageMetrics.ssim(rec, source, size));
            }
            if (truth == null) {
                return;
            }
            psnr.add(t, ImageMetrics.psnr(edit, truth));
            l1.add(t, ImageMetrics.l1(edit, truth));
            copyPsnr.add(t, ImageMetrics.psnr(source, truth));
            copyL1.add(t, ImageMetrics.l1(source, truth));
            if (ssimFits) {
                ssim.add(t, ImageMetrics.ssim(edit, truth, size));
                copySsim.add(t, ImageMetrics.ssim(source, truth, size));
            }
        }
    }

    /** Mean own and other distances and their AUC. */
    record Identity(double own, double other, double auc) {
    }

    /**
     * Own: edit to its source. Other: edit to every source of another identity with the same expression as its
     * own source (any other identity's image when the set has a single expression per identity).
     */
    static Identity identity(List<EvalSet.Sample> samples, List<Integer> editSource, List<double[]> editIdentity,
            double[][] realIdentity) {
        double[] own = new double[editSource.size()];
        List<Double> other = new ArrayList<>();
        boolean sameLabelExists = samples.stream().map(EvalSet.Sample::identity).distinct().count() < samples.size();
        for (int k = 0; k < own.length; k++) {
            EvalSet.Sample src = samples.get(editSource.get(k));
            own[k] = Ranking.distance(editIdentity.get(k), realIdentity[editSource.get(k)]);
            for (int j = 0; j < samples.size(); j++) {
                EvalSet.Sample o = samples.get(j);
                if (!o.identity().equals(src.identity()) && (!sameLabelExists || o.label() == src.label())) {
                    other.add(Ranking.distance(editIdentity.get(k), realIdentity[j]));
                }
            }
        }
        return summarise(own, other);
    }

    /** The same question between real images: another expression of the same person vs other people. */
    static Identity realIdentity(List<EvalSet.Sample> samples, double[][] f) {
        List<Double> own = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            for (int j = 0; j < samples.size(); j++) {
                if (i == j || samples.get(i).label() == samples.get(j).label()) {
                    continue;
                }
                double d = Ranking.distance(f[i], f[j]);
                (samples.get(i).identity().equals(samples.get(j).identity()) ? own : other).add(d);
            }
        }
        if (own.isEmpty()) {
            return null;
        }
        return summarise(own.stream().mapToDouble(Double::doubleValue).toArray(), other);
    }

    private static Identity summarise(double[] own, List<Double> other) {
        double[] o = other.stream().mapToDouble(Double::doubleValue).toArray();
        if (own.length == 0 || o.length == 0) {
            return new Identity(Double.NaN, Double.NaN, Double.NaN);
        }
        return new Identity(java.util.Arrays.stream(own).average().orElse(Double.NaN),
                java.util.Arrays.stream(o).average().orElse(Double.NaN), Ranking.auc(own, o));
    }

    private static double[][] copies(double[][] realFeatures, List<Integer> editSource) {
        double[][] c = new double[editSource.size()][];
        for (int k = 0; k < c.length; k++) {
            c[k] = realFeatures[editSource.get(k)];
        }
        return c;
    }

    /** Mean over target classes of FD(edits at t, real images of t); classes with fewer than 2 of either skipped. */
    static double perClassFrechet(double[][] edits, List<Integer> editTarget, double[][] real, int[] realLabels) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < CLASSES; t++) {
            List<double[]> e = new ArrayList<>();
            List<double[]> r = new ArrayList<>();
            for (int k = 0; k < edits.length; k++) {
                if (editTarget.get(k) == t) {
                    e.add(edits[k]);
                }
            }
            for (int i = 0; i < real.length; i++) {
                if (realLabels[i] == t) {
                    r.add(real[i]);
                }
            }
            double fd = frechetOrNaN(e.toArray(new double[0][]), r.toArray(new double[0][]));
            if (!Double.isNaN(fd)) {
                sum += fd;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double frechetOrNaN(double[][] a, double[][] b) {
        return a.length < 2 || b.length < 2 ? Double.NaN : FrechetDistance.between(a, b);
    }
}
