package org.sargan.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.data.Expression;
import org.sargan.nn.WeightFileException;

/** Intensity (strength 0 is neutral, 1 the plain edit, bit for bit), loading from a stream, the built-in model. */
class ExpressionEditorTest {
    private static BufferedImage face() {
        Random r = new Random(3);
        BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void strengthZeroIsNeutralAndOneIsThePlainEditBitForBit() {
        ExpressionEditor editor = TinyModel.editor(1);
        BufferedImage face = face();
        int[] neutral = pixels(editor.edit(face, Expression.NEUTRAL));
        int[] happy = pixels(editor.edit(face, Expression.HAPPY));
        assertFalse(Arrays.equals(neutral, happy), "the tiny model must tell the labels apart for this test to mean"
                + " anything");
        assertArrayEquals(neutral, pixels(editor.edit(face, Expression.HAPPY, 0f)));
        assertArrayEquals(happy, pixels(editor.edit(face, Expression.HAPPY, 1f)));
        int[] half = pixels(editor.edit(face, Expression.HAPPY, 0.5f));
        assertFalse(Arrays.equals(half, neutral));
        assertFalse(Arrays.equals(half, happy));
        assertArrayEquals(neutral, pixels(editor.edit(face, Expression.NEUTRAL, 0.3f)));
    }

    @Test
    void theLabelInterpolatesFromNeutralToTheTarget() {
        float[] c = new float[7];
        ExpressionEditor.label(c, 0, Expression.SAD, 0.25f);
        float[] expected = new float[7];
        expected[Expression.NEUTRAL.ordinal()] = 0.75f;
        expected[Expression.SAD.ordinal()] = 0.25f;
        assertArrayEquals(expected, c);
    }

    @Test
    void aStrengthOutsideZeroToOneIsRefusedWithTheValue() {
        ExpressionEditor editor = TinyModel.editor(1);
        for (float s : new float[] {-0.1f, 1.5f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> editor.edit(face(), Expression.HAPPY, s));
            assertTrue(e.getMessage().contains("strength " + s + " for happy is outside [0, 1]"), e.getMessage());
        }
    }

    @Test
    void aStreamLoadsAsTheFileDoes(@TempDir Path dir) throws Exception {
        Path file = TinyModel.write(dir.resolve("g.safetensors"), 2);
        ExpressionEditor fromFile = ExpressionEditor.load(file);
        ExpressionEditor fromStream;
        try (InputStream in = Files.newInputStream(file)) {
            fromStream = ExpressionEditor.load(in);
        }
        assertEquals(TinyModel.SIZE, fromStream.size());
        assertArrayEquals(pixels(fromFile.edit(face(), Expression.ANGRY)),
                pixels(fromStream.edit(face(), Expression.ANGRY)));
    }

    @Test
    void aMissingResourceSaysTheJarWasBuiltWithoutTheModel() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ExpressionEditor.fromResource("/org/sargan/pretrained/absent.safetensors"));
        assertTrue(e.getMessage().startsWith("this jar was built without the built-in model"), e.getMessage());
    }

    @Test
    void theBuiltInModelLoadsWhenTheJarHoldsIt() throws Exception {
        if (ExpressionEditor.class.getResource(ExpressionEditor.BUILT_IN) == null) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ExpressionEditor::builtIn);
            assertTrue(e.getMessage().contains(ExpressionEditor.BUILT_IN), e.getMessage());
            return;
        }
        ExpressionEditor editor = ExpressionEditor.builtIn();
        assertEquals(7, editor.editAll(face()).size());
        assertFalse(ExpressionEditor.builtInProvenance().isBlank());
    }

    @Test
    void aCorruptResourceIsNamedInTheError() {
        // this test class's own bytecode: a resource that exists and is no weight file
        String resource = "/org/sargan/api/ExpressionEditorTest.class";
        WeightFileException e = assertThrows(WeightFileException.class, () -> ExpressionEditor.fromResource(resource));
        assertTrue(e.getMessage().startsWith("the jar's " + resource + " cannot be used: "), e.getMessage());
    }
}
