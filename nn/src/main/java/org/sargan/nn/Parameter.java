package org.sargan.nn;

import java.util.Arrays;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * A trainable tensor slot. Tensors are immutable, so an optimiser step puts a new leaf tensor into the slot;
 * modules read {@link #get()} on every forward pass.
 */
public final class Parameter {
    private Tensor value;

    public Parameter(Tensor initial) {
        value = initial.detach().requiresGrad(true);
    }

    public Tensor get() {
        return value;
    }

    /** The gradient accumulated by the last backward passes, or null. */
    public Tensor grad() {
        return value.grad();
    }

    /** Replaces the value (same shape), as a fresh leaf that requires grad; the old gradient is dropped. */
    public void set(Tensor next) {
        if (!Arrays.equals(next.shape(), value.shape())) {
            throw new IllegalArgumentException("parameter: new value " + Shape.str(next.shape())
                    + " does not match shape " + Shape.str(value.shape()));
        }
        value = next.detach().requiresGrad(true);
    }

    public int[] shape() {
        return value.shape();
    }

    public int numel() {
        return value.numel();
    }
}
