package org.sargan.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.sargan.api.ExpressionEditor;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.eval.BuiltIn;
import org.sargan.io.IoErrors;
import org.sargan.viz.Pictures;

/**
 * {@code sargan demo} without {@code --train}: the model first. Held-out built-in identities (renderer seeds from
 * {@link BuiltIn#EVAL_SEED}, which no training uses) are rendered neutral and translated to all seven expressions;
 * one of them also goes to {@code --intensity}'s expression at strengths 0, 0.25, 0.5, 0.75 and 1. Writes
 * {@code expressions.png} (rows: identities; columns: the input, then the seven targets) and {@code intensity.png}.
 */
final class ModelDemo {
    /** The strip's strengths: 0 to 1 in 5 steps. */
    private static final float[] STRENGTHS = {0f, 0.25f, 0.5f, 0.75f, 1f};
    /** Screen pixels per model pixel in the pictures. */
    private static final int ZOOM = 2;

    private ModelDemo() {
    }

    static int run(Options opts, PrintStream out) throws IOException {
        for (String trainOnly : new String[] {"iters", "lr", "overwrite"}) {
            if (opts.has(trainOnly)) {
                throw new UsageException("--" + trainOnly + " is an option of the training demo; give --train too");
            }
        }
        int identities = opts.integer("identities", 1, 100);
        Expression strip = opts.parsed("intensity", Expression::parse);
        Path dir = Path.of(opts.string("out"));
        Path checkpoint = opts.has("checkpoint") ? Path.of(opts.string("checkpoint")) : null;
        if (checkpoint != null) {
            IoErrors.requireFile(checkpoint, "--checkpoint");
        }
        long start = System.nanoTime();
        ExpressionEditor editor = TranslateCommand.editor(checkpoint);
        int size = editor.size();
        out.printf("demo: %s (%d px) on %d held-out built-in identities (renderer seeds %d and up, never trained "
                + "on); sargan demo --train trains one instead%n", checkpoint == null ? Command.BUILT_IN : checkpoint,
                size, identities, BuiltIn.EVAL_SEED);
        Expression[] targets = Expression.values();
        BufferedImage[][] rows = new BufferedImage[identities][];
        for (int i = 0; i < identities; i++) {
            BufferedImage face = SyntheticFaces.render(BuiltIn.EVAL_SEED + i, Expression.NEUTRAL, size);
            BufferedImage[] in = new BufferedImage[targets.length];
            Arrays.fill(in, face);
            BufferedImage[] res = editor.edit(in, targets);
            rows[i] = new BufferedImage[targets.length + 1];
            rows[i][0] = face;
            System.arraycopy(res, 0, rows[i], 1, res.length);
        }
        String[] titles = new String[targets.length + 1];
        titles[0] = "input";
        for (Expression e : targets) {
            titles[e.ordinal() + 1] = e.id();
        }
        Path grid = dir.resolve("expressions.png");
        Pictures.writePng(Pictures.grid(rows, titles, ZOOM), grid);

        BufferedImage face = rows[0][0];
        BufferedImage[] in = new BufferedImage[STRENGTHS.length];
        Arrays.fill(in, face);
        Expression[] to = new Expression[STRENGTHS.length];
        Arrays.fill(to, strip);
        BufferedImage[] res = editor.edit(in, to, STRENGTHS.clone());
        String[] stripTitles = new String[STRENGTHS.length + 1];
        stripTitles[0] = "input";
        BufferedImage[][] stripRow = {new BufferedImage[STRENGTHS.length + 1]};
        stripRow[0][0] = face;
        for (int i = 0; i < STRENGTHS.length; i++) {
            stripTitles[i + 1] = strip.id() + " " + STRENGTHS[i];
            stripRow[0][i + 1] = res[i];
        }
        Path intensity = dir.resolve("intensity.png");
        Pictures.writePng(Pictures.grid(stripRow, stripTitles, ZOOM), intensity);
        out.printf("wrote %s (rows: identities; columns: the input, then %s) and %s (%s at strength 0 to 1: the "
                + "label interpolated between neutral and %s, an inference-time extension) in %.1f s%n", grid,
                String.join(", ", Arrays.stream(targets).map(Expression::id).toList()), intensity, strip.id(),
                strip.id(), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
