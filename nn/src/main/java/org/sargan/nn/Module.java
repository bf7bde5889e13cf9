package org.sargan.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * A node of the model tree: its own parameters and its child modules, both named. The dotted path of a parameter
 * ({@code main.0.weight}) is its key in PyTorch's state dict, so weights can move between the two.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected final Parameter parameter(String name, Tensor initial) {
        Parameter p = new Parameter(initial);
        if (params.put(name, p) != null || children.containsKey(name)) {
            throw new IllegalStateException(getClass().getSimpleName() + ": name '" + name + "' registered twice");
        }
        return p;
    }

    protected final <M extends Module> M child(String name, M module) {
        if (children.put(name, module) != null || params.containsKey(name)) {
            throw new IllegalStateException(getClass().getSimpleName() + ": name '" + name + "' registered twice");
        }
        return module;
    }

    /** Direct children in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this tree by dotted name, in registration order (PyTorch's order). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        params.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, m) -> m.collect(prefix + n + ".", out));
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * Turns gradient recording for every parameter on or off: a frozen module still passes gradients through to its
     * inputs but computes none for its own weights (the critic during a generator step).
     */
    public void setRequiresGrad(boolean value) {
        for (Parameter p : namedParameters().values()) {
            p.get().requiresGrad(value);
        }
    }

    /** Forgets all accumulated gradients. */
    public void zeroGrad() {
        for (Parameter p : namedParameters().values()) {
            p.get().zeroGrad();
        }
    }

    /** The current values by dotted name (shared storage, no copy). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.get().detach()));
        return out;
    }

    /**
     * Loads values by dotted name. Every parameter must be present with its exact shape and finite values; keys that
     * belong to no parameter are refused too, unless listed as ignorable by their prefix. Nothing is changed unless
     * all match.
     *
     * @param ignoredPrefixes keys starting with one of these are skipped (e.g. modules the reference registers but
     *                        never uses)
     */
    public void loadStateDict(Map<String, Tensor> state, String... ignoredPrefixes) {
        Map<String, Parameter> mine = namedParameters();
        TreeSet<String> missing = new TreeSet<>(mine.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k) && Arrays.stream(ignoredPrefixes).noneMatch(k::startsWith)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": weights do not match the model"
                    + (missing.isEmpty() ? "" : "; missing " + abbreviate(missing))
                    + (unexpected.isEmpty() ? "" : "; unexpected " + abbreviate(unexpected)));
        }
        for (Map.Entry<String, Parameter> e : mine.entrySet()) {
            int[] want = e.getValue().shape();
            int[] got = state.get(e.getKey()).shape();
            if (!Arrays.equals(want, got)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": weight '" + e.getKey() + "' has shape "
                        + Shape.str(got) + ", the model expects " + Shape.str(want));
            }
        }
        for (String k : mine.keySet()) {
            float[] v = state.get(k).toArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": weight '" + k + "' holds " + v[i]
                            + " at element " + i + " of " + v.length + "; weights must be finite (a diverged run or a"
                            + " corrupt file)");
                }
            }
        }
        mine.forEach((n, p) -> p.set(state.get(n)));
    }

    private static String abbreviate(TreeSet<String> keys) {
        String list = String.join(", ", keys.stream().limit(5).toList());
        return keys.size() > 5 ? list + " and " + (keys.size() - 5) + " more" : list;
    }
}
