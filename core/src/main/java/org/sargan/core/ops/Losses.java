package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** Softmax, softmax cross-entropy (mean over the batch) and the L1 loss. */
public final class Losses {
    private Losses() {
    }

    /** Softmax over the last dimension of logits (N, K). */
    public static Tensor softmax(Tensor x) {
        Shape.checkRank("softmax", "input", x, 2, "(N, K)");
        Tensor y = x.backend().softmax(x);
        // dx = y * (gy - sum(gy * y)) per row: differentiable again through y
        return Autograd.record("softmax", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            y.mul(gy.sub(gy.mul(y).sum(new int[] {1}, true)))});
    }

    /** {@code mean_i -log softmax(logits_i)[labels_i]}: logits (N, K), one class index in [0, K) per row. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        Shape.checkRank("cross_entropy", "logits", logits, 2, "(N, K)");
        int n = logits.dim(0);
        int k = logits.dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("cross_entropy: " + labels.length + " labels for logits "
                    + Shape.str(logits.shape()) + ", expected " + n);
        }
        float[] onehot = new float[n * k];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("cross_entropy: label " + labels[i] + " at row " + i
                        + " is outside [0, " + k + ")");
            }
            onehot[i * k + labels[i]] = 1f;
        }
        int[] target = labels.clone();
        Tensor y = logits.backend().crossEntropy(logits, target);
        return Autograd.record("cross_entropy", y, new Tensor[] {logits}, (gy, needs) -> {
            Tensor t = new Tensor(logits.backend().upload(onehot), new int[] {n, k});
            return new Tensor[] {softmax(logits).sub(t).mul(gy.mul(1f / n))};
        });
    }

    /** {@code mean |a - b|} (the cycle-reconstruction loss). */
    public static Tensor l1(Tensor a, Tensor b) {
        Shape.checkSame("l1_loss", a, b);
        return a.sub(b).abs().mean();
    }
}
