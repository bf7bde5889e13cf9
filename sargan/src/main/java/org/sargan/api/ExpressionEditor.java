package org.sargan.api;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.data.ImageFolder;
import org.sargan.model.Generator;
import org.sargan.model.Variant;
import org.sargan.nn.SafeTensors;

/**
 * Expression editing for applications: load a trained generator once, then turn any image into another
 * expression. Thread-safe: the weights are only read and each call builds its own tensors.
 *
 * <pre>{@code
 * ExpressionEditor editor = ExpressionEditor.load(Path.of("runs/demo/checkpoint.safetensors"));
 * BufferedImage happy = editor.edit(ImageIO.read(new File("face.png")), Expression.HAPPY);
 * Map<Expression, BufferedImage> all = editor.editAll(face);
 * }</pre>
 *
 * Input images of any size are centre-cropped to a square and resized to the model's size; outputs are at the
 * model's size.
 */
public final class ExpressionEditor {
    private static final int CLASSES = Expression.values().length;
    private final Generator generator;
    private final int size;

    private ExpressionEditor(Generator generator, int size) {
        this.generator = generator;
        this.size = size;
    }

    /**
     * Loads a training checkpoint or a generator-only file written by {@code sargan export}.
     *
     * @throws IOException for a missing, truncated or foreign file, with the reason
     */
    public static ExpressionEditor load(Path file) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        Map<String, String> md = st.metadata();
        boolean training = "sargan-checkpoint-1".equals(md.get("format"));
        if (!training && !"sargan-generator-1".equals(md.get("format"))) {
            throw new IOException(file + " is neither a SARGAN checkpoint nor a generator exported by 'sargan export'");
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        st.tensors().forEach((k, v) -> {
            if (!training) {
                weights.put(k, v);
            } else if (k.startsWith("G.")) {
                weights.put(k.substring(2), v);
            }
        });
        try {
            Generator g = new Generator(new Random(0), Variant.parse(md.get("variant")),
                    Integer.parseInt(md.get("conv_dim")), CLASSES);
            // the reference registers an unused hourglass at generator level; its keys are skipped
            g.loadStateDict(weights, "att_func.");
            return new ExpressionEditor(g, Integer.parseInt(md.get("size")));
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /** Wraps an in-memory generator (tests, training code). */
    public static ExpressionEditor of(Generator generator, int size) {
        return new ExpressionEditor(generator, size);
    }

    /** Side length of the images the model works at. */
    public int size() {
        return size;
    }

    /** The image with the target expression. */
    public BufferedImage edit(BufferedImage image, Expression target) {
        return edit(new BufferedImage[] {image}, new Expression[] {target})[0];
    }

    /** All seven expressions of one image, in {@link Expression} order. */
    public Map<Expression, BufferedImage> editAll(BufferedImage image) {
        BufferedImage[] in = new BufferedImage[CLASSES];
        java.util.Arrays.fill(in, image);
        BufferedImage[] out = edit(in, Expression.values());
        Map<Expression, BufferedImage> m = new EnumMap<>(Expression.class);
        for (Expression e : Expression.values()) {
            m.put(e, out[e.ordinal()]);
        }
        return m;
    }

    /** One batch: images[i] to targets[i]. */
    public BufferedImage[] edit(BufferedImage[] images, Expression[] targets) {
        if (images.length != targets.length || images.length == 0) {
            throw new IllegalArgumentException("edit: " + images.length + " images and " + targets.length
                    + " targets; expected the same positive number");
        }
        int plane = 3 * size * size;
        float[] x = new float[images.length * plane];
        float[] c = new float[images.length * CLASSES];
        for (int i = 0; i < images.length; i++) {
            float[] p = Dataset.toPlanar(ImageFolder.squareResize(images[i], size));
            System.arraycopy(p, 0, x, i * plane, plane);
            c[i * CLASSES + targets[i].ordinal()] = 1f;
        }
        float[] y;
        try (GradMode.Scope s = GradMode.noGrad()) {
            y = generator.forward(Tensor.of(x, images.length, 3, size, size), Tensor.of(c, images.length, CLASSES))
                    .toArray();
        }
        BufferedImage[] out = new BufferedImage[images.length];
        for (int i = 0; i < images.length; i++) {
            out[i] = org.sargan.viz.Pictures.tile(y, i * plane, 3, size, size);
        }
        return out;
    }
}
