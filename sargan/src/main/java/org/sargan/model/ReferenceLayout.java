package org.sargan.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.nn.DType;
import org.sargan.nn.InstanceNorm2d;
import org.sargan.nn.Module;
import org.sargan.nn.Sequential;

/**
 * Weights in the authors' state-dict layout (their {@code generator.py} and {@code discriminator.py}). Our module
 * names are theirs, so a state dict maps key for key; what differs is only what they store and we do not:
 * <ul>
 *   <li>the trunk's InstanceNorm2d layers (and the residual blocks' of usgan / stargan) are built with
 *       {@code track_running_stats=True}: each has {@code running_mean}, {@code running_var} and
 *       {@code num_batches_tracked} (int64) buffers, which never affect an output (instance statistics are used
 *       in training and in their test mode alike);</li>
 *   <li>their generator registers an unused hourglass over 3 channels as top-level {@code att_func.*}
 *       (189,249 values that never touch the output).</li>
 * </ul>
 * Reading skips both; writing adds both (fresh buffers, a freshly initialised unused hourglass), so that their strict
 * {@code load_state_dict} accepts the file. The architecture (variant, conv_dim, classes; for the discriminator
 * the layer count, conv_dim, classes and image size) is inferred from the keys and shapes.
 */
public final class ReferenceLayout {
    /** The unused top-level module of their generator. */
    public static final String UNUSED_PREFIX = "att_func.";
    private static final String[] BUFFERS = {"running_mean", "running_var", "num_batches_tracked"};

    private ReferenceLayout() {
    }

    /** A generator's architecture as read from its weights. */
    public record GeneratorSpec(Variant variant, int convDim, int classes) {
    }

    /** A discriminator's architecture as read from its weights. */
    public record DiscriminatorSpec(int size, int convDim, int classes, int layers) {
    }

    /**
     * Infers the variant from the bottleneck's keys: SARB's {@code main.9.conv1.conv2d.weight}, else six residual
     * blocks ({@code main.14.main.0.weight}) for stargan, else one ({@code main.9.main.0.weight}) for usgan.
     *
     * @throws IllegalArgumentException naming the first key or shape that fits no variant
     */
    public static GeneratorSpec generatorSpec(Map<String, Tensor> w) {
        Tensor first = w.get("main.0.weight");
        if (first == null || first.shape().length != 4 || first.dim(1) <= 3 || first.dim(2) != 7) {
            throw new IllegalArgumentException("not a SARGAN, US-GAN or StarGAN generator: "
                    + (first == null ? "no key main.0.weight (the first 7x7 conv); the first key is '"
                    + w.keySet().stream().findFirst().orElse("(none)") + "'"
                    : "main.0.weight has shape " + Shape.str(first.shape())
                    + ", expected (conv_dim, 3 + classes, 7, 7)"));
        }
        Variant v = w.containsKey("main.9.conv1.conv2d.weight") ? Variant.SARGAN
                : w.containsKey("main.14.main.0.weight") ? Variant.STARGAN
                : w.containsKey("main.9.main.0.weight") ? Variant.USGAN : null;
        if (v == null) {
            String k = w.keySet().stream().filter(x -> x.startsWith("main.9.")).findFirst().orElse("(no main.9.*)");
            throw new IllegalArgumentException("the generator's bottleneck fits no variant: '" + k + "' is neither "
                    + "SARB (main.9.conv1.conv2d.weight) nor a residual block (main.9.main.0.weight)");
        }
        return new GeneratorSpec(v, first.dim(0), first.dim(1) - 3);
    }

    /** A generator built for these weights and loaded with them (buffers and the unused module skipped). */
    public static Generator generator(Map<String, Tensor> w) {
        GeneratorSpec s = generatorSpec(w);
        Generator g = new Generator(new Random(0), s.variant(), s.convDim(), s.classes());
        g.loadStateDict(weightsOnly(w));
        return g;
    }

