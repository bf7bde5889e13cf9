package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;

/** Sequential frees each intermediate result of a forward pass without gradients once the next layer has run. */
class SequentialTest {
    /** Doubles its input and remembers it. */
    private static final class Spy extends Layer {
        Tensor seen;

        @Override
        public Tensor forward(Tensor x) {
            seen = x;
            return x.mul(2f);
        }

        @Override
        public int[] outputShape(int[] s) {
            return s.clone();
        }
    }

    private static final float[] X = {1, -2, 3};
    private static final float[] Y = {8, -16, 24};

    @Test
    void noGradForwardInAScopeFreesIntermediatesButNotTheInputOrTheResult() {
        Spy a = new Spy();
        Spy b = new Spy();
        Spy c = new Spy();
        Sequential seq = new Sequential(a, b, c);
        Tensor x = Tensor.of(X.clone(), 3);
        try (MemoryScope scope = MemoryScope.open(); GradMode.Scope g = GradMode.noGrad()) {
            Tensor y = seq.forward(x);
            assertArrayEquals(Y, y.toArray());
            assertArrayEquals(X, x.toArray());
            assertArrayEquals(X, a.seen.toArray());
            assertThrows(IllegalStateException.class, () -> b.seen.toArray(), "a's output, read by b only");
            assertThrows(IllegalStateException.class, () -> c.seen.toArray(), "b's output, read by c only");
        }
    }

    @Test
    void withGradientsOrOutsideAScopeIntermediatesStayReadable() {
        Spy a = new Spy();
        Spy b = new Spy();
        Sequential seq = new Sequential(a, b, new Spy());
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(X.clone(), 3).requiresGrad(true);
            assertArrayEquals(Y, seq.forward(x).toArray());
            assertArrayEquals(new float[] {2, -4, 6}, b.seen.toArray(), "autograd may still need it");
        }
        try (GradMode.Scope g = GradMode.noGrad()) {
            assertArrayEquals(Y, seq.forward(Tensor.of(X.clone(), 3)).toArray());
            assertArrayEquals(new float[] {2, -4, 6}, b.seen.toArray(), "no scope: nothing is freed early");
        }
    }
}
