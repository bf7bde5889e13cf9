package org.sargan.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Losses;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticDataset;
import org.sargan.nn.Adam;
import org.sargan.nn.SafeTensors;

/**
 * The evaluation's two judges, both {@link ProbeNet}s trained with the engine on built-in identities that neither
 * the GAN's training nor its test set contains ({@link BuiltIn}):
 * <ul>
 *   <li>the expression classifier: 7 classes, trained on every expression of its identities;</li>
 *   <li>the identity embedding: the features of a net trained to tell its training identities apart from all
 *       seven expressions of each, so that the features follow the person and not the expression. Applied to
 *       people it never saw, as face recognition is; the features are scaled to unit length.</li>
 * </ul>
 * Saved together in one safetensors file ({@code expression.*}, {@code identity.*}).
 */
public final class Judges {
    static final String FORMAT = "sargan-judges-1";
    private static final int CLASSES = Expression.values().length;
    private static final int BATCH = 32;
    private static final int INFER_BATCH = 64;

    /** How the judges are trained; {@link #defaults()} is what eval and the ablation use. */
    public record Settings(int classifierIdentities, int identityIdentities, int classifierIterations,
            int identityIterations, long seed) {
        /** Measured at 32 px: 93% held-out accuracy, about a minute on 2 cores for both. */
        public static Settings defaults() {
            return new Settings(100, 100, 2000, 600, 7);
        }
    }

    private final ProbeNet expression;
    private final ProbeNet identity;
    private final Map<String, String> info;

    private Judges(ProbeNet expression, ProbeNet identity, Map<String, String> info) {
        this.expression = expression;
        this.identity = identity;
        this.info = info;
    }

    /** Trains both judges on built-in faces at image size {@code size}, printing progress to {@code log}. */
    public static Judges train(int size, Settings s, PrintStream log) {
        return train(size, s, new SyntheticDataset(BuiltIn.CLASSIFIER_SEED, s.classifierIdentities(), size),
                s.classifierIdentities() + " built-in identities from seed " + BuiltIn.CLASSIFIER_SEED, log);
    }

    /**
     * Trains the expression classifier on {@code exprData} (described by {@code exprSource} in the report) and the
     * identity embedding on built-in faces.
     */
    public static Judges train(int size, Settings s, Dataset exprData, String exprSource, PrintStream log) {
        if (exprData.imageSize() != size) {
            throw new IllegalArgumentException("classifier data is " + exprData.imageSize() + " px, expected " + size);
        }
        Random rng = new Random(s.seed());
        long start = System.nanoTime();
        ProbeNet expression = new ProbeNet(rng, size, CLASSES);
        fit(expression, exprData, exprData::label, s.classifierIterations(), rng, "expression classifier", log);
        SyntheticDataset idData = new SyntheticDataset(BuiltIn.IDENTITY_SEED, s.identityIdentities(), size);
        ProbeNet identity = new ProbeNet(rng, size, s.identityIdentities());
        fit(identity, idData, i -> i / CLASSES, s.identityIterations(), rng, "identity embedding", log);
        Map<String, String> info = new LinkedHashMap<>();
        info.put("size", Integer.toString(size));
        info.put("classifier_data", exprSource);
        info.put("identity_identities", s.identityIdentities() + " built-in identities from seed "
                + BuiltIn.IDENTITY_SEED);
        info.put("iterations", s.classifierIterations() + " (classifier), " + s.identityIterations()
                + " (identity), batch " + BATCH + ", Adam lr 1e-3");
        info.put("train_seconds", String.format("%.0f", (System.nanoTime() - start) / 1e9));
        return new Judges(expression, identity, info);
    }

