package org.sargan.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.core.Tolerances;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Discriminator;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.model.Variant;
import org.sargan.nn.DType;
import org.sargan.nn.SafeTensors;
import org.sargan.nn.WeightFile;
import org.sargan.nn.torch.TorchFile;
import org.sargan.train.TrainConfig;
import org.sargan.train.Trainer;

/**
 * Our model against the authors' PyTorch code, through the fixtures {@code bench/sargan_interop.py fixtures} wrote
 * with their {@code generator.py}, {@code discriminator.py} and {@code solver.py} (torch 1.13): random-weight G
 * (conv_dim 8) and D (32 px, 5 stride-2 layers) in both torch.save layouts, their outputs on fixed inputs, their
 * state-dict keys, and one step of their training loop. CI has no torch; these files carry its answers.
 */
class InteropTest {
    private static final Path DIR = Path.of("src/test/resources/interop");

    private static Map<String, Tensor> fixture(String name) throws IOException {
        return WeightFile.read(DIR.resolve(name)).tensors();
    }

    /** max |a - b| / max |b|, failing with the first mismatch named. */
    private static void assertClose(String what, Tensor ours, Tensor theirs) {
        assertArrayEquals(theirs.shape(), ours.shape(), what + ": shape");
        float[] a = ours.toArray();
        float[] b = theirs.toArray();
        double scale = 0;
        for (float v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (d > Tolerances.INTEROP_REL * scale) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", theirs " + b[i] + " (|diff| "
                        + d + " > " + Tolerances.INTEROP_REL + " * " + scale + ")");
            }
        }
    }

    @Test
    void bothTorchLayoutsReadTheSameTensors() throws IOException {
        Map<String, Tensor> zip = fixture("100-G.ckpt");
        Map<String, Tensor> legacy = fixture("100-G-legacy.ckpt");
        assertEquals(zip.keySet(), legacy.keySet());
        for (String k : zip.keySet()) {
            assertArrayEquals(zip.get(k).toArray(), legacy.get(k).toArray(), 0f, k);
        }
        // 83 entries as in sargan/README.md: the weights, the trunk's norm buffers and the unused hourglass
        assertEquals(83, zip.size());
    }

    @Test
    void everyElementTypeAndViewIsReadExactly() throws IOException {
        Map<String, Tensor> want = fixture("tiny-expected.safetensors");
        for (String f : List.of("tiny.pt", "tiny-legacy.pt", "tiny-deflated-zip64.pt")) {
            Map<String, Tensor> got = fixture(f);
            assertEquals(want.keySet(), got.keySet(), f);
            for (String k : want.keySet()) {
                assertArrayEquals(want.get(k).shape(), got.get(k).shape(), f + " " + k);
                assertArrayEquals(want.get(k).toArray(), got.get(k).toArray(), 0f, f + " " + k);
            }
        }
    }

    @Test
    void ourGeneratorAndDiscriminatorComputeTheirOutputs() throws IOException {
        Map<String, Tensor> ref = fixture("forward.safetensors");
        Tensor x = ref.get("x");
        for (String f : List.of("100-G.ckpt", "100-G-legacy.ckpt")) {
            Generator g = ReferenceLayout.generator(fixture(f));
            assertEquals(Variant.SARGAN, g.variant());
            try (GradMode.Scope s = GradMode.noGrad()) {
                for (Expression e : Expression.values()) {
                    float[] c = new float[2 * 7];
                    c[e.ordinal()] = 1;
                    c[7 + e.ordinal()] = 1;
                    assertClose(f + " G(x, " + e.id() + ")", g.forward(x, Tensor.of(c, 2, 7)), ref.get("y." + e.id()));
                }
            }
        }
        Discriminator d = ReferenceLayout.discriminator(fixture("100-D.ckpt"));
        assertEquals(new ReferenceLayout.DiscriminatorSpec(32, 8, 7, 5),
                ReferenceLayout.discriminatorSpec(fixture("100-D.ckpt")));
        try (GradMode.Scope s = GradMode.noGrad()) {
            Discriminator.Output out = d.forward(x);
            assertClose("D source", out.outSrc(), ref.get("d_src"));
            assertClose("D classes", out.outCls(), ref.get("d_cls"));
        }
    }

    /** Their strict load_state_dict accepts exactly their keys with their shapes: our export must write those. */
    @Test
    void ourExportHoldsTheirKeysShapesAndTypes(@TempDir Path tmp) throws IOException {
        Generator g = ReferenceLayout.generator(fixture("100-G.ckpt"));
        ReferenceLayout.State gs = ReferenceLayout.generatorState(g, new Random(5));
        assertSameSpec(Files.readAllLines(DIR.resolve("G-keys.txt")), gs);
        Discriminator d = ReferenceLayout.discriminator(fixture("100-D.ckpt"));
        assertSameSpec(Files.readAllLines(DIR.resolve("D-keys.txt")), ReferenceLayout.discriminatorState(d));

        // written and read back, in both file kinds, every value survives
        Path ckpt = tmp.resolve("G.ckpt");
        TorchFile.write(ckpt, gs.tensors(), gs.dtypes());
        Path st = tmp.resolve("G.safetensors");
        SafeTensors.write(st, gs.tensors(), Map.of(), gs.dtypes());
        for (Path p : List.of(ckpt, st)) {
            Map<String, Tensor> back = WeightFile.read(p).tensors();
            assertEquals(new ArrayList<>(gs.tensors().keySet()), new ArrayList<>(back.keySet()));
            for (String k : back.keySet()) {
                assertArrayEquals(gs.tensors().get(k).toArray(), back.get(k).toArray(), 0f, p + " " + k);
            }
        }
    }

    /** Lines "key shape dtype" as the peer script writes them from their state_dict(). */
    private static void assertSameSpec(List<String> theirs, ReferenceLayout.State ours) {
        TreeSet<String> got = new TreeSet<>();
        ours.tensors().forEach((k, t) -> {
            DType type = ours.dtypes().getOrDefault(k, DType.F32);
            String shape = String.join(",", Arrays.stream(t.shape()).mapToObj(Integer::toString).toList());
            got.add(k + " " + shape + " " + (type == DType.I64 ? "int64" : "float32"));
        });
        assertEquals(new TreeSet<>(theirs), got);
    }

    /**
     * One iteration of their Solver.train (n_critic 1: a D step with the gradient penalty, then a G step, Adam with
     * betas 0.5/0.999) from the same weights, batch, target permutation and penalty alphas gives their seven losses
     * and their updated weights.
     */
    @Test
    void oneTrainingStepMatchesTheirs() throws IOException {
        Map<String, Tensor> ref = fixture("step.safetensors");
        TrainConfig cfg = TrainConfig.builder().size(32).batch(4).iterations(10).convDim(8).lr(1e-4f).nCritic(1)
                .seed(1).sampleEvery(1000).checkpointEvery(1000).dLayers(5).build();
        Trainer t = new Trainer(cfg, new SyntheticDataset(1, 1, 32), Path.of("unused"),
                new PrintStream(OutputStream.nullOutputStream()));
        t.startFrom(fixture("100-G.ckpt"), fixture("100-D.ckpt"), 0);
        Map<String, Float> losses = t.step(ref.get("x_real"), ints(ref.get("label_org")), ints(ref.get("label_trg")),
                ref.get("alpha").toArray());
        for (String k : List.of("D/real", "D/fake", "D/cls", "D/gp", "G/fake", "G/rec", "G/cls")) {
            float theirs = ref.get("loss." + k).item();
            assertEquals(theirs, losses.get(k), Tolerances.INTEROP_REL * Math.max(1e-3, Math.abs(theirs)), k);
        }
        compareUpdate("G.", t.generator().stateDict(), ref);
        compareUpdate("D.", t.discriminator().stateDict(), ref);
    }

    /**
     * Adam's first update is u = lr * g / (|g| + eps), eps 1e-8. Two float32 implementations differ in g by
     * rounding, at most about {@link Tolerances#INTEROP_GRAD_REL} of the tensor's largest gradient (delta), and that moves u by up to
     * lr * eps * delta / (|g| + eps)^2: nothing where |g| is far above eps (u is about lr * sign(g)), up to 2 lr
     * where a gradient cancels to about eps (a conv before an instance norm over a 2x2 plane). So each weight must
     * satisfy |ours - theirs| <= INTEROP_REL * lr + min(2 lr, lr * eps * delta / (|g| + eps)^2), g their gradient.
     */
    private static void compareUpdate(String prefix, Map<String, Tensor> ours, Map<String, Tensor> ref) {
        double lr = 1e-4;
        double eps = 1e-8;
        for (Map.Entry<String, Tensor> e : ours.entrySet()) {
            Tensor theirs = ref.get(prefix + e.getKey());
            Tensor grad = ref.get("grad." + prefix + e.getKey());
            assertTrue(theirs != null && grad != null, prefix + e.getKey() + " missing from the fixture");
            float[] a = e.getValue().toArray();
            float[] b = theirs.toArray();
            float[] g = grad.toArray();
            double gmax = 0;
            for (float v : g) {
                gmax = Math.max(gmax, Math.abs(v));
            }
            double delta = Tolerances.INTEROP_GRAD_REL * gmax;
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]);
                double sensitive = lr * eps * delta / Math.pow(Math.abs(g[i]) + eps, 2);
                double tol = Tolerances.INTEROP_REL * lr + Math.min(2 * lr, sensitive) + Math.ulp(b[i]);
                if (d > tol) {
                    throw new AssertionError(prefix + e.getKey() + "[" + i + "]: " + a[i] + ", theirs " + b[i]
                            + " (gradient " + g[i] + ", largest " + gmax + "): |diff| " + d + " > " + tol);
                }
            }
        }
    }


    private static int[] ints(Tensor t) {
        float[] v = t.toArray();
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }
}
