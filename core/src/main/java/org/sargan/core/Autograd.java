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
                Node node = new Node(op, inputs.clone(), backward);
                node.output = out.storage();
                out.setGradFn(node);
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
        run(new Tensor[] {root}, new Tensor[] {seed(root, gradRoot)}, null, false, retainGraph, false);
    }

    /**
     * {@link #backward} that also frees each op's output once the graph no longer reads it (after that op's own
     * backward rule, which runs after those of every op that used the output), as PyTorch frees a node's saved
     * tensors: a training step then does not hold all its activations until its scope closes. Only outputs made in
     * an open {@link MemoryScope} and kept by none are freed, never the root, a view of an input, or a gradient; the
     * caller must read no intermediate result of the graph afterwards (read the losses before calling this).
     */
    public static void backwardFreeing(Tensor root) {
        checkRoot("backward", root, null, 0);
        run(new Tensor[] {root}, new Tensor[] {seed(root, null)}, null, false, false, true);
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
        Map<Object, Tensor> found = run(outputs, seeds, inputs, createGraph, createGraph, false);
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
     * computes only what the targets need and returns their gradients keyed by {@link #key}. With
     * {@code freeOutputs}, each op's output is freed once backward is past it ({@link #backwardFreeing}).
     */
    private static Map<Object, Tensor> run(Tensor[] roots, Tensor[] seeds, Tensor[] targets, boolean createGraph,
            boolean retainGraph, boolean freeOutputs) {
        if (createGraph) {
            // the gradients are part of a graph that lives on: nothing made here may be freed early
            return run(roots, seeds, targets, true, retainGraph, null);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Pass pass = new Pass(scope, freeOutputs ? roots : null);
            Map<Object, Tensor> grads = run(roots, seeds, targets, false, retainGraph, pass);
            // what the caller gets: the leaves' gradients and the targets'; everything else made here is dead
            pass.leafGrads.forEach(scope::keep);
            grads.values().forEach(scope::keep);
            return grads;
        }
    }

    /**
     * The bookkeeping that frees a gradient as soon as the engine has passed it on (as PyTorch does), instead of
     * at the end of the training step: for each storage, how many accumulators and leaf gradients hold it.
     * Only storages made during this backward pass are ever freed; a backward function may hand its incoming
     * gradient on unchanged (add does, to both inputs) or as a view (reshape does), which the counts cover.
     */
    private static final class Pass {
        final MemoryScope scope;
        final Map<Storage, Integer> refs = new IdentityHashMap<>();
        final List<Tensor> leafGrads = new ArrayList<>();
        /** For backwardFreeing, the roots (whose outputs are never freed); null for a plain backward. */
        final Tensor[] roots;

        Pass(MemoryScope scope, Tensor[] roots) {
            this.scope = scope;
            this.roots = roots;
        }

        void hold(Tensor t) {
            refs.merge(t.storage(), 1, Integer::sum);
        }

        /** One holder of t let go of it; free t if it was the last and this pass made it. */
        void drop(Tensor t) {
            Storage s = t.storage();
            Integer n = refs.get(s);
            if (n != null && n > 1) {
                refs.put(s, n - 1);
                return;
            }
            refs.remove(s);
            scope.releaseIfMade(s);
        }

        /** For backwardFreeing: node has run, every user of its output ran before it; free the output if ours. */
        void freeOutput(Node node, Tensor[] gin) {
            Storage s = node.output;
            if (s == null || refs.containsKey(s)) {
                return;
            }
            for (Tensor r : roots) {
                if (r.storage() == s) {
                    return;
                }
            }
            for (Tensor in : node.inputs()) {
                if (in != null && in.storage() == s) {
                    return; // a view of its input: the input's own users may not have run
                }
            }
            for (Tensor g : gin) {
                if (g != null && g.storage() == s) {
                    return;
                }
            }
            MemoryScope.releaseIfAnOpenScopeMade(s);
        }

        /**
         * Whether acc may take g's values in place: one holder (the leaf gradient or accumulator asking), made in
         * this pass (so that no caller has it), and not g's own memory.
         */
        boolean sole(Tensor acc, Tensor g) {
            Storage s = acc.storage();
            return s != g.storage() && refs.getOrDefault(s, 0) == 1 && scope.owns(s);
        }

        /** t was computed and used, but is held by nobody (unless by another name): free it if so. */
        void dropIfUnheld(Tensor t) {
            if (!refs.containsKey(t.storage())) {
                scope.releaseIfMade(t.storage());
            }
        }
    }

    private static Map<Object, Tensor> run(Tensor[] roots, Tensor[] seeds, Tensor[] targets, boolean createGraph,
            boolean retainGraph, Pass pass) {
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
                accumulate(grads, key(roots[i]), seeds[i], pass);
            }
            for (int n = order.size() - 1; n >= 0; n--) {
                Node node = order.get(n);
                boolean target = isTarget.containsKey(node);
                Tensor gy = target ? grads.get(node) : grads.remove(node);
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
                    if (pass != null && pass.roots != null) {
                        pass.freeOutput(node, gin);
                    }
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
                        Tensor now = old == null ? (createGraph ? g : g.detach())
                                : pass != null && pass.sole(old, g) ? old.backend().accumulate(old, g)
                                : Elementwise.add(old, g);
                        if (now == old) {
                            // added in place (only this leaf held old, made in this pass): no third array
                            pass.dropIfUnheld(g);
                            continue;
                        }
                        inputs[i].setGrad(now);
                        if (pass != null) {
                            pass.hold(now);
                            pass.leafGrads.add(now);
                            if (old != null) {
                                pass.leafGrads.remove(old);
                                pass.drop(old);
                                pass.dropIfUnheld(g);
                            }
                        }
                    } else {
                        accumulate(grads, key(inputs[i]), g, pass);
                    }
                }
                if (pass != null && !target) {
                    // gy's accumulator is gone and its node has run: nothing of the engine reads it again
                    pass.drop(gy);
                }
            }
        }
        return grads;
    }

    private static void accumulate(Map<Object, Tensor> grads, Object k, Tensor g, Pass pass) {
        Tensor old = grads.get(k);
        Tensor now = old == null ? g
                : pass != null && pass.sole(old, g) ? old.backend().accumulate(old, g)
                : Elementwise.add(old, g);
        if (now == old) {
            // added in place (only this accumulator held old, made in this pass)
            pass.dropIfUnheld(g);
            return;
        }
        grads.put(k, now);
        if (pass != null) {
            pass.hold(now);
            if (old != null) {
                pass.drop(old);
                pass.dropIfUnheld(g);
            }
        }
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
