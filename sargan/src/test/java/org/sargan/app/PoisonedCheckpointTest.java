package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;
import org.sargan.nn.SafeTensors;

/**
 * Checkpoints that are well-formed files but poisoned inside: non-finite weights, a missing optimiser moment,
 * impossible metadata. Each is refused with one line by every command that reads it, before anything is written.
 */
class PoisonedCheckpointTest {
    @TempDir
    static Path tmp;
    private static Path data;
    private static Path good;
    private final Cli cli = new Cli();

    @BeforeAll
    static void trainTiny() throws IOException {
        Cli c = new Cli();
        data = c.synth(tmp.resolve("data"), 1);
        assertEquals(0, c.train(data, tmp.resolve("run"), 5), c.err());
        good = tmp.resolve("run/checkpoint.safetensors");
    }

    /** The good checkpoint with one change to its tensors or metadata. */
    private static Path poisoned(String name, BiConsumer<Map<String, Tensor>, Map<String, String>>
            change) throws IOException {
        SafeTensors st = SafeTensors.read(good);
        Map<String, Tensor> t = new LinkedHashMap<>(st.tensors());
        Map<String, String> md = new LinkedHashMap<>(st.metadata());
        change.accept(t, md);
        Path f = tmp.resolve(name).resolve("checkpoint.safetensors");
        SafeTensors.write(f, t, md);
        return f;
    }

    private void refusedEverywhere(Path ck, String reason) {
        Path face = data.resolve("HAS").toFile().listFiles()[0].toPath();
        String[][] commands = {
            {"translate", "--checkpoint", ck.toString(), "--input", face.toString(), "--to", "sad", "--out",
                tmp.resolve("t").toString()},
            {"export", "--checkpoint", ck.toString(), "--out", tmp.resolve("e-" + ck.getParent().getFileName()
                + ".ckpt").toString()},
            {"train", "--data", data.toString(), "--resume", ck.toString(), "--iters", "8"}};
        for (String[] c : commands) {
            int code = cli.run(c);
            assertEquals(1, code, c[0] + ": " + cli.err());
            assertTrue(cli.err().contains(reason) && cli.err().lines().count() == 1, c[0] + ": " + cli.err());
        }
    }

    @Test
    void nonFiniteWeightsAreRefused() throws IOException {
        Path ck = poisoned("nan", (t, md) -> {
            float[] w = t.get("G.main.0.weight").toArray();
            w[3] = Float.NaN;
            t.put("G.main.0.weight", Tensor.of(w, t.get("G.main.0.weight").shape()));
        });
        refusedEverywhere(ck, "weight 'main.0.weight' holds NaN at element 3");
        Path inf = poisoned("inf", (t, md) -> {
            float[] w = t.get("G.main.16.weight").toArray();
            w[0] = Float.NEGATIVE_INFINITY;
            t.put("G.main.16.weight", Tensor.of(w, t.get("G.main.16.weight").shape()));
        });
        refusedEverywhere(inf, "holds -Infinity");
    }

    @Test
    void shapesThatDoNotFitTheModelAreRefused() throws IOException {
        Path ck = poisoned("shape", (t, md) -> t.put("G.main.3.weight", Tensor.zeros(8, 4, 3, 3)));
        refusedEverywhere(ck, "main.3.weight");
    }

    @Test
    void aMissingOptimiserMomentIsRefusedOnResume() throws IOException {
        Path ck = poisoned("moment", (t, md) -> t.remove("optD.main.0.bias.exp_avg_sq"));
        assertEquals(1, cli.run("train", "--data", data.toString(), "--resume", ck.toString(), "--iters", "8"));
        assertTrue(cli.err().contains("lacks 'main.0.bias.exp_avg_sq'"), cli.err());
    }

    @Test
    void impossibleMetadataIsRefused() throws IOException {
        Path ck = poisoned("iteration", (t, md) -> md.put("iteration", "-5"));
        assertEquals(1, cli.run("train", "--data", data.toString(), "--resume", ck.toString(), "--iters", "8"));
        assertTrue(cli.err().contains("inconsistent checkpoint metadata: iteration -5"), cli.err());
        assertEquals(1, cli.run("export", "--checkpoint", ck.toString(), "--out", tmp.resolve("x.ckpt").toString()));
        assertTrue(cli.err().contains("iteration -5"), cli.err());
    }
}
