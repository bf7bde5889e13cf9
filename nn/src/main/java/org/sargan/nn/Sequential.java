package org.sargan.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;

/** Layers applied in order; children are named "0", "1", ... as in PyTorch's nn.Sequential. */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    public Sequential add(Layer layer) {
        child(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Tensor next;
            if (l instanceof InstanceNorm2d norm && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof Activation a && a.kind() == Activation.Kind.RELU) {
                next = norm.forwardRelu(y); // both layers as one op, which saves one activation for backward
                i++;
            } else {
                next = l.forward(y);
            }
            // without gradients nothing reads y again: free it now (in a scope) rather than when the scope ends
            MemoryScope.freeIntermediate(y, next, x);
            y = next;
        }
        return y;
    }

    @Override
    public int[] outputShape(int[] s) {
        int[] y = s;
        for (Layer l : layers) {
            y = l.outputShape(y);
        }
        return y;
    }
}
