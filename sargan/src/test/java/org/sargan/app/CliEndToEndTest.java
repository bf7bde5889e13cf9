package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data synth -> train -> export -> translate on a tiny configuration, and the errors users meet on the way. */
class CliEndToEndTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errLine() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void synthTrainExportTranslate(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("data", "synth", "--out", data.toString(), "--identities", "2", "--size", "32"), errLine());
        assertTrue(Files.isRegularFile(data.resolve("HAS").resolve("id00001.png")));

        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--data", data.toString(), "--size", "32", "--batch", "2", "--iters", "2",
                "--conv-dim", "4", "--out", runDir.toString()), errLine());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("it 2/2"), text);
        Path ck = runDir.resolve("checkpoint.safetensors");
        assertTrue(ImageIO.read(runDir.resolve("samples.png").toFile()).getWidth() > 0);

        Path g = dir.resolve("G.safetensors");
        assertEquals(0, run("export", "--checkpoint", ck.toString(), "--out", g.toString()), errLine());
        Path translated = dir.resolve("out");
        assertEquals(0, run("translate", "--checkpoint", g.toString(), "--input", data.resolve("NES").toString(),
                "--to", "all", "--out", translated.toString()), errLine());
        assertTrue(Files.isRegularFile(translated.resolve("id00000_happy.png")));
        try (var files = Files.list(translated)) {
            assertEquals(2 * 7, files.count());
        }
        assertEquals(0, run("translate", "--checkpoint", ck.toString(), "--input",
                data.resolve("NES").resolve("id00001.png").toString(), "--to", "SAS", "--out", translated.toString()));
    }

    @Test
    void mistakesAreOneLineEach(@TempDir Path dir) throws Exception {
        assertEquals(2, run("train", "--size", "32"));
        assertTrue(errLine().contains("missing --data"), errLine());

        Files.createDirectories(dir.resolve("empty"));
        assertEquals(1, run("train", "--data", dir.resolve("empty").toString(), "--size", "32", "--iters", "1",
                "--out", dir.resolve("r").toString()));
        assertTrue(errLine().contains("lacks class folders: afraid (AFS)"), errLine());

        assertEquals(2, run("train", "--data", dir.toString(), "--batch", "1", "--size", "32"));
        assertTrue(errLine().contains("batch size is 1, expected at least 2"), errLine());

        Path data = dir.resolve("data");
        run("data", "synth", "--out", data.toString(), "--identities", "1", "--size", "32");
        Files.writeString(data.resolve("HAS").resolve("broken.png"), "not an image");
        Path ckDir = dir.resolve("run");
        assertEquals(0, run("train", "--data", data.toString(), "--size", "32", "--batch", "2", "--iters", "1",
                "--conv-dim", "4", "--out", ckDir.toString()), errLine());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 unreadable files skipped"));

        Path ck = ckDir.resolve("checkpoint.safetensors");
        assertEquals(2, run("translate", "--checkpoint", ck.toString(), "--input", data.toString(), "--to", "smug"));
        assertTrue(errLine().contains("unknown expression 'smug'; valid: afraid, angry"), errLine());

        byte[] all = Files.readAllBytes(ck);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertEquals(1, run("translate", "--checkpoint", cut.toString(), "--input", data.toString(), "--to", "happy"));
        assertTrue(errLine().contains("truncated"), errLine());
        assertEquals(1, errLine().split("\n").length, "one line, no stack trace");
    }

    @Test
    void modelSummaryListsLayersAndTotals() {
        assertEquals(0, run("info", "--model", "sargan", "--size", "128"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("3,014,145"), text);
        assertTrue(text.contains("44,778,432"), text);
        assertTrue(text.contains("[1, 256, 32, 32]"), text);
    }
}
