package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions.Padding;

class ModuleTest {
    private static Sequential small(long seed) {
        Random r = new Random(seed);
        return new Sequential(new Conv2d(r, 3, 4, 3, 1, 1, false, Padding.ZERO), new InstanceNorm2d(4),
                Activation.relu(), new ConvTranspose2d(r, 4, 2, 4, 2, 1, true));
    }

    @Test
    void parameterNamesFollowPyTorchStateDictKeys() {
        Sequential m = small(1);
        assertEquals(List.of("0.weight", "1.weight", "1.bias", "3.weight", "3.bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(3 * 4 * 9 + 4 + 4 + 4 * 2 * 16 + 2, m.parameterCount());
    }

    @Test
    void outputShapeMatchesForward() {
        Sequential m = small(1);
        Tensor y = m.forward(Tensor.zeros(2, 3, 5, 6));
        assertArrayEquals(m.outputShape(new int[] {2, 3, 5, 6}), y.shape());
        assertArrayEquals(new int[] {2, 2, 10, 12}, y.shape());
    }

    @Test
    void initialisationUsesPyTorchBounds() {
        Random r = new Random(2);
        Conv2d c = new Conv2d(r, 10, 64, 7, 1, 3, true, Padding.ZERO);
        float bound = (float) (1 / Math.sqrt(10 * 49));
        float max = 0;
        for (float v : c.namedParameters().get("weight").get().toArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.9f * bound, "max |w| " + max + " vs bound " + bound);
        ConvTranspose2d t = new ConvTranspose2d(r, 256, 128, 4, 2, 1, false);
        float tb = (float) (1 / Math.sqrt(128 * 16));
        for (float v : t.namedParameters().get("weight").get().toArray()) {
            assertTrue(Math.abs(v) <= tb, "conv-transpose fan_in is out_channels * k * k");
        }
    }

    @Test
    void loadStateDictCopiesValuesAndRefusesMismatches() {
        Sequential a = small(1);
        Sequential b = small(2);
        b.loadStateDict(a.stateDict());
        assertArrayEquals(a.stateDict().get("0.weight").toArray(), b.stateDict().get("0.weight").toArray());

        Map<String, Tensor> missing = new LinkedHashMap<>(a.stateDict());
        missing.remove("1.bias");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(missing));
        assertTrue(e.getMessage().contains("missing 1.bias"), e.getMessage());

        Map<String, Tensor> extra = new LinkedHashMap<>(a.stateDict());
        extra.put("att_func.0.weight", Tensor.zeros(1));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(extra));
        assertTrue(e.getMessage().contains("unexpected att_func.0.weight"), e.getMessage());
        b.loadStateDict(extra, "att_func.");

        Map<String, Tensor> wrong = new LinkedHashMap<>(a.stateDict());
        wrong.put("3.bias", Tensor.zeros(3));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(wrong));
        assertTrue(e.getMessage().contains("'3.bias' has shape [3], the model expects [2]"), e.getMessage());
    }

    @Test
    void frozenModulePassesGradientsThroughButComputesNoneForItsWeights() {
        Sequential m = small(3);
        Tensor x = Tensor.uniform(new Random(4), -1, 1, 1, 3, 4, 4).requiresGrad(true);
        m.setRequiresGrad(false);
        m.forward(x).sum().backward();
        assertTrue(x.grad() != null, "the input still gets its gradient");
        assertTrue(m.namedParameters().values().stream().allMatch(p -> p.grad() == null), "no weight gradients");
        m.setRequiresGrad(true);
        m.forward(x).sum().backward();
        assertTrue(m.namedParameters().values().stream().allMatch(p -> p.grad() != null));
    }
}
