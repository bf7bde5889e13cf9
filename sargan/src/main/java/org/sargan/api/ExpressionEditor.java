package org.sargan.api;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.data.ImageFolder;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.nn.WeightFile;
import org.sargan.nn.WeightFileException;
import org.sargan.viz.Pictures;

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

    /** The size the authors' model works at, for files that do not record one (PyTorch files never do). */
    public static final int DEFAULT_SIZE = 128;

    /**
     * Loads a generator from any file the project reads, recognised by content: a SARGAN training checkpoint, a
     * generator written by {@code sargan export} (safetensors or PyTorch), or the authors' {@code torch.save} files
     * such as their released {@code sargan_G.ckpt} (zip or legacy layout). The variant, conv_dim and classes are
     * read from the weights' keys and shapes; the image size from the file's metadata, else {@link #DEFAULT_SIZE}.
     *
     * @throws IOException for a missing, truncated, foreign or non-finite file, with the reason
     */
    public static ExpressionEditor load(Path file) throws IOException {
        WeightFile wf = WeightFile.read(file);
        Map<String, String> md = wf.metadata();
        boolean training = "sargan-checkpoint-1".equals(md.get("format"));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        wf.tensors().forEach((k, v) -> {
            if (!training) {
                weights.put(k, v);
            } else if (k.startsWith("G.")) {
                weights.put(k.substring(2), v);
            }
        });
        try {
            Generator g = ReferenceLayout.generator(weights);
            if (g.classes() != CLASSES) {
                throw new IllegalArgumentException("the generator has " + g.classes() + " classes; the editor needs "
                        + CLASSES + " (" + Arrays.toString(Expression.values()).toLowerCase() + ")");
            }
            int size = md.containsKey("size") ? Integer.parseInt(md.get("size")) : DEFAULT_SIZE;
            if (size < 32 || size % 16 != 0) {
                throw new IllegalArgumentException("metadata size " + size + " is not a multiple of 16, at least 32");
            }
            return new ExpressionEditor(g, size);
        } catch (RuntimeException e) {
            throw new WeightFileException(file + " (" + wf.format() + "): " + e.getMessage());
        }
    }

    /** The generator, e.g. for {@code sargan export}. */
    public Generator generator() {
        return generator;
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
        Arrays.fill(in, image);
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
            out[i] = Pictures.tile(y, i * plane, 3, size, size);
        }
        return out;
    }
}
