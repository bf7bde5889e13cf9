package org.sargan.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.eval.BuiltIn;
import org.sargan.viz.Pictures;

/**
 * End to end: the built-in model translates one fixed held-out rendered face to all seven expressions, and the
 * strip (the seven outputs side by side) must match the committed {@link #EXPECTED} PNG to within
 * {@link #LEVELS} levels of 255 in every channel of every pixel, so an engine change that alters results shows
 * here. Skipped in a build without the built-in model. Where the model is present and {@link #EXPECTED} is not,
 * it writes the strip to {@code target/regression/builtin-expected.png} and fails, saying to review and commit it.
 */
class BuiltInRegressionTest {
    /** Committed expected output, beside the test classes. */
    static final String EXPECTED = "/org/sargan/pretrained/builtin-expected.png";
    /**
     * Tolerance per channel: outputs are rounded to 8 bits when written, so a value at a rounding boundary may move
     * one level; two allows for that and still catches any real change.
     */
    static final int LEVELS = 2;

    @Test
    void theBuiltInModelStillTranslatesTheFixedFaceAsCommitted() throws Exception {
        assumeTrue(ExpressionEditor.class.getResource(ExpressionEditor.BUILT_IN) != null,
                "this build has no built-in model (" + ExpressionEditor.BUILT_IN + ")");
        ExpressionEditor editor = ExpressionEditor.builtIn();
        BufferedImage face = SyntheticFaces.render(BuiltIn.EVAL_SEED, Expression.NEUTRAL, editor.size());
        BufferedImage[][] row = {editor.edit(new BufferedImage[] {face, face, face, face, face, face, face},
                Expression.values())};
        BufferedImage actual = strip(row[0]);
        BufferedImage expected;
        try (InputStream in = BuiltInRegressionTest.class.getResourceAsStream(EXPECTED)) {
            if (in == null) {
                Path out = Path.of("target", "regression", "builtin-expected.png");
                Files.createDirectories(out.getParent());
                Pictures.writePng(actual, out);
                throw new AssertionError("no " + EXPECTED + " to compare with; wrote this build's output to "
                        + out.toAbsolutePath() + ": look at it, then copy it to sargan/src/test/resources" + EXPECTED);
            }
            expected = ImageIO.read(in);
        }
        assertEquals(expected.getWidth(), actual.getWidth(), "strip width");
        assertEquals(expected.getHeight(), actual.getHeight(), "strip height");
        int worst = 0;
        String where = "";
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                int a = actual.getRGB(x, y);
                int e = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs((a >> shift & 0xff) - (e >> shift & 0xff));
                    if (d > worst) {
                        worst = d;
                        where = Expression.values()[x / editor.size()].id() + " at (" + x % editor.size() + ", " + y
                                + ")";
                    }
                }
            }
        }
        assertTrue(worst <= LEVELS, "the output moved by " + worst + " levels (tolerance " + LEVELS + "), worst in "
                + where);
    }

    /** The seven outputs side by side, in {@link Expression} order. */
    private static BufferedImage strip(BufferedImage[] tiles) {
        int s = tiles[0].getWidth();
        BufferedImage out = new BufferedImage(s * tiles.length, s, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < tiles.length; i++) {
            out.getGraphics().drawImage(tiles[i], i * s, 0, null);
        }
        return out;
    }
}