    /**
     * Infers the layer count from the 4x4 convs {@code main.0, main.2, ...}, the class count from {@code conv2}
     * and the image size from its kernel: size = kernel * 2^layers.
     */
    public static DiscriminatorSpec discriminatorSpec(Map<String, Tensor> w) {
        int layers = 0;
        while (w.containsKey("main." + 2 * layers + ".weight")) {
            layers++;
        }
        Tensor first = w.get("main.0.weight");
        Tensor cls = w.get("conv2.weight");
        if (layers == 0 || first.shape().length != 4 || first.dim(1) != 3 || cls == null || cls.shape().length != 4
                || !w.containsKey("conv1.weight")) {
            throw new IllegalArgumentException("not a SARGAN discriminator: "
                    + (layers == 0 ? "no key main.0.weight" : cls == null ? "no key conv2.weight (the class head)"
                    : !w.containsKey("conv1.weight") ? "no key conv1.weight (the source head)"
                    : "main.0.weight has shape " + Shape.str(first.shape())
                    + ", expected (conv_dim, 3, 4, 4)"));
        }
        return new DiscriminatorSpec(cls.dim(2) << layers, first.dim(0), cls.dim(0), layers);
    }

    /** A discriminator built for these weights and loaded with them. */
    public static Discriminator discriminator(Map<String, Tensor> w) {
        DiscriminatorSpec s = discriminatorSpec(w);
        Discriminator d = new Discriminator(new Random(0), s.size(), s.convDim(), s.classes(), s.layers());
        d.loadStateDict(w);
        return d;
    }

    private static boolean isBuffer(String key) {
        for (String b : BUFFERS) {
            if (key.endsWith("." + b)) {
                return true;
            }
        }
        return false;
    }

    /** A generator's state dict without what we do not keep: the norm buffers and the unused top-level module. */
    public static Map<String, Tensor> weightsOnly(Map<String, Tensor> w) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        w.forEach((k, v) -> {
            if (!isBuffer(k) && !k.startsWith(UNUSED_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** A state dict in their layout: tensors in their key order, and the element type of the int64 buffers. */
    public record State(Map<String, Tensor> tensors, Map<String, DType> dtypes) {
    }

    /**
     * The generator's full state dict as their code holds it: our weights, the running-statistics buffers of every
     * InstanceNorm2d that sits directly in a Sequential (fresh: mean 0, variance 1, 0 batches), and the unused
     * top-level hourglass, freshly initialised from {@code rng}.
     */
    public static State generatorState(Generator g, Random rng) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        Map<String, DType> types = new LinkedHashMap<>();
        Map<String, Tensor> weights = g.stateDict();
        addWithBuffers("", g, weights, t, types);
        new Hourglass(rng, 2, 3, 64).stateDict().forEach((k, v) -> t.put(UNUSED_PREFIX + k, v));
        return new State(t, types);
    }

    /** The discriminator's state dict: the same keys as theirs, nothing extra. */
    public static State discriminatorState(Discriminator d) {
        return new State(d.stateDict(), Map.of());
    }

    /** Walks the tree in registration order so that each norm's buffers follow its weight and bias, as in PyTorch. */
    private static void addWithBuffers(String prefix, Module m, Map<String, Tensor> weights, Map<String, Tensor> out,
            Map<String, DType> types) {
        weights.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.indexOf('.', prefix.length()) < 0) {
                out.put(k, v);
            }
        });
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            String p = prefix + e.getKey() + ".";
            addWithBuffers(p, e.getValue(), weights, out, types);
            if (e.getValue() instanceof InstanceNorm2d norm && m instanceof Sequential) {
                int c = norm.stateDict().get("weight").numel();
                out.put(p + "running_mean", Tensor.zeros(c));
                out.put(p + "running_var", Tensor.ones(c));
                out.put(p + "num_batches_tracked", Tensor.scalar(0f));
                types.put(p + "num_batches_tracked", DType.I64);
            }
        }
    }
}
