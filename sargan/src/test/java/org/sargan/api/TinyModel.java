package org.sargan.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.sargan.model.Generator;
import org.sargan.model.ReferenceLayout;
import org.sargan.model.Variant;
import org.sargan.nn.SafeTensors;

/**
 * An untrained SARGAN generator at 32 px and conv_dim 4, small enough for any test; never a stand-in for the
 * shipped model.
 */
public final class TinyModel {
    public static final int SIZE = 32;

    private TinyModel() {
    }

    public static Generator generator(long seed) {
        return new Generator(new Random(seed), Variant.SARGAN, 4, 7);
    }

    public static ExpressionEditor editor(long seed) {
        return ExpressionEditor.of(generator(seed), SIZE);
    }

    /** The generator as {@code sargan export} writes it (safetensors with size metadata). */
    public static Path write(Path file, long seed) throws IOException {
        ReferenceLayout.State gs = ReferenceLayout.generatorState(generator(seed), new Random(0));
        SafeTensors.write(file, gs.tensors(), Map.of("format", "sargan-generator-1", "size",
                Integer.toString(SIZE)), gs.dtypes());
        return file;
    }
}
