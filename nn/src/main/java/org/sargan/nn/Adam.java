package org.sargan.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Optimiser;

/**
 * Adam (Kingma and Ba), as PyTorch computes it: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). SARGAN uses lr 1e-4, betas (0.5, 0.999).
 */
public final class Adam {
    private final Map<String, Parameter> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private float lr;
    private long step;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();

    public Adam(Module model, float lr, float beta1, float beta2) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam: lr " + lr + ", betas (" + beta1 + ", " + beta2
                    + ") must satisfy lr >= 0 and 0 <= beta < 1");
        }
        this.params = model.namedParameters();
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = 1e-8f;
    }

    public float lr() {
        return lr;
    }

    public void setLr(float lr) {
        this.lr = lr;
    }

    public long stepCount() {
        return step;
    }

    /** One update of every parameter that has a gradient; parameters without one are left as they are. */
    public void step() {
        step++;
        float c1 = 1 - (float) Math.pow(beta1, step);
        float c2 = (float) Math.sqrt(1 - Math.pow(beta2, step));
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Tensor g = e.getValue().grad();
                if (g == null) {
                    continue;
                }
                String k = e.getKey();
                Tensor p = e.getValue().get();
                // one fused kernel per parameter: reads p, g, m, v once, writes p, m, v once
                Optimiser.AdamStep r = Optimiser.adam(p, g, m.get(k), v.get(k), lr / c1, 1 / c2, beta1, beta2, eps);
                // the old weights and moments are obsolete. The CPU backend wrote the new ones into their memory (as
                // PyTorch's in-place update); a backend that made new ones gets the old freed now if a MemoryScope is
                // open (waiting for it to close would hold both copies of every parameter at the end of the update)
                e.getValue().set(r.param());
                freeIfReplaced(p, r.param());
                freeIfReplaced(m.put(k, r.expAvg()), r.expAvg());
                freeIfReplaced(v.put(k, r.expAvgSq()), r.expAvgSq());
            }
        }
    }

    private static void freeIfReplaced(Tensor old, Tensor now) {
        if (old != null && old.storage() != now.storage()) {
            MemoryScope.free(old);
        }
    }

    /** The moments by "name.exp_avg" / "name.exp_avg_sq" (PyTorch's names), for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put(k + ".exp_avg", t));
        v.forEach((k, t) -> out.put(k + ".exp_avg_sq", t));
        return out;
    }

    /** Restores {@link #state()} and the step count, checking every name belongs to a parameter. */
    public void load(Map<String, Tensor> state, long steps) {
        m.clear();
        v.clear();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            boolean avg = key.endsWith(".exp_avg");
            boolean sq = key.endsWith(".exp_avg_sq");
            String name = key.substring(0, key.lastIndexOf('.'));
            Parameter p = params.get(name);
            if ((!avg && !sq) || p == null || !Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("Adam: optimiser state '" + key + "' does not match any parameter"
                        + " of this model");
            }
            (avg ? m : v).put(name, e.getValue());
        }
        this.step = steps;
    }
}
