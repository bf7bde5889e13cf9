package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.nn.SafeTensors;

/** Earlier work is never overwritten silently: new runs, resumed runs, exports. */
class RunProtectionTest {
    @TempDir
    static Path shared;
    static Path data;
    private final Cli cli = new Cli();

    @BeforeAll
    static void faces() throws Exception {
        data = new Cli().synth(shared.resolve("data"), 1);
    }

    private static String iteration(Path ck) throws Exception {
        return SafeTensors.readMetadata(ck).get("iteration");
    }

    @Test
    void aNewRunIntoAFolderHoldingARunIsRefusedNamingFolderAndIteration(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 3), cli.err());
        byte[] ck = Files.readAllBytes(run.resolve("checkpoint.safetensors"));
        List<String> csv = Files.readAllLines(run.resolve("losses.csv"));
        assertEquals(2, cli.train(data, run, 1));
        assertTrue(cli.err().contains(run + " already holds a run (checkpoint at iteration 3)"), cli.err());
        assertTrue(cli.err().contains("--overwrite"), cli.err());
        assertArrayEquals(ck, Files.readAllBytes(run.resolve("checkpoint.safetensors")), "checkpoint untouched");
        assertEquals(csv, Files.readAllLines(run.resolve("losses.csv")), "losses.csv untouched");

        assertEquals(2, cli.run("demo", "--train", "--iters", "1", "--out", run.toString()));
        assertTrue(cli.err().contains("already holds a run"), cli.err());

        assertEquals(0, cli.train(data, run, 1, "--overwrite"), cli.err());
        assertEquals("1", iteration(run.resolve("checkpoint.safetensors")));
        assertEquals(2, Files.readAllLines(run.resolve("losses.csv")).size());
    }

    @Test
    void resumeWritesNextToItsCheckpointNotIntoTheDefaultFolder(@TempDir Path dir) throws Exception {
        Path run7 = dir.resolve("run7");
        assertEquals(0, cli.train(data, run7, 2), cli.err());
        Path ck = run7.resolve("checkpoint.safetensors");
        // no --out: the run continues in run7
        assertEquals(0, cli.run("train", "--data", data.toString(), "--resume", ck.toString(), "--iters", "3"),
                cli.err());
        assertEquals("3", iteration(ck));
        assertTrue(cli.out().contains("writing to " + run7.toAbsolutePath()), cli.out());
        assertEquals(List.of("iteration", "1", "2", "3"), Files.readAllLines(run7.resolve("losses.csv")).stream()
                .map(l -> l.split(",")[0]).toList());
        // --out elsewhere holding a run: refused
        Path other = dir.resolve("other");
        assertEquals(0, cli.train(data, other, 1), cli.err());
        assertEquals(2, cli.run("train", "--data", data.toString(), "--resume", ck.toString(), "--iters", "4",
                "--out", other.toString()));
        assertTrue(cli.err().contains(other + " already holds a run (checkpoint at iteration 1)"), cli.err());
    }

    @Test
    void resumeOptionsThatContradictTheCheckpointAreRefusedByName(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 2), cli.err());
        String ck = run.resolve("checkpoint.safetensors").toString();
        String d = data.toString();
        assertEquals(2, cli.run("train", "--data", d, "--resume", ck, "--iters", "4", "--size", "64", "--batch", "4",
                "--lr", "0.5", "--variant", "stargan"));
        assertTrue(cli.err().contains("--size 64 --batch 4 --variant stargan --lr 0.5 contradict the checkpoint "
                + "(size 32, batch 2, variant sargan, lr 1.0E-4)"), cli.err());
        // the same values as the checkpoint's, and the overridable ones, are accepted
        assertEquals(0, cli.run("train", "--data", d, "--resume", ck, "--iters", "3", "--size", "32", "--batch", "2",
                "--conv-dim", "4", "--sample-every", "1", "--checkpoint-every", "1"), cli.err());
        assertEquals("3", iteration(Path.of(ck)));
    }

    @Test
    void itersNotAboveTheCheckpointIsRefused(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 3), cli.err());
        String ck = run.resolve("checkpoint.safetensors").toString();
        assertEquals(2, cli.run("train", "--data", data.toString(), "--resume", ck, "--iters", "2"));
        assertTrue(cli.err().contains("--iters 2 is not above the checkpoint's iteration 3"), cli.err());
        assertFalse(cli.out().contains("samples:"), "no paths of outputs that were never written");
        assertEquals(2, cli.run("train", "--data", data.toString(), "--resume", ck));
        assertTrue(cli.err().contains("the run is complete; give --iters above 3"), cli.err());
    }

    @Test
    void afterKillNineResumeListsEveryIterationOnceAndRemovesStaleTemporaries(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 2), cli.err());
        // what a kill -9 after iteration 4 leaves: rows 3 and 4 past the checkpoint of iteration 2, a half-written
        // row, and the temporary files of interrupted atomic writes
        Path csv = run.resolve("losses.csv");
        Files.writeString(csv, "3,1,2,3,4,,,\n4,1,2,3,4,,,\n5,1,2", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Files.writeString(run.resolve("samples.png123456.tmp"), "half a png");
        Files.writeString(run.resolve("checkpoint.safetensors.k3j2.tmp"), "half a checkpoint");
        Files.writeString(run.resolve("notes.tmp"), "not ours");
        assertEquals(0, cli.run("train", "--data", data.toString(), "--resume",
                run.resolve("checkpoint.safetensors").toString(), "--iters", "4"), cli.err());
        assertEquals(List.of("iteration", "1", "2", "3", "4"), Files.readAllLines(csv).stream()
                .map(l -> l.split(",")[0]).toList());
        assertFalse(Files.exists(run.resolve("samples.png123456.tmp")));
        assertFalse(Files.exists(run.resolve("checkpoint.safetensors.k3j2.tmp")));
        assertTrue(Files.exists(run.resolve("notes.tmp")), "only the run's own temporaries are removed");
        assertTrue(cli.out().contains("removed 2 temporary files left by an interrupted run"), cli.out());
    }

    @Test
    void exportNeverReplacesItsCheckpointOrAnExistingFileSilently(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, cli.train(data, run, 1), cli.err());
        Path ck = run.resolve("checkpoint.safetensors");
        byte[] before = Files.readAllBytes(ck);
        assertEquals(2, cli.run("export", "--checkpoint", ck.toString(), "--out", ck.toString(), "--overwrite"));
        assertTrue(cli.err().contains("is the --checkpoint itself"), cli.err());
        assertEquals(2, cli.run("export", "--checkpoint", ck.toString(), "--out",
                run.resolve(".").resolve("checkpoint.safetensors").toString()));
        assertArrayEquals(before, Files.readAllBytes(ck));

        Path g = dir.resolve("G.safetensors");
        Files.writeString(g, "precious");
        assertEquals(2, cli.run("export", "--checkpoint", ck.toString(), "--out", g.toString()));
        assertTrue(cli.err().contains(g + " already exists; give --overwrite"), cli.err());
        assertEquals("precious", Files.readString(g));
        assertEquals(0, cli.run("export", "--checkpoint", ck.toString(), "--out", g.toString(), "--overwrite"),
                cli.err());
        assertEquals("sargan-generator-1", SafeTensors.readMetadata(g).get("format"));
    }
}
