package org.sargan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.GradMode;
import org.sargan.core.MemoryScope;
import org.sargan.core.Tensor;

/** The architecture against sargan/README.md: parameter counts, shapes, and how the label reaches the output. */
class ModelTest {

    @Test
    void parameterCountsAt128PixelsWith7Classes() {
        assertEquals(3_014_145, new Generator(new Random(1), Variant.SARGAN, 64, 7).parameterCount());
        assertEquals(2_533_440, new Generator(new Random(1), Variant.USGAN, 64, 7).parameterCount());
        assertEquals(8_436_800, new Generator(new Random(1), Variant.STARGAN, 64, 7).parameterCount());
        assertEquals(44_778_432, new Discriminator(new Random(1), 128, 64, 7, Discriminator.layersFor(128))
                .parameterCount());
    }

    @Test
    void sarbAndHourglassCounts() {
        assertEquals(1_661_377, new SpatialAttentionBlock(new Random(1), 256).parameterCount());
        // the hourglass includes the final 1-channel attention conv
        assertEquals(480_705, new Hourglass(new Random(1), 2, 256, 64).parameterCount());
    }

    @Test
    void discriminatorLayersShrinkWithTheImage() {
        assertEquals(6, Discriminator.layersFor(128));
        assertEquals(5, Discriminator.layersFor(64));
        assertEquals(4, Discriminator.layersFor(32));
    }

    @Test
    void shapesAt32Pixels() {
        Random r = new Random(2);
        Tensor x = Tensor.uniform(r, -1, 1, 2, 3, 32, 32);
        Tensor c = Tensor.of(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, 2, 7);
        try (GradMode.Scope s = GradMode.noGrad()) {
            for (Variant v : Variant.values()) {
                Generator g = new Generator(r, v, 8, 7);
                assertArrayEquals(new int[] {2, 3, 32, 32}, g.forward(x, c).shape(), v.id());
            }
            Discriminator d = new Discriminator(r, 32, 8, 7, Discriminator.layersFor(32));
            Discriminator.Output out = d.forward(x);
            assertArrayEquals(new int[] {2, 1, 2, 2}, out.outSrc().shape());
            assertArrayEquals(new int[] {2, 7}, out.outCls().shape());
        }
    }

    /**
     * The trainer's D step sends real and fake through D as one batch (Trainer.discriminatorStep): that is the same
     * function only because D treats each sample alone. Outputs and the weight gradient of a loss on both halves
     * must match two separate passes.
     */
    @Test
    void theDiscriminatorOnAJoinedBatchIsTheDiscriminatorOnEachHalf() {
        Random r = new Random(4);
        Discriminator d = new Discriminator(r, 32, 8, 7, Discriminator.layersFor(32));
        Tensor a = Tensor.uniform(r, -1, 1, 2, 3, 32, 32);
        Tensor b = Tensor.uniform(r, -1, 1, 3, 3, 32, 32);
        Discriminator.Output oa = d.forward(a);
        Discriminator.Output ob = d.forward(b);
        oa.outSrc().mean().neg().add(ob.outSrc().mean()).add(oa.outCls().sum()).backward();
        Tensor w = d.namedParameters().get("main.0.weight").get();
        float[] separate = w.grad().toArray();
        d.zeroGrad();
        Discriminator.Output both = d.forward(org.sargan.core.ops.Shapes.concat(0, a, b));
        Tensor src = both.outSrc();
        float[] joined = src.toArray();
        float[] parts = org.sargan.core.ops.Shapes.concat(0, oa.outSrc(), ob.outSrc()).toArray();
        assertArrayEquals(parts, joined, 1e-6f, "out_src of the joined batch");
        org.sargan.core.ops.Shapes.narrow(src, 0, 0, 2).mean().neg().add(
                org.sargan.core.ops.Shapes.narrow(src, 0, 2, 3).mean()).add(
                org.sargan.core.ops.Shapes.narrow(both.outCls(), 0, 0, 2).sum()).backward();
        float[] g = w.grad().toArray();
        double scale = 0;
        for (float v : separate) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, "the first layer's weights get a gradient");
        assertArrayEquals(separate, g, (float) (1e-5 * scale), "main.0.weight gradient, joined against separate");
    }

    /**
     * A scoped forward without gradients frees each activation once the next is made (Sequential, ConvLayer, SARB,
     * hourglass): every variant's output must be the same floats as without a scope, and the input stay readable.
     */
    @Test
    void aScopedNoGradForwardGivesTheSameImagesAndKeepsItsInput() {
        Random r = new Random(4);
        Tensor x = Tensor.uniform(r, -1, 1, 2, 3, 32, 32);
        Tensor c = Tensor.of(new float[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2, 7);
        for (Variant v : Variant.values()) {
            Generator g = new Generator(new Random(5), v, 8, 7);
            float[] plain;
            float[] scoped;
            try (GradMode.Scope s = GradMode.noGrad()) {
                plain = g.forward(x, c).toArray();
                try (MemoryScope scope = MemoryScope.open()) {
                    scoped = g.forward(x, c).toArray();
                    assertEquals(2 * 3 * 32 * 32, x.toArray().length);
                }
            }
            assertArrayEquals(plain, scoped, v.id());
        }
    }

    @Test
    void theLabelChangesTheOutput() {
        Random r = new Random(3);
        Generator g = new Generator(r, Variant.SARGAN, 8, 7);
        Tensor x = Tensor.uniform(r, -1, 1, 1, 3, 32, 32);
        float[] a;
        float[] b;
        try (GradMode.Scope s = GradMode.noGrad()) {
            a = g.forward(x, Tensor.of(new float[] {0, 0, 0, 1, 0, 0, 0}, 1, 7)).toArray();
            b = g.forward(x, Tensor.of(new float[] {0, 0, 0, 0, 0, 1, 0}, 1, 7)).toArray();
        }
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        assertTrue(diff > 1e-3, "happy and sad targets give different images (max difference " + diff + ")");
    }

    @Test
    void badInputsAreNamed() {
        Generator g = new Generator(new Random(4), Variant.USGAN, 4, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.forward(Tensor.zeros(1, 3, 20, 20), Tensor.zeros(1, 7)));
        assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.forward(Tensor.zeros(2, 3, 32, 32), Tensor.zeros(2, 5)));
        assertTrue(e.getMessage().contains("[2, 7]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("cyclegan"));
        assertTrue(e.getMessage().contains("valid: sargan, usgan, stargan"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Discriminator(new Random(1), 100, 8, 7, 6));
    }
}
