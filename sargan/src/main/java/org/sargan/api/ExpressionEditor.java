package org.sargan.api;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
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
 * BufferedImage halfSmile = editor.edit(face, Expression.HAPPY, 0.5f);
 * ExpressionEditor builtIn = ExpressionEditor.builtIn();   // the model in the jar, no file needed
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
    /** Classpath resource of the built-in generator (float16 safetensors, trained on the built-in faces). */
    public static final String BUILT_IN = "/org/sargan/pretrained/sargan-builtin.safetensors";
    /** Classpath resource that records how the built-in generator was trained. */
    public static final String BUILT_IN_PROVENANCE = "/org/sargan/pretrained/sargan-builtin.json";

    /**
     * The generator shipped in the jar ({@link #BUILT_IN}), trained on the built-in renderer's faces.
     *
     * @throws IllegalStateException when the jar was built without it
     * @throws IOException when the resource is there but cannot be read
     */
    public static ExpressionEditor builtIn() throws IOException {
        return fromResource(BUILT_IN);
    }

    /** The provenance record of the built-in generator ({@link #BUILT_IN_PROVENANCE}): command, seed, commit. */
    public static String builtInProvenance() throws IOException {
        try (InputStream in = ExpressionEditor.class.getResourceAsStream(BUILT_IN_PROVENANCE)) {
            if (in == null) {
                throw missing(BUILT_IN_PROVENANCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Loads a generator from a classpath resource, or says that the jar was built without it. */
    static ExpressionEditor fromResource(String resource) throws IOException {
        try (InputStream in = ExpressionEditor.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw missing(resource);
            }
            try {
                return load(in);
            } catch (WeightFileException e) {
                // the message names the temporary copy; say which resource it was
                throw new WeightFileException("the jar's " + resource + " cannot be used: " + e.getMessage());
            }
        }
    }

    /**
     * Loads a generator from a stream holding any file {@link #load(Path)} reads: the bytes are copied to a
     * temporary file, read as that file, and the file deleted.
     */
    public static ExpressionEditor load(InputStream in) throws IOException {
        Path tmp = Files.createTempFile("sargan-generator", ".safetensors");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return load(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static IllegalStateException missing(String resource) {
        return new IllegalStateException("this jar was built without the built-in model (classpath resource "
                + resource + " is absent); give a generator file instead, e.g. --checkpoint "
                + "runs/demo/checkpoint.safetensors");
    }

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

    /**
     * The image with the target expression at a strength from 0 (neutral) to 1 (the full target). The label fed to
     * the generator is {@code (1 - s) * onehot(NEUTRAL) + s * onehot(target)}: an inference-time extension, not in
     * the paper, which trains on one-hot labels only; in between, the edit is whatever the generator makes of a
     * mixed label.
     */
    public BufferedImage edit(BufferedImage image, Expression target, float strength) {
        return edit(new BufferedImage[] {image}, new Expression[] {target}, new float[] {strength})[0];
    }

    /** The label for {@code target} at {@code strength}, written into {@code c} at {@code offset}. */
    static void label(float[] c, int offset, Expression target, float strength) {
        if (!(strength >= 0f && strength <= 1f)) {
            throw new IllegalArgumentException("strength " + strength + " for " + target.id()
                    + " is outside [0, 1] (0 is neutral, 1 the full expression)");
        }
        // neutral at any strength is neutral's one-hot exactly ((1 - s) + s need not round to 1)
        if (target == Expression.NEUTRAL) {
            c[offset + target.ordinal()] = 1f;
            return;
        }
        c[offset + Expression.NEUTRAL.ordinal()] += 1f - strength;
        c[offset + target.ordinal()] += strength;
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
        float[] full = new float[targets.length];
        Arrays.fill(full, 1f);
        return edit(images, targets, full);
    }

    /** One batch: images[i] to targets[i] at strengths[i] (see {@link #edit(BufferedImage, Expression, float)}). */
    public BufferedImage[] edit(BufferedImage[] images, Expression[] targets, float[] strengths) {
        if (images.length != targets.length || images.length != strengths.length || images.length == 0) {
            throw new IllegalArgumentException("edit: " + images.length + " images, " + targets.length
                    + " targets and " + strengths.length + " strengths; expected the same positive number");
        }
        float[] c = new float[images.length * CLASSES];
        for (int i = 0; i < images.length; i++) {
            label(c, i * CLASSES, targets[i], strengths[i]);
        }
        int plane = 3 * size * size;
        float[] x = new float[images.length * plane];
        for (int i = 0; i < images.length; i++) {
            float[] p = Dataset.toPlanar(ImageFolder.squareResize(images[i], size));
            System.arraycopy(p, 0, x, i * plane, plane);
        }
        float[] y;
        // in a memory scope: each activation is freed once the next is made, and the rest when the scope closes
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope s = GradMode.noGrad()) {
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
