package org.sargan.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticDataset;
import org.sargan.data.SyntheticFaces;
import org.sargan.model.Variant;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/** The README's embedding example, run as written against a checkpoint from a tiny training run. */
class ReadmeExampleTest {
    @Test
    void editAFace(@TempDir Path dir) throws Exception {
        new Trainer(TrainConfig.builder().size(32).batch(2).iterations(1).convDim(4).lr(1e-4f).nCritic(5).seed(1)
                .sampleEvery(1).checkpointEvery(1).build(),
                new SyntheticDataset(1, 1, 32), dir, new PrintStream(new ByteArrayOutputStream())).run();
        BufferedImage face = SyntheticFaces.render(5, Expression.NEUTRAL, 80);

        // --- README example ---
        ExpressionEditor editor = ExpressionEditor.load(dir.resolve("checkpoint.safetensors"));
        BufferedImage happy = editor.edit(face, Expression.HAPPY);
        Map<Expression, BufferedImage> all = editor.editAll(face);   // all seven expressions
        BufferedImage halfSmile = editor.edit(face, Expression.HAPPY, 0.5f);   // strength 0 (neutral) to 1
        // --- end ---

        assertEquals(32, happy.getWidth());
        assertEquals(7, all.size());
        assertEquals(32, halfSmile.getWidth());
    }
}
