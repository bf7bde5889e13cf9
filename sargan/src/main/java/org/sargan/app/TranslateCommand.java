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
import javax.imageio.ImageIO;
import org.sargan.api.ExpressionEditor;
import org.sargan.core.Tensor;
import org.sargan.data.Expression;
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
        ExpressionEditor editor = ExpressionEditor.load(Path.of(opts.required("checkpoint")));
        String to = opts.required("to");
        List<Expression> targets = to.equalsIgnoreCase("all") ? List.of(Expression.values())
                : List.of(Expression.parse(to));
        Path input = Path.of(opts.required("input"));
        Path dir = Path.of(opts.string("out", "runs/translated"));
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.list(input)) {
                files.addAll(s.filter(Files::isRegularFile).sorted().toList());
            }
        } else if (Files.isRegularFile(input)) {
            files.add(input);
        } else {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        // (image, target) pairs go through the generator in batches of up to BATCH
        List<BufferedImage> batchImages = new ArrayList<>();
        List<Expression> batchTargets = new ArrayList<>();
        List<Path> batchNames = new ArrayList<>();
        int written = 0;
        int skipped = 0;
        for (Path f : files) {
            BufferedImage img = readImage(f);
            if (img == null) {
                skipped++;
                continue;
            }
            for (Expression t : targets) {
                batchImages.add(img);
                batchTargets.add(t);
                String base = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                batchNames.add(dir.resolve(base + "_" + t.id() + ".png"));
                if (batchImages.size() == BATCH) {
                    written += flush(editor, batchImages, batchTargets, batchNames);
                }
            }
        }
        written += flush(editor, batchImages, batchTargets, batchNames);
        if (written == 0) {
            throw new IllegalArgumentException("no readable image in " + input
                    + (skipped > 0 ? " (" + skipped + " unreadable files)" : ""));
        }
        out.printf("wrote %d images to %s%s%n", written, dir, skipped > 0 ? "; skipped " + skipped
                + " unreadable files" : "");
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

    private static BufferedImage readImage(Path f) {
        try {
            return ImageIO.read(f.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    static void export(Options opts, PrintStream out) throws IOException {
        Checkpoint.Loaded ck = Checkpoint.load(Path.of(opts.required("checkpoint")));
        Path file = Path.of(opts.required("out"));
        Map<String, String> md = new java.util.LinkedHashMap<>();
        md.put("format", "sargan-generator-1");
        md.put("variant", ck.config().variant().id());
        md.put("conv_dim", Integer.toString(ck.config().convDim()));
        md.put("size", Integer.toString(ck.config().size()));
        md.put("iteration", Integer.toString(ck.iteration()));
        Map<String, Tensor> g = ck.g();
        SafeTensors.write(file, g, md);
        out.printf("wrote the generator (%d tensors, iteration %d) to %s%n", g.size(), ck.iteration(), file);
    }
}
