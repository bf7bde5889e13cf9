package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.api.ExpressionEditor;
import org.sargan.api.TinyModel;

/** translate: distinct output names, a true count, and a word about what it did not read. */
class TranslateTest {
    private final Cli cli = new Cli();

    @Test
    void inputsSharingANameGetDistinctOutputsAndTheCountIsTrue(@TempDir Path dir) throws Exception {
        Path data = cli.synth(dir.resolve("data"), 1);
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 1), cli.err());
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("nested"));
        var face = ImageIO.read(data.resolve("HAS").resolve("id00000.png").toFile());
        ImageIO.write(face, "jpg", in.resolve("good.jpg").toFile());
        ImageIO.write(face, "bmp", in.resolve("good.bmp").toFile());
        ImageIO.write(face, "gif", in.resolve("good.gif").toFile());
        ImageIO.write(face, "png", in.resolve("other.png").toFile());
        ImageIO.write(face, "png", in.resolve("nested").resolve("deeper.png").toFile());
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("out");
        assertEquals(0, cli.run("translate", "--checkpoint", run.resolve("checkpoint.safetensors").toString(),
                "--input", in.toString(), "--to", "happy", "--out", out.toString()), cli.err());
        List<String> names;
        try (Stream<Path> s = Files.list(out)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("good_bmp_happy.png", "good_gif_happy.png", "good_jpg_happy.png", "other_happy.png"),
                names);
        String text = cli.out();
        assertTrue(text.contains("wrote 4 images (4 inputs x 1 expressions)"), text);
        assertTrue(text.contains("skipped 1 unreadable files: " + in.resolve("notes.txt") + ": not an image"), text);
        assertTrue(text.contains("ignored 1 subfolders"), text);
    }

    @Test
    void aFolderGivenAsCheckpointIsCalledAFolder(@TempDir Path dir) throws Exception {
        Path data = cli.synth(dir.resolve("data"), 1);
        assertEquals(1, cli.run("translate", "--checkpoint", dir.toString(), "--input", data.toString(), "--to",
                "happy"));
        assertTrue(cli.err().contains("--checkpoint " + dir + " is a folder, expected a file"), cli.err());
        assertEquals(1, cli.run("translate", "--checkpoint", dir.resolve("nope").toString(), "--input",
                data.toString(), "--to", "happy"));
        assertTrue(cli.err().contains(dir.resolve("nope") + ": no such file"), cli.err());
    }

    @Test
    void anOutputFolderThatCannotBeCreatedSaysWhatFailedAndWhy(@TempDir Path dir) throws Exception {
        Path data = cli.synth(dir.resolve("data"), 1);
        Files.writeString(dir.resolve("file"), "a file, not a folder");
        Path out = dir.resolve("file").resolve("run");
        assertEquals(1, cli.train(data, out, 1));
        assertEquals("sargan: cannot create the output folder " + out + ": not a directory", cli.err());
    }

    @Test
    void aStrengthAfterTheExpressionIsAppliedAndNamedAndABadOneIsRefused(@TempDir Path dir) throws Exception {
        Path model = TinyModel.write(dir.resolve("g.safetensors"), 5);
        Path in = dir.resolve("face.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", in.toFile());
        Path out = dir.resolve("out");
        assertEquals(0, cli.run("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--to",
                "happy:0.5", "--out", out.toString()), cli.err());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("face_happy_0.5.png"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(0, cli.run("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--to",
                "all:0.25", "--out", out.toString()), cli.err());
        assertTrue(cli.out().contains("wrote 7 images (1 inputs x 7 expressions)"), cli.out());
        assertEquals(2, cli.run("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--to",
                "happy:1.5"));
        assertEquals("sargan: --to: strength 1.5 is outside 0 to 1 (0 is neutral, 1 the full expression), as in "
                + "happy:0.5", cli.err());
        assertEquals(2, cli.run("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--to",
                "happy:lots"));
        assertTrue(cli.err().contains("strength 'lots' is not a number"), cli.err());
    }

    @Test
    void withoutACheckpointTheBuiltInModelIsUsed(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("face.png");
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", in.toFile());
        int rc = cli.run("translate", "--input", in.toString(), "--to", "sad", "--out", dir.resolve("o").toString());
        if (ExpressionEditor.class.getResource(ExpressionEditor.BUILT_IN) == null) {
            assertEquals(1, rc);
            assertTrue(cli.err().startsWith("sargan: this jar was built without the built-in model"), cli.err());
        } else {
            assertEquals(0, rc, cli.err());
            assertTrue(Files.exists(dir.resolve("o").resolve("face_sad.png")));
        }
    }
}