    /** Adam (lr 1e-3) on softmax cross-entropy, batches of 32 with random flips and shifts of up to S/16 px. */
    private static void fit(ProbeNet net, Dataset data, IntUnaryOperator label, int iterations,
            Random rng, String name, PrintStream log) {
        Adam opt = new Adam(net, 1e-3f, 0.9f, 0.999f);
        int s = data.imageSize();
        int shift = Math.max(1, s / 16);
        double running = Double.NaN;
        for (int it = 1; it <= iterations; it++) {
            float[] x = new float[BATCH * 3 * s * s];
            int[] y = new int[BATCH];
            for (int b = 0; b < BATCH; b++) {
                int k = rng.nextInt(data.size());
                y[b] = label.applyAsInt(k);
                augment(data.image(k), s, rng.nextBoolean(), rng.nextInt(2 * shift + 1) - shift,
                        rng.nextInt(2 * shift + 1) - shift, x, b * 3 * s * s);
            }
            net.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.logits(net.features(Tensor.of(x, BATCH, 3, s, s))), y);
            loss.backward();
            opt.step();
            running = Double.isNaN(running) ? loss.item() : 0.95 * running + 0.05 * loss.item();
            if (it % 250 == 0 || it == iterations) {
                log.printf("%s: it %d/%d  loss %.4f%n", name, it, iterations, running);
            }
        }
    }

    /** Copies a (3, s, s) image into {@code out} at {@code off}, flipped and shifted with edge replication. */
    static void augment(float[] img, int s, boolean flip, int dx, int dy, float[] out, int off) {
        int plane = s * s;
        for (int c = 0; c < 3; c++) {
            for (int yy = 0; yy < s; yy++) {
                int sy = Math.max(0, Math.min(s - 1, yy - dy));
                for (int xx = 0; xx < s; xx++) {
                    int sx = Math.max(0, Math.min(s - 1, xx - dx));
                    out[off + c * plane + yy * s + xx] = img[c * plane + sy * s + (flip ? s - 1 - sx : sx)];
                }
            }
        }
    }

    public int size() {
        return expression.size();
    }

    /** How the judges were trained, for the report. */
    public Map<String, String> info() {
        return info;
    }

    /** The expression classifier's predicted class per image. */
    public int[] classify(List<float[]> images) {
        double[][] logits = run(images, expression, true);
        int[] out = new int[logits.length];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int k = 1; k < CLASSES; k++) {
                if (logits[i][k] > logits[i][best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The expression classifier's features (N, {@link ProbeNet#FEATURES}), for the Fréchet distance. */
    public double[][] expressionFeatures(List<float[]> images) {
        return run(images, expression, false);
    }

    /** Unit-length identity features (N, {@link ProbeNet#FEATURES}). */
    public double[][] identityFeatures(List<float[]> images) {
        double[][] f = run(images, identity, false);
        for (double[] row : f) {
            double n = 0;
            for (double v : row) {
                n += v * v;
            }
            n = Math.sqrt(n);
            for (int j = 0; j < row.length; j++) {
                row[j] = n > 0 ? row[j] / n : 0;
            }
        }
        return f;
    }

    private static double[][] run(List<float[]> images, ProbeNet net, boolean logits) {
        int s = net.size();
        int plane = 3 * s * s;
        double[][] out = new double[images.size()][];
        try (GradMode.Scope sc = GradMode.noGrad()) {
            for (int start = 0; start < images.size(); start += INFER_BATCH) {
                int n = Math.min(INFER_BATCH, images.size() - start);
                float[] x = new float[n * plane];
                for (int i = 0; i < n; i++) {
                    float[] img = images.get(start + i);
                    if (img.length != plane) {
                        throw new IllegalArgumentException("judges work at " + s + " px; image " + (start + i)
                                + " has " + img.length + " values, expected " + plane);
                    }
                    System.arraycopy(img, 0, x, i * plane, plane);
                }
                Tensor f = net.features(Tensor.of(x, n, 3, s, s));
                Tensor y = logits ? net.logits(f) : f;
                float[] v = y.toArray();
                int w = y.dim(1);
                for (int i = 0; i < n; i++) {
                    double[] row = new double[w];
                    for (int j = 0; j < w; j++) {
                        row[j] = v[i * w + j];
                    }
                    out[start + i] = row;
                }
            }
        }
        return out;
    }

    public void save(Path file) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        expression.stateDict().forEach((k, v) -> t.put("expression." + k, v));
        identity.stateDict().forEach((k, v) -> t.put("identity." + k, v));
        Map<String, String> md = new LinkedHashMap<>(info);
        md.put("format", FORMAT);
        md.put("identity_classes", Integer.toString(identity.classes()));
        SafeTensors.write(file, t, md);
    }

    public static Judges load(Path file) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        Map<String, String> md = new LinkedHashMap<>(st.metadata());
        if (!FORMAT.equals(md.get("format"))) {
            throw new IOException(file + " is not a classifier file written by 'sargan classifier train' (format '"
                    + md.get("format") + "')");
        }
        try {
            int size = Integer.parseInt(md.get("size"));
            ProbeNet expression = new ProbeNet(new Random(0), size, CLASSES);
            ProbeNet identity = new ProbeNet(new Random(0), size, Integer.parseInt(md.get("identity_classes")));
            expression.loadStateDict(prefixed(st.tensors(), "expression."));
            identity.loadStateDict(prefixed(st.tensors(), "identity."));
            md.remove("format");
            md.remove("identity_classes");
            md.put("file", file.toString());
            return new Judges(expression, identity, md);
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        return m;
    }
}
