package org.sargan.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sargan.api.ExpressionEditor;
import org.sargan.core.Tensor;
import org.sargan.data.Expression;
import org.sargan.data.Images;
import org.sargan.io.IoErrors;
import org.sargan.nn.SafeTensors;
import org.sargan.train.Checkpoint;
import org.sargan.viz.Pictures;

/** {@code sargan translate} (images to other expressions) and {@code sargan export} (the generator alone). */
final class TranslateCommand {
    /** Images per generator pass. */
    private static final int BATCH = 16;

    private TranslateCommand() {
    }

    static void translate(Options opts, PrintStream out) throws IOException {
        opts.required("to");
        List<Target> targets = opts.parsed("to", Target::parseAll);
        Path input = Path.of(opts.required("input"));
        Path checkpoint = opts.has("checkpoint") ? Path.of(opts.string("checkpoint")) : null;
        if (checkpoint != null) {
            IoErrors.requireFile(checkpoint, "--checkpoint");
        }
        Path dir = Path.of(opts.string("out"));
        List<Path> files = new ArrayList<>();
        int subfolders = 0;
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.list(input)) {
                for (Path p : s.sorted().toList()) {
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    } else if (Files.isDirectory(p)) {
                        subfolders++;
                    }
                }
            }
        } else if (Files.isRegularFile(input)) {
            files.add(input);
        } else {
            throw new IOException("--input " + input + ": no such file or folder");
        }
        ExpressionEditor editor = editor(checkpoint);
        Map<Path, String> names = OutputNames.of(files);
        // (image, target) pairs go through the generator in batches of up to BATCH
        List<BufferedImage> batchImages = new ArrayList<>();
        List<Target> batchTargets = new ArrayList<>();
        List<Path> batchNames = new ArrayList<>();
        int written = 0;
        int images = 0;
        List<String> unreadable = new ArrayList<>();
        for (Path f : files) {
            BufferedImage img;
            try {
                img = Images.read(f);
            } catch (Images.UnreadableImageException e) {
                unreadable.add(e.getMessage());
                continue;
            }
            images++;
            for (Target t : targets) {
                batchImages.add(img);
                batchTargets.add(t);
                batchNames.add(dir.resolve(names.get(f) + "_" + t.fileSuffix() + ".png"));
                if (batchImages.size() == BATCH) {
                    written += flush(editor, batchImages, batchTargets, batchNames);
                }
            }
        }
        written += flush(editor, batchImages, batchTargets, batchNames);
        String notes = (unreadable.isEmpty() ? "" : "; skipped " + unreadable.size() + " unreadable files: "
                + String.join("; ", unreadable.subList(0, Math.min(3, unreadable.size())))
                + (unreadable.size() > 3 ? "; ..." : ""))
                + (subfolders == 0 ? "" : "; ignored " + subfolders + " subfolders (only the files directly in "
                + input + " are read)");
        if (written == 0) {
            throw new IllegalArgumentException("no readable image in " + input + notes);
        }
        out.printf("wrote %d images (%d inputs x %d expressions) to %s%s%n", written, images, targets.size(), dir,
                notes);
    }

    /** The editor of {@code checkpoint}, or the built-in model when it is null. */
    static ExpressionEditor editor(Path checkpoint) throws IOException {
        return checkpoint == null ? ExpressionEditor.builtIn() : ExpressionEditor.load(checkpoint);
    }

    /** One {@code --to} target: an expression at a strength in [0, 1] (1 unless written as happy:0.5). */
    record Target(Expression expression, float strength, boolean strengthGiven) {
        /** {@code all}, {@code all:S}, {@code EXPRESSION} or {@code EXPRESSION:S}. */
        static List<Target> parseAll(String text) {
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            float s = colon < 0 ? 1f : strength(text.substring(colon + 1));
            List<Expression> es = name.equalsIgnoreCase("all") ? List.of(Expression.values())
                    : List.of(Expression.parse(name));
            return es.stream().map(e -> new Target(e, s, colon >= 0)).toList();
        }

        private static float strength(String v) {
            float s;
            try {
                s = Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("strength '" + v + "' is not a number; expected 0 to 1, as in "
                        + "happy:0.5");
            }
            if (!(s >= 0f && s <= 1f)) {
                throw new IllegalArgumentException("strength " + v + " is outside 0 to 1 (0 is neutral, 1 the full "
                        + "expression), as in happy:0.5");
            }
            return s;
        }

        /** happy, or happy_0.5 when a strength was written. */
        String fileSuffix() {
            return expression.id() + (strengthGiven ? "_" + strength : "");
        }
    }

    private static int flush(ExpressionEditor editor, List<BufferedImage> images, List<Target> targets,
            List<Path> names) throws IOException {
        if (images.isEmpty()) {
            return 0;
        }
        float[] strengths = new float[targets.size()];
        for (int i = 0; i < strengths.length; i++) {
            strengths[i] = targets.get(i).strength();
        }
        BufferedImage[] res = editor.edit(images.toArray(new BufferedImage[0]),
                targets.stream().map(Target::expression).toArray(Expression[]::new), strengths);
        for (int i = 0; i < res.length; i++) {
            Pictures.writePng(res[i], names.get(i));
        }
        int n = res.length;
        images.clear();
        targets.clear();
        names.clear();
        return n;
    }
}
