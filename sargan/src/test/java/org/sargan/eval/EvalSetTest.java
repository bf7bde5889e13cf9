package org.sargan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.viz.Pictures;

/** Test sets: identities and pairing from folders, out-of-style renders. */
class EvalSetTest {
    @Test
    void kdefCodeIsTakenOutOfTheFileName() {
        assertEquals("af01", EvalSet.identityKey("AF01AFS.JPG", Expression.AFRAID));
        assertEquals("am12", EvalSet.identityKey("AM12HAS.jpg", Expression.HAPPY));
        assertEquals("id00001", EvalSet.identityKey("id00001.png", Expression.HAPPY));
        assertEquals("has", EvalSet.identityKey("HAS.png", Expression.HAPPY), "a name that is only the code stays");
    }

    @Test
    void sharedNamesAcrossClassFoldersArePairs(@TempDir Path dir) throws Exception {
        for (Expression e : new Expression[] {Expression.HAPPY, Expression.SAD}) {
            for (int id = 0; id < 2; id++) {
                Pictures.writePng(SyntheticFaces.render(id, e, 16), dir.resolve(e.code()).resolve("P" + id + e.code()
                        + ".png"));
            }
        }
        EvalSet set = EvalSet.folder(dir, 16);
        assertEquals(4, set.size());
        assertTrue(set.paired());
        assertNotNull(set.truth("p1", Expression.SAD.ordinal()));
        assertNull(set.truth("p1", Expression.ANGRY.ordinal()));
    }

    @Test
    void distinctNamesAreUnpaired(@TempDir Path dir) throws Exception {
        Pictures.writePng(SyntheticFaces.render(1, Expression.HAPPY, 16), dir.resolve("happy").resolve("a.png"));
        Pictures.writePng(SyntheticFaces.render(2, Expression.SAD, 16), dir.resolve("sad").resolve("b.png"));
        assertFalse(EvalSet.folder(dir, 16).paired());
    }

    @Test
    void stylesChangeTheLookButKeepPairs() {
        EvalSet plain = EvalSet.builtIn(16, 2, BuiltIn.EVAL_SEED, null);
        for (RenderStyle st : new RenderStyle[] {RenderStyle.STATUE, RenderStyle.FLAT, RenderStyle.PHOTO}) {
            EvalSet styled = EvalSet.builtIn(16, 2, BuiltIn.EVAL_SEED, st);
            assertEquals(14, styled.size());
            assertTrue(styled.paired());
            double psnr = ImageMetrics.psnr(plain.samples().get(0).image(), styled.samples().get(0).image());
            assertTrue(psnr < 30, st + " barely changed the image: " + psnr + " dB");
        }
        // statue: no colour left, red and blue planes follow one grey value
        float[] statue = EvalSet.builtIn(16, 1, BuiltIn.EVAL_SEED, RenderStyle.STATUE).samples().get(0).image();
        assertTrue(statue[0] >= statue[2 * 256], "stone is warm grey: red >= blue");
    }
}
