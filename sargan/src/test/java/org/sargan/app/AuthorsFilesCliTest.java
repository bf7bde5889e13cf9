package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;
import org.sargan.data.SyntheticDataset;
import org.sargan.nn.WeightFile;
import org.sargan.viz.Pictures;

/**
 * The command line with the authors' files (the interop fixtures, written by their code with torch 1.13):
 * translate reads both torch.save layouts, export writes their layout, train --resume takes their {N}-G.ckpt and
 * {N}-D.ckpt pair, and every bad file is one line.
 */
class AuthorsFilesCliTest {
    private static final Path FIXTURES = Path.of("src/test/resources/interop");
    private final Cli cli = new Cli();

    private static Path fixture(String name) {
        return FIXTURES.resolve(name);
    }

    private static TreeSet<String> keys(Path f) throws IOException {
        return new TreeSet<>(WeightFile.read(f).tensors().keySet());
    }

    private static TreeSet<String> theirKeys(String which) throws IOException {
        TreeSet<String> k = new TreeSet<>();
        for (String line : Files.readAllLines(fixture(which + "-keys.txt"))) {
            k.add(line.substring(0, line.indexOf(' ')));
        }
        return k;
    }

    @Test
    void translateReadsBothTorchLayoutsAlike(@TempDir Path tmp) throws IOException {
        Path face = tmp.resolve("face.png");
        ImageIO.write(Pictures.tile(new SyntheticDataset(1, 1, 64)
                .image(4), 0, 3, 64, 64), "png", face.toFile());
        for (String f : List.of("100-G.ckpt", "100-G-legacy.ckpt")) {
            assertEquals(0, cli.run("translate", "--checkpoint", fixture(f).toString(), "--input", face.toString(),
                    "--to", "all", "--out", tmp.resolve(f).toString()), cli.err());
            assertTrue(cli.out().contains("wrote 7 images"), cli.out());
        }
        for (String e : List.of("afraid", "happy", "surprised")) {
            byte[] a = Files.readAllBytes(tmp.resolve("100-G.ckpt").resolve("face_" + e + ".png"));
            byte[] b = Files.readAllBytes(tmp.resolve("100-G-legacy.ckpt").resolve("face_" + e + ".png"));
            assertArrayEquals(a, b, e);
        }
    }

    @Test
    void exportWritesTheirLayoutInBothFileKinds(@TempDir Path tmp) throws IOException {
        for (String name : List.of("G.ckpt", "G.safetensors")) {
            Path out = tmp.resolve(name);
            assertEquals(0, cli.run("export", "--checkpoint", fixture("100-G.ckpt").toString(), "--out",
                    out.toString()), cli.err());
            assertEquals(theirKeys("G"), keys(out), name);
            Map<String, Tensor> back = WeightFile.read(out).tensors();
            Map<String, Tensor> src = WeightFile.read(fixture("100-G.ckpt")).tensors();
            for (String k : src.keySet()) {
                if (!k.startsWith("att_func.")) {
                    assertArrayEquals(src.get(k).toArray(), back.get(k).toArray(), 0f, name + " " + k);
                }
            }
        }
        assertEquals(2, cli.run("export", "--checkpoint", fixture("100-G.ckpt").toString(), "--out",
                tmp.resolve("G.bin").toString()));
        assertTrue(cli.err().contains("must end in .safetensors, or .ckpt"), cli.err());
    }

    @Test
    void trainResumesTheirPairAndExportsTheirKeys(@TempDir Path tmp) throws IOException {
        Path data = cli.synth(tmp.resolve("data"), 1);
        Path pair = tmp.resolve("theirs");
        Files.createDirectories(pair);
        Files.copy(fixture("100-G.ckpt"), pair.resolve("100-G.ckpt"));
        Path run = tmp.resolve("run");
        // only the G file: refused, naming the D file it looks for
        assertEquals(2, cli.run("train", "--data", data.toString(), "--resume", pair.resolve("100-G.ckpt")
                .toString(), "--iters", "101", "--batch", "2", "--out", run.toString()));
        assertTrue(cli.err().contains("100-D.ckpt not found"), cli.err());
        Files.copy(fixture("100-D.ckpt"), pair.resolve("100-D.ckpt"));
        // an option that contradicts the weights is refused by name
        assertEquals(2, cli.run("train", "--data", data.toString(), "--resume", pair.resolve("100-G.ckpt")
                .toString(), "--iters", "101", "--size", "64", "--out", run.toString()));
        assertTrue(cli.err().contains("--size 64 (the weights are for 32 px)"), cli.err());

        assertEquals(0, cli.run("train", "--data", data.toString(), "--resume", pair.resolve("100-G.ckpt")
                .toString(), "--iters", "101", "--batch", "2", "--out", run.toString()), cli.err());
        assertTrue(cli.out().contains("started from the authors' weights") && cli.out().contains("Adam starts fresh")
                && cli.out().contains("iteration 100 of 101"), cli.out());

        Path exported = tmp.resolve("exported");
        assertEquals(0, cli.run("export", "--checkpoint", run.resolve("checkpoint.safetensors").toString(),
                "--with-discriminator", "--out", exported.toString()), cli.err());
        assertEquals(theirKeys("G"), keys(exported.resolve("101-G.ckpt")));
        assertEquals(theirKeys("D"), keys(exported.resolve("101-D.ckpt")));
        // D only exists in a training checkpoint
        assertEquals(2, cli.run("export", "--checkpoint", fixture("100-G.ckpt").toString(), "--with-discriminator",
                "--out", tmp.resolve("x").toString()));
        assertTrue(cli.err().contains("needs a training checkpoint"), cli.err());
    }

    @Test
    void badFilesGiveOneLine(@TempDir Path tmp) throws IOException {
        // a discriminator where a generator is expected: the first key that fits no generator is named
        assertEquals(1, cli.run("translate", "--checkpoint", fixture("100-D.ckpt").toString(), "--input",
                fixture("100-D.ckpt").toString(), "--to", "happy", "--out", tmp.toString()));
        assertTrue(cli.err().contains("main.0.weight has shape [8, 3, 4, 4]"), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        // a pickle that would run a shell command
        Path evil = tmp.resolve("evil.ckpt");
        byte[] pickle = ("\u0080\u0002cposix\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R.")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (var zip = new ZipOutputStream(Files.newOutputStream(evil))) {
            zip.putNextEntry(new ZipEntry("evil/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
        }
        assertEquals(1, cli.run("export", "--checkpoint", evil.toString(), "--out", tmp.resolve("o.ckpt")
                .toString()));
        assertTrue(cli.err().contains("refuses the global posix.system"), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        // truncated
        Path cut = tmp.resolve("cut.ckpt");
        byte[] whole = Files.readAllBytes(fixture("100-G.ckpt"));
        Files.write(cut, Arrays.copyOf(whole, whole.length / 3));
        assertEquals(1, cli.run("translate", "--checkpoint", cut.toString(), "--input", cut.toString(), "--to",
                "happy", "--out", tmp.toString()));
        assertTrue(cli.err().contains("cut.ckpt") && cli.err().contains("truncated"), cli.err());
    }
}
