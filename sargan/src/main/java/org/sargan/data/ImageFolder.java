package org.sargan.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Images in one folder per expression, named by KDEF code (AFS, ANS, ...) or plain name (afraid or fearful, angry,
 * ...), case-insensitive. Any format ImageIO reads (PNG, JPEG, BMP), grey or with alpha, is converted to RGB,
 * centre-cropped to a square and resized ({@link Images}). Unreadable files are skipped, counted and named with
 * their reason; what is ignored (other folders, nested folders, empty classes) is reported in {@link #warnings()}.
 */
public final class ImageFolder implements Dataset {
    /** Unreadable files named one by one in the warnings; the rest are counted. */
    private static final int NAMED = 3;
    private final int size;
    private final List<float[]> images = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Expression> classes;

    /**
     * @param onlyPresent train on the class folders that exist instead of requiring all seven
     * @throws IllegalArgumentException naming missing or doubled class folders, or when no image can be read
     */
    public ImageFolder(Path root, int size, boolean onlyPresent) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("data folder " + root + (Files.exists(root) ? " is a file, expected a "
                    + "folder" : " does not exist"));
        }
        this.size = size;
        Map<Expression, Path> folders = new EnumMap<>(Expression.class);
        List<String> other = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                String name = p.getFileName().toString();
                Expression e = Expression.match(name);
                if (e == null) {
                    other.add(name);
                } else if (folders.containsKey(e)) {
                    throw new IllegalArgumentException("data folder " + root + " has two folders for " + e.id() + ": "
                            + folders.get(e).getFileName() + " and " + name + "; merge them into one");
                } else {
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
                    + String.join(", ", missing) + (folders.isEmpty() ? (other.isEmpty() ? "" : "; it holds only "
                    + String.join(", ", other)) : "; use --classes present to train on the classes found"));
        }
        if (!other.isEmpty()) {
            warnings.add("ignored folders in " + root + " that name no expression: " + String.join(", ", other));
        }
        classes = List.copyOf(folders.keySet());
        for (Map.Entry<Expression, Path> f : folders.entrySet()) {
            List<Path> files;
            List<String> nested;
            try (Stream<Path> s = Files.list(f.getValue())) {
                List<Path> all = s.sorted().toList();
                files = all.stream().filter(Files::isRegularFile).toList();
                nested = all.stream().filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
            }
            if (!nested.isEmpty()) {
                warnings.add("ignored " + nested.size() + " subfolders of " + f.getValue() + " (" + String.join(", ",
                        nested) + "): images must lie directly in the class folder");
            }
            int before = images.size();
            for (Path file : files) {
                BufferedImage img;
                try {
                    img = Images.read(file);
                } catch (Images.UnreadableImageException e) {
                    unreadable.add(e.getMessage());
                    continue;
                }
                images.add(Dataset.toPlanar(squareResize(img, size)));
                labels.add(f.getKey().ordinal());
            }
            if (images.size() == before) {
                warnings.add("class " + f.getKey().id() + " (" + f.getValue() + ") has no readable image: the "
                        + "model never sees a real " + f.getKey().id() + " face");
            }
        }
        if (!unreadable.isEmpty()) {
            warnings.add(unreadable.size() + " unreadable files skipped: " + String.join("; ",
                    unreadable.subList(0, Math.min(NAMED, unreadable.size())))
                    + (unreadable.size() > NAMED ? "; ..." : ""));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("data folder " + root + " holds no readable image"
                    + (unreadable.isEmpty() ? "" : " (" + unreadable.size() + " unreadable files, e.g. "
                    + unreadable.get(0) + ")"));
        }
    }

    /** Centre-crops to a square and resizes ({@link Images#squareResize}). */
    public static BufferedImage squareResize(BufferedImage img, int size) {
        return Images.squareResize(img, size);
    }

    /** What was skipped or ignored, one sentence each. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Files that could not be read as images (skipped). */
    public int skipped() {
        return unreadable.size();
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
