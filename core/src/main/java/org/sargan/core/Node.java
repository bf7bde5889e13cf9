package org.sargan.core;

/**
 * One recorded op in the autograd graph: its inputs and the local backward rule that turns the gradient of its
 * output into gradients of its inputs. The rule is written with differentiable tensor ops, so running it with
 * grad mode on (create_graph) records the backward pass itself: that is what gives double backward.
 */
public final class Node {
    /**
     * The local backward rule of an op.
     */
    @FunctionalInterface
    public interface Backward {
        /**
         * @param gy    gradient of the op's output
         * @param needs which inputs need a gradient; the rule may return null for the others (and skip their work)
         * @return one gradient per input, shaped like that input, or null where not needed
         */
        Tensor[] apply(Tensor gy, boolean[] needs);
    }

    private final String op;
    private final Tensor[] inputs;
    private Backward backward;
    /** The memory of the op's output (for {@link Autograd#backwardFreeing}); null until recorded. */
    Storage output;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    Tensor[] inputs() {
        return inputs;
    }

    Tensor[] apply(Tensor gy, boolean[] needs) {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: its saved tensors were "
                    + "released after the first backward; pass retainGraph=true (or createGraph) to the first call");
        }
        return backward.apply(gy, needs);
    }

    /** Drops the saved tensors (they live in the rule's closure) so their memory can be reclaimed. */
    void release() {
        backward = null;
    }
}
