package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Shapes;

/** The engine's behaviour around the gradients: accumulation, graph release, no-grad, detach, grad(). */
class AutogradTest {
    private static final float TOL = (float) Tolerances.FP32_OP;

    @Test
    void readmeExample() {
        Tensor w = Tensor.of(new float[] {2, -1}, 2).requiresGrad(true);
        Tensor x = Tensor.of(new float[] {3, 4}, 2);
        Tensor loss = w.mul(x).sum();
        assertEquals(2f, loss.item(), TOL);
        loss.backward();
        assertArrayEquals(new float[] {3, 4}, w.grad().toArray(), TOL);
    }

    @Test
    void gradientsAccumulateAcrossCallsUntilZeroed() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        w.mul(w).sum().backward();
        w.mul(3f).sum().backward();
        assertArrayEquals(new float[] {2 + 3, 4 + 3}, w.grad().toArray(), TOL);
        w.zeroGrad();
        assertNull(w.grad());
    }

    /**
     * Gradients that meet are added in place when only one holder has the first (Backend.accumulate). add's backward
     * hands one gradient to both of its inputs: here w and v first share it, so adding w's second contribution into
     * that memory would change v's gradient too. And a gradient kept from an earlier backward is the caller's.
     */
    @Test
    void gradientsThatMeetAreAddedWithoutTouchingAnotherHoldersGradient() {
        Tensor c = Tensor.of(new float[] {10, 20, 30}, 3);
        for (boolean sharedFirst : new boolean[] {true, false}) {
            Tensor w0 = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
            Tensor v0 = Tensor.of(new float[] {-1, 5, 0.5f}, 3).requiresGrad(true);
            // d/dw = 2 (through w + v, doubled) + c; d/dv = 2; either path may reach w first
            Tensor shared = w0.add(v0).mul(2f).sum();
            Tensor own = w0.mul(c).sum();
            (sharedFirst ? own.add(shared) : shared.add(own)).backward();
            assertArrayEquals(new float[] {12, 22, 32}, w0.grad().toArray(), TOL, "w, shared first " + sharedFirst);
            assertArrayEquals(new float[] {2, 2, 2}, v0.grad().toArray(), TOL, "v, shared first " + sharedFirst);
        }
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        w.add(w.mul(0f)).mul(2f).sum().add(w.mul(c).sum()).backward();
        Tensor earlier = w.grad();
        float[] kept = earlier.toArray();
        assertArrayEquals(new float[] {12, 22, 32}, kept, TOL);
        w.mul(c).sum().add(w.sum()).backward();
        assertArrayEquals(kept, earlier.toArray(), 0f, "a gradient from an earlier backward is left as it was");
        assertArrayEquals(new float[] {12 + 11, 22 + 21, 32 + 31}, w.grad().toArray(), TOL);
        // a leaf reached by three paths in one pass: the later two are added in place
        Tensor u = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        u.mul(u).sum().add(u.mul(3f).sum()).add(u.sum()).backward();
        assertArrayEquals(new float[] {2 + 3 + 1, -4 + 3 + 1}, u.grad().toArray(), TOL);
    }

    /**
     * backwardFreeing gives the same gradients as backward and frees the intermediate results as it goes, but
     * never the root, the leaves, a kept tensor, or a view whose base a later rule still reads (reshape of tanh's
     * output, which tanh's own rule reads after the reshape's).
     */
    @Test
    void backwardFreeingGivesTheSameGradientsAndFreesTheIntermediates() {
        float[][] grads = new float[2][];
        for (int k = 0; k < 2; k++) {
            Tensor w = Tensor.of(new float[] {0.5f, -1, 2, 0.25f, -0.75f, 1.5f}, 2, 3).requiresGrad(true);
            try (MemoryScope step = MemoryScope.open()) {
                Tensor h = w.mul(w).tanh();
                Tensor v = Shapes.reshape(h, 3, 2);
                Tensor kept = step.keep(v.mul(2f));
                Tensor loss = kept.add(Shapes.reshape(w, 3, 2)).sigmoid().sum();
                if (k == 0) {
                    loss.backward();
                    assertEquals(6, h.toArray().length, "after backward the intermediates are readable");
                } else {
                    Autograd.backwardFreeing(loss);
                    IllegalStateException e = assertThrows(IllegalStateException.class, h::toArray);
                    assertTrue(e.getMessage().contains("freed"), e.getMessage());
                    assertEquals(6, kept.toArray().length, "a kept intermediate stays");
                    assertTrue(Float.isFinite(loss.item()), "the root stays");
                    assertEquals(6, w.toArray().length, "the leaf stays");
                }
                grads[k] = w.grad().toArray();
                step.keep(w.grad());
            }
        }
        assertArrayEquals(grads[0], grads[1], 0f, "gradients of backwardFreeing against backward");
    }

    @Test
    void sharedSubexpressionSumsBothPaths() {
        // y = a*a + a: dy/da = 2a + 1, the graph has a diamond
        Tensor a = Tensor.of(new float[] {3}, 1).requiresGrad(true);
        Tensor b = a.mul(a);
        b.add(a).sum().backward();
        assertEquals(7f, a.grad().item(), TOL);
    }

    @Test
    void graphIsReleasedAfterBackwardUnlessRetained() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor loss = w.exp().sum();
        loss.backward(Tensor.scalar(1f), true);
        loss.backward(Tensor.scalar(1f), false);
        assertArrayEquals(new float[] {2 * (float) Math.E, 2 * (float) Math.exp(2)}, w.grad().toArray(), 1e-5f);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor y = w.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(w.mul(2f).requiresGrad(), "grad mode restored after the scope");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor w = Tensor.of(new float[] {2}, 1).requiresGrad(true);
        // d/dw (w * detach(w)) = detach(w) = 2, not 2w = 4
        w.mul(w.detach()).sum().backward();
        assertEquals(2f, w.grad().item(), TOL);
    }

    @Test
    void gradReturnsWithoutTouchingDotGrad() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = x.mul(w).sum();
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, false);
        assertArrayEquals(new float[] {3, 4}, g[0].toArray(), TOL);
        assertNull(x.grad());
        assertNull(w.grad(), "w was not asked for and gets nothing");
    }

    @Test
    void createGraphGivesDifferentiableGradients() {
        // y = x^3, dy/dx = 3x^2, d2y/dx2 = 6x
        Tensor x = Tensor.of(new float[] {2}, 1).requiresGrad(true);
        Tensor dy = Autograd.grad(new Tensor[] {x.pow(3f).sum()}, new Tensor[] {x}, null, true)[0];
        assertEquals(12f, dy.item(), TOL);
        assertTrue(dy.requiresGrad());
        dy.sum().backward();
        assertEquals(12f, x.grad().item(), TOL);
    }

    @Test
    void gradWithRespectToAnIntermediate() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor h = x.mul(2f);
        Tensor y = h.mul(h).sum();
        Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {h}, null, false);
        assertArrayEquals(new float[] {4, 8}, g[0].toArray(), TOL);
    }

    @Test
    void labelReachesOutputThroughZeroPaddingOnly() {
        // The reason SARGAN's first conv zero-pads: instance norm erases a constant plane, the zero border does not.
        Tensor img = Tensor.zeros(1, 1, 4, 4);
        float[] out = new float[2];
        for (int label = 0; label < 2; label++) {
            float[] l = new float[2];
            l[label] = 1;
            Tensor x = Shapes.concat(1, img,
                    Shapes.tile(Tensor.of(l, 1, 2), 4, 4));
            Tensor w = Tensor.of(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                0, 0, 0, 0, 0, 0, 0, 0, 0}, 1, 3, 3, 3);
            Tensor y = Convolutions.conv2d(x, w, null, 1, 1);
            Tensor n = Normalization.instanceNorm(y, Tensor.ones(1), Tensor.zeros(1), 1e-5f);
            out[label] = n.toArray()[0];
        }
        assertTrue(Math.abs(out[0] - out[1]) > 0.1f, "label changes the normalised output: " + out[0] + " vs " + out[1]);
    }
}
