package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.api.ExpressionEditor;
import org.sargan.api.TinyModel;

/** demo without --train: a grid of held-out faces in all seven expressions and one intensity strip. */
class ModelDemoTest {
    private final Cli cli = new Cli();

    @Test
    void theDemoShowsAModelOnHeldOutFaces(@TempDir Path dir) throws Exception {
        Path model = TinyModel.write(dir.resolve("g.safetensors"), 6);
        Path out = dir.resolve("demo");
        assertEquals(0, cli.run("demo", "--checkpoint", model.toString(), "--identities", "2", "--intensity",
                "surprised", "--out", out.toString()), cli.err());
        assertTrue(cli.out().contains("on 2 held-out built-in identities (renderer seeds 3000001 and up"), cli.out());
        BufferedImage grid = ImageIO.read(out.resolve("expressions.png").toFile());
        BufferedImage strip = ImageIO.read(out.resolve("intensity.png").toFile());
        // 8 columns (input + 7) and 2 rows of 32 px tiles at zoom 2; 6 columns (input + 5 strengths), 1 row
        assertTrue(grid.getWidth() >= 8 * 64 && grid.getHeight() >= 2 * 64, grid.getWidth() + "x" + grid.getHeight());
        assertTrue(strip.getWidth() >= 6 * 64 && strip.getHeight() >= 64 && strip.getHeight() < 2 * 64,
                strip.getWidth() + "x" + strip.getHeight());
    }

    @Test
    void optionsOfTheOtherDemoAreRefused(@TempDir Path dir) throws Exception {
        assertEquals(2, cli.run("demo", "--iters", "5"));
        assertEquals("sargan: --iters is an option of the training demo; give --train too", cli.err());
        assertEquals(2, cli.run("demo", "--train", "--checkpoint", "g.safetensors", "--out", dir.toString()));
        assertEquals("sargan: --checkpoint is an option of the demo without --train", cli.err());
    }

    @Test
    void withoutTheBuiltInModelTheDemoSaysSo(@TempDir Path dir) {
        int rc = cli.run("demo", "--identities", "1", "--out", dir.toString());
        if (ExpressionEditor.class.getResource(ExpressionEditor.BUILT_IN) == null) {
            assertEquals(1, rc);
            assertTrue(cli.err().startsWith("sargan: this jar was built without the built-in model"), cli.err());
        } else {
            assertEquals(0, rc, cli.err());
        }
    }
}
