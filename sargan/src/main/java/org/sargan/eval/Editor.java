package org.sargan.eval;

import java.awt.image.BufferedImage;
import org.sargan.data.Expression;

/**
 * What the evaluation measures: images[i] edited to targets[i]. {@link org.sargan.api.ExpressionEditor#edit} is
 * one (so the numbers describe exactly what {@code sargan translate} writes: 8-bit images at the model's size);
 * the tests use a do-nothing editor and a perfect one.
 */
@FunctionalInterface
public interface Editor {
    BufferedImage[] edit(BufferedImage[] images, Expression[] targets);
}
