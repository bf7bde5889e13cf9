package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: exit codes, one-line errors, files written. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void infoNamesBackendThreadsAndCuda() {
        assertEquals(0, run("info"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("backend:   cpu"), text);
        assertTrue(text.contains("threads:"), text);
        assertTrue(text.contains("cuda:"), text);
    }

    @Test
    void demoTrainsOnBuiltInFacesAndWritesPictures(@TempDir Path dir) throws Exception {
        assertEquals(0, run("demo", "--train", "--iters", "2", "--out", dir.toString()),
                err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("it 2/2"), text);
        assertTrue(ImageIO.read(dir.resolve("samples.png").toFile()).getWidth() > 100);
        assertTrue(ImageIO.read(dir.resolve("losses.png").toFile()).getWidth() > 100);
        assertTrue(Files.size(dir.resolve("checkpoint.safetensors")) > 1000);
    }

    @Test
    void engineDemoTrainsAndWritesPictures(@TempDir Path dir) throws Exception {
        assertEquals(0, run("engine-demo", "--steps", "3", "--out", dir.toString()),
                err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("step     3/3"), text);
        assertTrue(ImageIO.read(dir.resolve("samples.png").toFile()).getWidth() > 100);
        assertTrue(ImageIO.read(dir.resolve("loss.png").toFile()).getWidth() > 100);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")), "no temporary files left behind");
        }
    }

    @Test
    void mistakesAreOneLineWithNonZeroExit() {
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("demo", "--train", "--iters", "many"));
        assertEquals(2, run("demo", "--itres", "3"));
        String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].contains("unknown command 'frobnicate'"), lines[0]);
        assertTrue(lines[1].contains("--iters is 'many', expected a whole number"), lines[1]);
        assertTrue(lines[2].contains("unknown option --itres"), lines[2]);
    }
}
