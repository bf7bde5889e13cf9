package org.sargan.app;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.sargan.data.Expression;
import org.sargan.model.Discriminator;
import org.sargan.model.Generator;
import org.sargan.model.Variant;
import org.sargan.nn.Layer;
import org.sargan.nn.Module;

/** {@code sargan info --model V --size S}: each layer with its output shape and parameter count, as torchinfo does. */
final class ModelSummary {
    private ModelSummary() {
    }

    static void print(PrintStream out, Variant variant, int size, int convDim) {
        int classes = Expression.values().length;
        Generator g = new Generator(new Random(0), variant, convDim, classes);
        Discriminator d = new Discriminator(new Random(0), size, convDim, classes, Discriminator.layersFor(size));
        out.printf("Generator (%s, %d px, conv_dim %d, %d classes)%n", variant.id(), size, convDim, classes);
        table(out, g.main().children(), new int[] {1, 3 + classes, size, size}, "main.");
        out.printf("  %-44s %-20s %,12d%n", "total", "", g.parameterCount());
        out.println();
        out.printf("Discriminator (%d px, %d stride-2 layers)%n", size, Discriminator.layersFor(size));
        int[] last = table(out, d.main().children(), new int[] {1, 3, size, size}, "main.");
        for (String head : new String[] {"conv1", "conv2"}) {
            Layer l = (Layer) d.children().get(head);
            row(out, head + "  " + l, l.outputShape(last), l.parameterCount());
        }
        out.printf("  %-44s %-20s %,12d%n", "total", "", d.parameterCount());
    }

    private static int[] table(PrintStream out, Map<String, Module> layers, int[] in, String prefix) {
        out.printf("  %-44s %-20s %12s%n", "layer", "output shape", "parameters");
        int[] s = in;
        for (Map.Entry<String, Module> e : layers.entrySet()) {
            Layer l = (Layer) e.getValue();
            s = l.outputShape(s);
            row(out, prefix + e.getKey() + "  " + name(l), s, l.parameterCount());
        }
        return s;
    }

    private static String name(Layer l) {
        String n = l.toString();
        return n.contains("@") ? l.getClass().getSimpleName() : n;
    }

    private static void row(PrintStream out, String name, int[] shape, long params) {
        String n = name.length() > 44 ? name.substring(0, 41) + "..." : name;
        out.printf("  %-44s %-20s %,12d%n", n, Arrays.toString(shape), params);
    }
}
