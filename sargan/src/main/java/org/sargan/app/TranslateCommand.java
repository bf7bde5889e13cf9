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
        String to = opts.required("to");
        List<Expression> targets = to.equalsIgnoreCase("all") ? List.of(Expression.values())
                : List.of(opts.parsed("to", Expression::parse));
        Path input = Path.of(opts.required("input"));
        Path checkpoint = Path.of(opts.required("checkpoint"));
        IoErrors.requireFile(checkpoint, "--checkpoint");
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
        ExpressionEditor editor = ExpressionEditor.load(checkpoint);
        Map<Path, String> names = OutputNames.of(files);
        // (image, target) pairs go through the generator in batches of up to BATCH
        List<BufferedImage> batchImages = new ArrayList<>();
        List<Expression> batchTargets = new ArrayList<>();
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
            for (Expression t : targets) {
                batchImages.add(img);
                batchTargets.add(t);
                batchNames.add(dir.resolve(names.get(f) + "_" + t.id() + ".png"));
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

    private static int flush(ExpressionEditor editor, List<BufferedImage> images, List<Expression> targets,
            List<Path> names) throws IOException {
        if (images.isEmpty()) {
            return 0;
        }
        BufferedImage[] res = editor.edit(images.toArray(new BufferedImage[0]), targets.toArray(new Expression[0]));
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
