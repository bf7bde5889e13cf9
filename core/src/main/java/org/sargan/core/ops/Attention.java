package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.GradMode;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/** The SARB spatial-attention gating, fused: {@code y = identity + h * sigmoid(z)}. */
public final class Attention {
    private Attention() {
    }

    /**
     * identity and h (N, C, H, W); z (N, 1, H, W) are the attention logits, whose sigmoid is broadcast over the C
     * channels. Forward and backward are one fused kernel each (one read of h and z; the channel sum for dz in the
     * same pass); under create_graph the backward is composed from differentiable ops instead.
     */
    public static Tensor gate(Tensor identity, Tensor h, Tensor z) {
        Shape.checkRank("attention_gate", "identity", identity, 4, "(N, C, H, W)");
        Shape.checkSame("attention_gate", identity, h);
        int[] hs = h.shape();
        int[] zs = z.shape();
        if (zs.length != 4 || zs[0] != hs[0] || zs[1] != 1 || zs[2] != hs[2] || zs[3] != hs[3]) {
            throw new IllegalArgumentException("attention_gate: attention logits " + Shape.str(zs) + " must be (N, 1, H, W) = "
                    + Shape.str(new int[] {hs[0], 1, hs[2], hs[3]}) + " for features " + Shape.str(hs));
        }
        Elementwise.backendOf("attention_gate", identity, h);
        Elementwise.backendOf("attention_gate", h, z);
        Tensor y = h.backend().attentionGate(identity, h, z);
        return Autograd.record("attention_gate", y, new Tensor[] {identity, h, z}, (gy, needs) -> {
            if (GradMode.isEnabled()) {
                Tensor m = z.sigmoid();
                return new Tensor[] {
                    gy,
                    needs[1] ? gy.mul(m) : null,
                    needs[2] ? gy.mul(h).sum(new int[] {1}, true).mul(m.mul(m.neg().add(1f))) : null};
            }
            Tensor[] g = gy.backend().attentionGateGrad(gy, h, z);
            return new Tensor[] {gy, g[0], g[1]};
        });
    }
}
