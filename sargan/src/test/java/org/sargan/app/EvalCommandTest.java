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
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.viz.Pictures;

/** classifier train -> eval (built-in, --data, --ood) -> experiment ablation, on tiny settings. */
class EvalCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void classifierEvalAndAblation(@TempDir Path dir) throws Exception {
        Path judges = dir.resolve("classifier.safetensors");
        assertEquals(0, run("classifier", "train", "--size", "32", "--iters", "3", "--identity-iters", "3",
                "--identities", "3", "--identity-identities", "3", "--out", judges.toString()), errText());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("held-out accuracy"));

        Path data = dir.resolve("data");
        assertEquals(0, run("data", "synth", "--out", data.toString(), "--identities", "2", "--size", "32"), errText());
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--data", data.toString(), "--size", "32", "--batch", "2", "--iters", "1",
                "--conv-dim", "4", "--out", runDir.toString()), errText());
        Path ck = runDir.resolve("checkpoint.safetensors");

        Path ood = dir.resolve("ood");
        Pictures.writePng(SyntheticFaces.render(99, Expression.NEUTRAL, 48), ood.resolve("face.png"));
        Files.writeString(ood.resolve("notes.txt"), "not an image");
        Path report = dir.resolve("eval");
        assertEquals(0, run("eval", "--checkpoint", ck.toString(), "--classifier", judges.toString(), "--identities",
                "2", "--style-identities", "2", "--ood", ood.toString(), "--out", report.toString()), errText());
        String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "pictures are embedded");
        assertTrue(html.contains("Faces from"), "the --ood grid is in the report");
        assertTrue(html.contains("statue"));
        assertTrue(Files.readString(report.resolve("metrics.json")).contains("\"identity_auc\""));
        assertTrue(Files.readString(report.resolve("metrics.md")).contains("| PSNR vs ground truth (dB) |"));

        Path five = dir.resolve("five");
        assertEquals(0, run("data", "synth", "--out", five.toString(), "--identities", "5", "--size", "32"), errText());
        Path folderJudges = dir.resolve("folder-classifier.safetensors");
        assertEquals(0, run("classifier", "train", "--size", "32", "--data", five.toString(), "--iters", "2",
                "--identity-iters", "2", "--identity-identities", "3", "--out", folderJudges.toString()), errText());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("held-out part: 1 identities"), "the fifth of 5 identities is held out: " + text);
        assertEquals(1, run("classifier", "train", "--size", "32", "--data", data.toString()));
        assertTrue(errText().contains("2 identities cannot be split"), errText());

        Path onFolder = dir.resolve("eval-folder");
        assertEquals(0, run("eval", "--checkpoint", ck.toString(), "--classifier", judges.toString(), "--data",
                data.toString(), "--style-identities", "0", "--out", onFolder.toString()), errText());
        assertTrue(Files.readString(onFolder.resolve("metrics.md")).contains("14 images of"));

        Path abl = dir.resolve("ablation");
        assertEquals(0, run("experiment", "ablation", "--iters", "1", "--identities", "2", "--variants",
                "sargan,stargan", "--conv-dim", "4", "--eval-identities", "2", "--style-identities", "0",
                "--classifier", judges.toString(), "--out", abl.toString()), errText());
        String md = Files.readString(abl.resolve("ablation.md"));
        assertTrue(md.contains("| no edit (copy) |") && md.contains("| sargan | 2 |") && md.contains("| stargan | 2 |"),
                md);
        assertEquals(4, Files.readAllLines(abl.resolve("ablation.csv")).size(), "header, copy, two runs");
        assertTrue(ImageIO.read(abl.resolve("ablation.png").toFile()).getHeight() > 3 * 32);
    }

    @Test
    void mistakesAreOneLineEach(@TempDir Path dir) throws Exception {
        assertEquals(2, run("eval", "--identities", "1"));
        assertTrue(errText().contains("--identities is 1, expected 2 to"), errText());
        assertEquals(2, run("classifier"));
        assertTrue(errText().contains("usage: sargan classifier train"), errText());
        assertEquals(2, run("experiment", "ablation", "--identities", "ten"));
        assertTrue(errText().contains("--identities is 'ten'"), errText());
        Path notCk = dir.resolve("x.safetensors");
        Files.writeString(notCk, "nonsense");
        assertEquals(1, run("eval", "--checkpoint", notCk.toString()));
        assertEquals(1, errText().strip().split("\n").length, errText());
    }
}
