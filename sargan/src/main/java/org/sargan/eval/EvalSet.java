package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.data.ImageFolder;
import org.sargan.data.SyntheticFaces;

/**
 * Labelled test images with identities: every image is a source to edit, and where the same identity exists with
 * the target expression, that image is the edit's ground truth ("paired"). Images are planar (3, S, S) in [-1, 1].
 */
public final class EvalSet {
    /** One test image: its expression index and whose face it is. */
    public record Sample(float[] image, int label, String identity) {
    }

    private final List<Sample> samples;
    private final int size;
    private final String description;
    private final Map<String, Sample> byKey = new HashMap<>();
    private final boolean paired;

    EvalSet(List<Sample> samples, int size, String description) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("evaluation set '" + description + "' is empty");
        }
        this.samples = List.copyOf(samples);
        this.size = size;
        this.description = description;
        Map<String, Integer> perIdentity = new HashMap<>();
        for (Sample s : samples) {
            byKey.put(key(s.identity(), s.label()), s);
            perIdentity.merge(s.identity(), 1, Integer::sum);
        }
        paired = perIdentity.values().stream().anyMatch(n -> n > 1);
    }

    private static String key(String identity, int label) {
        return identity + "\u0000" + label;
    }

    /** {@code identities} built-in faces from renderer seed {@code seed}, each with all 7 expressions. */
    public static EvalSet builtIn(int size, int identities, long seed, RenderStyle style) {
        RenderStyle st = style == null ? RenderStyle.ORIGINAL : style;
        List<Sample> list = new ArrayList<>();
        for (int i = 0; i < identities; i++) {
            for (Expression e : Expression.values()) {
                BufferedImage img = st.apply(SyntheticFaces.render(seed + i, e, size), seed + i, e.ordinal());
                list.add(new Sample(Dataset.toPlanar(img), e.ordinal(), "builtin-" + (seed + i)));
            }
        }
        return new EvalSet(list, size, identities + " built-in identities (renderer seeds " + seed + " to "
                + (seed + identities - 1) + ", never used in training)" + (st == RenderStyle.ORIGINAL ? ""
                : ", " + st.id() + " style") + ", all 7 expressions each");
    }

    /**
     * An ImageFolder (one folder per expression). Files whose names agree across class folders, once the folder's
     * KDEF code is taken out of the name (KDEF's {@code AF01AFS.JPG} in {@code AFS/} is identity {@code AF01}), are
     * the same identity: their pairs are ground truth. Otherwise every file is its own identity.
     */
    public static EvalSet folder(Path root, int size) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("data folder " + root + " does not exist or is not a folder");
        }
        List<Sample> list = new ArrayList<>();
        int skipped = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Expression e = Expression.match(dir.getFileName().toString());
                if (e == null) {
                    continue;
                }
                List<Path> files;
                try (Stream<Path> s = Files.list(dir)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : files) {
                    BufferedImage img = read(f);
                    if (img == null) {
                        skipped++;
                        continue;
                    }
                    list.add(new Sample(Dataset.toPlanar(ImageFolder.squareResize(img, size)), e.ordinal(),
                            identityKey(f.getFileName().toString(), e)));
                }
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("data folder " + root + " has no readable image in a class folder "
                    + "(AFS, ANS, ... or afraid, angry, ...)" + (skipped > 0 ? "; " + skipped + " unreadable" : ""));
        }
        Set<String> ids = new HashSet<>();
        list.forEach(s -> ids.add(s.identity()));
        return new EvalSet(list, size, list.size() + " images of " + root + " (" + ids.size() + " identities"
                + (skipped > 0 ? ", " + skipped + " unreadable files skipped" : "") + ")");
    }

    /** The file name without extension and without the class's KDEF code, in lower case. */
    static String identityKey(String fileName, Expression e) {
        String stem = fileName.replaceFirst("\\.[^.]*$", "").toLowerCase(Locale.ROOT);
        String code = e.code().toLowerCase(Locale.ROOT);
        int at = stem.lastIndexOf(code);
        return at >= 0 && stem.length() > code.length() ? stem.substring(0, at) + stem.substring(at + code.length())
                : stem;
    }

    static BufferedImage read(Path f) {
        try {
            return ImageIO.read(f.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    public int imageSize() {
        return size;
    }

    public String description() {
        return description;
    }

    /** Whether some identity appears with more than one expression, so that paired metrics exist. */
    public boolean paired() {
        return paired;
    }

    /** The image of {@code identity} with expression {@code label}, or null. */
    public Sample truth(String identity, int label) {
        return byKey.get(key(identity, label));
    }

    /** Two disjoint sets of identities, e.g. to train a classifier on one and measure it on the other. */
    public record Split(EvalSet train, EvalSet heldOut) {
    }

    /**
     * Every {@code n}-th identity (in sorted order) held out, the rest for training.
     *
     * @throws IllegalArgumentException when either side would be empty
     */
    public Split splitByIdentity(int n) {
        List<String> ids = samples.stream().map(Sample::identity).distinct().sorted().toList();
        Set<String> held = new HashSet<>();
        for (int i = n - 1; i < ids.size(); i += n) {
            held.add(ids.get(i));
        }
        List<Sample> a = samples.stream().filter(x -> !held.contains(x.identity())).toList();
        List<Sample> b = samples.stream().filter(x -> held.contains(x.identity())).toList();
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException(description + ": " + ids.size() + " identities cannot be split into "
                    + "training and held-out sets holding every " + n + "th; expected at least " + n);
        }
        return new Split(new EvalSet(a, size, description + ", training part"), new EvalSet(b, size,
                description + ", held-out part: " + held.size() + " identities"));
    }

    /** These images as a training {@link Dataset}. */
    public Dataset asDataset() {
        return new Dataset() {
            @Override
            public int size() {
                return samples.size();
            }

            @Override
            public int imageSize() {
                return size;
            }

            @Override
            public float[] image(int i) {
                return samples.get(i).image();
            }

            @Override
            public int label(int i) {
                return samples.get(i).label();
            }
        };
    }

    /** The expression classifier's accuracy on these real images. */
    public double classifierAccuracy(Judges judges) {
        int[] truth = samples.stream().mapToInt(Sample::label).toArray();
        int[] pred = judges.classify(samples.stream().map(Sample::image).toList());
        return Ranking.accuracy(Ranking.confusion(truth, pred, Expression.values().length));
    }
}
