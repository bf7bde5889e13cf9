package org.sargan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Autograd;
import org.sargan.core.GradCheck;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.cpu.CpuBackend;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Discriminator;
import org.sargan.model.Variant;

class TrainerTest {
    private static final SyntheticDataset DATA = new SyntheticDataset(1, 2, 32);

    private static TrainConfig tiny(int iterations) {
        return TrainConfig.builder().size(32).batch(2).iterations(iterations).convDim(4).lr(1e-4f).nCritic(2).seed(7)
                .sampleEvery(1000).checkpointEvery(1000).build();
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void smokeTrainingGivesFiniteChangingLosses(@TempDir Path dir) {
        Trainer t = new Trainer(tiny(4), DATA, dir, quiet());
        Map<String, Float> first = t.step();
        Map<String, Float> second = t.step();
        for (Map<String, Float> m : List.of(first, second)) {
            m.values().forEach(v -> assertTrue(Float.isFinite(v), "loss " + m));
        }
        assertTrue(second.containsKey("G/rec"), "the generator trains every n_critic = 2 iterations");
        assertTrue(t.discriminator().namedParameters().values().stream().allMatch(p -> p.get().requiresGrad()),
                "the critic is trainable again after the generator step");
        assertNotEquals(first.get("D/real") + first.get("D/fake"), second.get("D/real") + second.get("D/fake"));
    }

    /**
     * The CPU backend reuses the arrays a step frees (ArrayPool), some without zeroing them, and backward frees
     * gradients early: none of it may change a single bit. Shapes large enough to be pooled (conv_dim 16, batch 4).
     */
    @Test
    void reusingFreedArraysChangesNoBit(@TempDir Path dir) {
        TrainConfig cfg = TrainConfig.builder().size(32).batch(4).iterations(3).convDim(16).lr(1e-4f).nCritic(2)
                .seed(11).sampleEvery(1000).checkpointEvery(1000).build();
        Map<String, float[]> reused = new java.util.TreeMap<>();
        Map<String, float[]> fresh = new java.util.TreeMap<>();
        try {
            for (boolean reuse : new boolean[] {true, false}) {
                CpuBackend.reuseArrays(reuse);
                Trainer t = new Trainer(cfg, DATA, dir.resolve(reuse ? "reused" : "fresh"), quiet());
                for (int i = 0; i < 3; i++) {
                    t.step();
                }
                Map<String, float[]> out = reuse ? reused : fresh;
                t.generator().stateDict().forEach((k, v) -> out.put("G." + k, v.toArray()));
                t.discriminator().stateDict().forEach((k, v) -> out.put("D." + k, v.toArray()));
            }
        } finally {
            CpuBackend.reuseArrays(true);
        }
        assertEquals(fresh.keySet(), reused.keySet());
        for (String k : fresh.keySet()) {
            assertArrayEquals(fresh.get(k), reused.get(k), 0f, k);
        }
    }

    @Test
    void resumeContinuesBitForBit(@TempDir Path dir) throws Exception {
        Trainer straight = new Trainer(tiny(4), DATA, dir.resolve("a"), quiet());
        straight.run();
        Trainer half = new Trainer(tiny(2), DATA, dir.resolve("b"), quiet());
        half.run();
        Checkpoint.Loaded ck = Checkpoint.load(dir.resolve("b").resolve("checkpoint.safetensors"));
        Trainer resumed = new Trainer(ck.config().withIterations(4), DATA, dir.resolve("b"), quiet());
        resumed.resume(ck);
        resumed.run();
        Map<String, Tensor> a = straight.generator().stateDict();
        Map<String, Tensor> b = resumed.generator().stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), 0f, "generator weight " + k);
        }
        assertArrayEquals(straight.discriminator().stateDict().get("conv1.weight").toArray(),
                resumed.discriminator().stateDict().get("conv1.weight").toArray(), 0f);
        assertTrue(Files.readAllLines(dir.resolve("b").resolve("losses.csv")).size() == 5, "header + 4 iterations");
    }

    @Test
    void batchOfOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().size(32)
                .batch(1).iterations(10).convDim(4).lr(1e-4f).nCritic(5).seed(1).sampleEvery(1).checkpointEvery(1)
                .build());
        assertTrue(e.getMessage().contains("batch size is 1, expected at least 2"), e.getMessage());
    }

    /**
     * The gradient penalty reaches the critic's weights through a gradient of a gradient: checked against finite
     * differences on the source head of a tiny discriminator (the head sits after the last LeakyReLU, so moving it
     * never crosses a kink, yet its gradient runs back through every layer twice).
     */
    @Test
    void gradientPenaltyGradientMatchesFiniteDifferences() {
        Discriminator d = new Discriminator(new Random(3), 32, 1, 7, Discriminator.layersFor(32));
        Tensor xHat = Tensor.uniform(new Random(4), -1, 1, 2, 3, 32, 32);
        Tensor head = d.stateDict().get("conv1.weight");
        GradCheck.check("gradient penalty", in -> {
            Tensor x = xHat.detach().requiresGrad(true);
            Tensor src = Convolutions.conv2d(d.main().forward(x), in[0], null, 1, 1);
            Tensor g = Autograd.grad(new Tensor[] {src.sum()}, new Tensor[] {x}, null, true)[0];
            return g.pow(2f).sum(new int[] {1, 2, 3}, false).sqrt().add(-1f).pow(2f).mean();
        }, head.mul(20f));
    }

    @Test
    void divergenceStopsWithTheLossAndIterationKeepingTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        TrainConfig good = TrainConfig.builder().size(32).batch(2).iterations(2).convDim(4).lr(1e-4f).nCritic(1)
                .seed(7).sampleEvery(1000).checkpointEvery(1).build();
        new Trainer(good, DATA, dir, quiet()).run();
        // the same run continued with an absurd learning rate blows the weights up at once
        TrainConfig bad = TrainConfig.builder().size(32).batch(2).iterations(50).convDim(4).lr(1e30f).nCritic(1)
                .seed(7).sampleEvery(1000).checkpointEvery(1).build();
        Trainer t = new Trainer(bad, DATA, dir, quiet());
        t.resume(Checkpoint.load(dir.resolve("checkpoint.safetensors")));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::run);
        assertTrue(e.getMessage().matches("training diverged: [DG]/\\w+ is (NaN|-?Infinity) at iteration \\d+; .*"),
                e.getMessage());
        int failedAt = Integer.parseInt(e.getMessage().replaceAll(".* at iteration (\\d+);.*", "$1"));
        Checkpoint.Loaded ck = Checkpoint.load(dir.resolve("checkpoint.safetensors"));
        assertTrue(e.getMessage().contains("the last good checkpoint is"), e.getMessage());
        assertTrue(ck.iteration() == 2 && failedAt > 2, "checkpoint from iteration " + ck.iteration() + ", failure at "
                + failedAt);
    }
}
