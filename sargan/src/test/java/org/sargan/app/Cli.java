package org.sargan.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs {@link Main} in-process and keeps what it printed. */
final class Cli {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    /** The built-in faces at 32 px: {@code identities} per expression. */
    Path synth(Path dir, int identities) throws IOException {
        if (run("data", "synth", "--out", dir.toString(), "--identities", Integer.toString(identities), "--size",
                "32") != 0) {
            throw new IOException(err());
        }
        return dir;
    }

    /** A tiny training run: 32 px, batch 2, conv_dim 4; returns the exit code. */
    int train(Path data, Path out, int iters, String... more) {
        String[] base = {"train", "--data", data.toString(), "--size", "32", "--batch", "2", "--iters",
            Integer.toString(iters), "--conv-dim", "4", "--out", out.toString()};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return run(all);
    }
}
