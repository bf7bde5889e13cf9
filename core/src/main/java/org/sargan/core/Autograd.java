package org.sargan.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.sargan.core.ops.Elementwise;

/**
 * Reverse-mode automatic differentiation: record ops as {@link Node}s while computing, then walk the graph from
 * the output back to the inputs in reverse topological order, applying each node's local rule (the chain rule).
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Attaches a backward rule to an op's output when grad mode is on and some input requires a gradient.
     * This is the one place where the graph grows; custom ops call it too.
     *
     * @return {@code out}, now with {@code gradFn} set when recorded
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Node.Backward backward) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.setGradFn(new Node(op, inputs.clone(), backward));
                return out;
            }
        }
        return out;
    }

    /**
     * Accumulates d root / d leaf into {@code leaf.grad()} for every leaf that requires a gradient.
     *
     * @param gradRoot gradient of the root; null means 1 and then the root must be a single element
     * @param retainGraph keep the saved tensors so that a second backward through the same graph is possible
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph) {
        checkRoot("backward", root, gradRoot, 0);
        run(new Tensor[] {root}, new Tensor[] {seed(root, gradRoot)}, null, false, retainGraph);
    }

    /**
     * The gradients of {@code outputs} (weighted by {@code gradOutputs}) with respect to {@code inputs}, returned
     * instead of accumulated into {@code .grad}. With {@code createGraph} the returned gradients are themselves
     * differentiable (double backward) and the graph is kept.
     *
     * @param gradOutputs one per output, or null for all ones on single-element outputs
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean createGraph) {
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad: " + outputs.length + " outputs but " + gradOutputs.length
                    + " gradOutputs");
        }
        Tensor[] seeds = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            Tensor g = gradOutputs == null ? null : gradOutputs[i];
            checkRoot("grad", outputs[i], g, i);
            seeds[i] = seed(outputs[i], g);
        }
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " " + Shape.str(inputs[i].shape())
                        + " does not require grad");
            }
        }
        Map<Object, Tensor> found = run(outputs, seeds, inputs, createGraph, createGraph);
        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            result[i] = found.get(key(inputs[i]));
            if (result[i] == null) {
                throw new IllegalArgumentException("grad: input " + i + " " + Shape.str(inputs[i].shape())
                        + " is not used to compute the outputs");
            }
        }
        return result;
    }

    private static void checkRoot(String op, Tensor root, Tensor g, int i) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException(op + ": output " + i + " " + Shape.str(root.shape())
                    + " does not require grad (no input of it requires grad, or it was computed under noGrad)");
        }
        if (g == null && root.numel() != 1) {
            throw new IllegalArgumentException(op + ": output " + i + " has shape " + Shape.str(root.shape())
                    + "; a gradient output is needed unless it is a single element");
        }
        if (g != null && !Arrays.equals(g.shape(), root.shape())) {
            throw new IllegalArgumentException(op + ": gradient output " + Shape.str(g.shape())
                    + " does not match output " + Shape.str(root.shape()));
        }
    }

    private static Tensor seed(Tensor root, Tensor g) {
        if (g != null) {
            return g;
        }
        try (GradMode.Scope s = GradMode.noGrad()) {
            return Tensor.ones(root.shape());
        }
    }

    /** Grad accumulators are keyed by node for computed tensors and by the tensor itself for leaves. */
    private static Object key(Tensor t) {
        return t.gradFn() != null ? t.gradFn() : t;
    }

    /**
     * The engine. With {@code targets == null} it accumulates into the leaves' {@code .grad}; otherwise it
     * computes only what the targets need and returns their gradients keyed by {@link #key}.
     */
    private static Map<Object, Tensor> run(Tensor[] roots, Tensor[] seeds, Tensor[] targets, boolean createGraph,
            boolean retainGraph) {
        List<Node> order = topologicalOrder(roots);
        Map<Object, Boolean> isTarget = new IdentityHashMap<>();
        if (targets != null) {
            for (Tensor t : targets) {
                isTarget.put(key(t), Boolean.TRUE);
            }
        }
        Map<Node, Boolean> needed = targets == null ? null : neededNodes(order, isTarget);
        Map<Object, Tensor> grads = new IdentityHashMap<>();
        try (GradMode.Scope s = GradMode.set(createGraph)) {
            for (int i = 0; i < roots.length; i++) {
                accumulate(grads, key(roots[i]), seeds[i]);
            }
            for (int n = order.size() - 1; n >= 0; n--) {
                Node node = order.get(n);
                Tensor gy = isTarget.containsKey(node) ? grads.get(node) : grads.remove(node);
                if (gy == null || (needed != null && !needed.get(node))) {
                    continue;
                }
                Tensor[] inputs = node.inputs();
                boolean[] needs = new boolean[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    needs[i] = in != null && in.requiresGrad()
                            && (needed == null || isTarget.containsKey(key(in))
                                || (in.gradFn() != null && needed.get(in.gradFn())));
                }
                Tensor[] gin = node.apply(gy, needs);
                if (!retainGraph) {
                    node.release();
                }
                for (int i = 0; i < inputs.length; i++) {
                    if (!needs[i]) {
                        continue;
                    }
                    Tensor g = gin[i];
                    if (g == null || !Arrays.equals(g.shape(), inputs[i].shape())) {
                        throw new IllegalStateException("backward of '" + node.op() + "' returned "
                                + (g == null ? "no gradient" : "a gradient of shape " + Shape.str(g.shape()))
                                + " for input " + i + " of shape " + Shape.str(inputs[i].shape()));
                    }
                    if (targets == null && inputs[i].isLeaf()) {
                        Tensor old = inputs[i].grad();
                        inputs[i].setGrad(old == null ? (createGraph ? g : g.detach()) : Elementwise.add(old, g));
                    } else {
                        accumulate(grads, key(inputs[i]), g);
                    }
                }
            }
        }
        return grads;
    }

    private static void accumulate(Map<Object, Tensor> grads, Object k, Tensor g) {
        Tensor old = grads.get(k);
        grads.put(k, old == null ? g : Elementwise.add(old, g));
    }

    /** Nodes reachable from the roots, each after all nodes that produce its inputs (iterative post-order DFS). */
    private static List<Node> topologicalOrder(Tensor[] roots) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor r : roots) {
            if (r.gradFn() != null && seen.put(r.gradFn(), Boolean.TRUE) == null) {
                stack.push(new Object[] {r.gradFn(), 0});
            }
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Node node = (Node) top[0];
                int next = (Integer) top[1];
                Tensor[] inputs = node.inputs();
                if (next < inputs.length) {
                    top[1] = next + 1;
                    Tensor in = inputs[next];
                    if (in != null && in.gradFn() != null && seen.put(in.gradFn(), Boolean.TRUE) == null) {
                        stack.push(new Object[] {in.gradFn(), 0});
                    }
                } else {
                    stack.pop();
                    order.add(node);
                }
            }
        }
        return order;
    }

    /** For grad(): a node is needed when a target is among its inputs or among what its inputs depend on. */
    private static Map<Node, Boolean> neededNodes(List<Node> order, Map<Object, Boolean> isTarget) {
        Map<Node, Boolean> needed = new IdentityHashMap<>();
        for (Node node : order) {
            boolean need = false;
            for (Tensor in : node.inputs()) {
                if (in != null && in.requiresGrad() && (isTarget.containsKey(key(in))
                        || (in.gradFn() != null && needed.get(in.gradFn())))) {
                    need = true;
                    break;
                }
            }
            needed.put(node, need);
        }
        return needed;
    }
}
