package org.sargan.nn;

import org.sargan.core.Tensor;

/** A module with one input and one output: what {@link Sequential} chains. */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);

    /** The output shape for an input shape, without computing anything (used by model summaries). */
    public abstract int[] outputShape(int[] inputShape);
}
