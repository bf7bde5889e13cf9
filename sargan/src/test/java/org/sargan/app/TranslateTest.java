package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
