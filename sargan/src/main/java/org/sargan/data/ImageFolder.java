package org.sargan.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in one folder per expression, named by KDEF code (AFS, ANS, ...) or plain name (afraid or fearful, angry,
 * ...), case-insensitive. Any format ImageIO reads (PNG, JPEG, BMP), grey or with alpha, is converted to RGB,
 * centre-cropped to a square and resized. Unreadable files are skipped and counted.
 */
public final class ImageFolder implements Dataset {
    private final int size;
    private final List<float[]> images = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final int skipped;
    private final List<Expression> classes;

    /**
     * @param onlyPresent train on the class folders that exist instead of requiring all seven
     * @throws IllegalArgumentException naming missing class folders, or when no image can be read
     */
    public ImageFolder(Path root, int size, boolean onlyPresent) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("data folder " + root + " does not exist or is not a folder");
        }
        this.size = size;
        Map<Expression, Path> folders = new EnumMap<>(Expression.class);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                Expression e = Expression.match(p.getFileName().toString());
                if (e != null) {
                    folders.put(e, p);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Expression e : Expression.values()) {
            if (!folders.containsKey(e)) {
                missing.add(e.id() + " (" + e.code() + ")");
            }
        }
        if (!missing.isEmpty() && (!onlyPresent || folders.isEmpty())) {
            throw new IllegalArgumentException("data folder " + root + " lacks class folders: "
                    + String.join(", ", missing) + (folders.isEmpty() ? "" : "; use --classes present to train on "
                    + "the classes found"));
        }
        classes = List.copyOf(folders.keySet());
        int bad = 0;
        for (Map.Entry<Expression, Path> f : folders.entrySet()) {
            List<Path> files;
            try (Stream<Path> s = Files.list(f.getValue())) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                BufferedImage img = read(file);
                if (img == null) {
                    bad++;
                    continue;
                }
                images.add(Dataset.toPlanar(squareResize(img, size)));
                labels.add(f.getKey().ordinal());
            }
        }
        skipped = bad;
        if (images.isEmpty()) {
            throw new IllegalArgumentException("data folder " + root + " holds no readable image"
                    + (bad > 0 ? " (" + bad + " unreadable files skipped)" : ""));
        }
    }

    private static BufferedImage read(Path file) {
        try {
            return ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Centre-crops to a square and resizes with bilinear filtering, into opaque RGB. */
    public static BufferedImage squareResize(BufferedImage img, int size) {
        int side = Math.min(img.getWidth(), img.getHeight());
        int x0 = (img.getWidth() - side) / 2;
        int y0 = (img.getHeight() - side) / 2;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.drawImage(img, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
        g.dispose();
        return out;
    }

    /** Files that could not be read as images (skipped). */
    public int skipped() {
        return skipped;
    }

    /** The classes found, in index order. */
    public List<Expression> classes() {
        return classes;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public float[] image(int i) {
        return images.get(i);
    }

    @Override
    public int label(int i) {
        return labels.get(i);
    }
}
