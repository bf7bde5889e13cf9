package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;
import org.sargan.viz.Pictures;

/** {@code sargan data synth --out DIR --identities N --size S}: the built-in faces in the ImageFolder layout. */
final class DataCommand {
    private DataCommand() {
    }

    static void synth(Options opts, PrintStream out) throws IOException {
        Path dir = Path.of(opts.required("out"));
        int identities = opts.integer("identities", 1, 1_000_000);
        int size = opts.integer("size", 16, 2048);
        long seed = opts.integer("seed", 0, Integer.MAX_VALUE);
        for (int id = 0; id < identities; id++) {
            for (Expression e : Expression.values()) {
                Pictures.writePng(SyntheticFaces.render(seed + id, e, size),
                        dir.resolve(e.code()).resolve(String.format("id%05d.png", id)));
            }
            if ((id + 1) % 50 == 0 || id + 1 == identities) {
                out.printf("rendered %d/%d identities%n", id + 1, identities);
            }
        }
        out.printf("wrote %d images (%d identities x 7 expressions, %d px) to %s%n", identities * 7, identities, size,
                dir);
    }
}
