package org.sargan.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.sargan.io.IoErrors;

/** The checks {@code sargan export} makes before it writes: the source exists and nothing is overwritten silently. */
final class ExportGuard {
    private ExportGuard() {
    }

    /**
     * The --out file, once it is safe to write: never the --checkpoint itself (that would replace a training
     * checkpoint by a generator-only file), and an existing file only with --overwrite.
     */
    static Path target(Options opts) throws IOException {
        Path source = Path.of(opts.required("checkpoint"));
        Path file = Path.of(opts.required("out"));
        IoErrors.requireFile(source, "--checkpoint");
        if (RunFolder.same(source, file)) {
            throw new UsageException("--out " + file + " is the --checkpoint itself: export would replace the "
                    + "checkpoint it reads; choose another --out");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--out " + file + " is a folder; give a file name, e.g. " + file.resolve(
                    "G.safetensors"));
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.matches(".*\\.(safetensors|ckpt|pt|pth)")) {
            throw new UsageException("--out " + file + " must end in .safetensors, or .ckpt, .pt or .pth for a PyTorch "
                    + "file");
        }
        if (Files.exists(file) && !opts.flag("overwrite")) {
            throw new UsageException("--out " + file + " already exists; give --overwrite to replace it");
        }
        return file;
    }

    /** With --with-discriminator, --out is the folder that gets {N}-G.ckpt and {N}-D.ckpt. */
    static Path folder(Options opts) throws IOException {
        Path source = Path.of(opts.required("checkpoint"));
        Path dir = Path.of(opts.required("out"));
        IoErrors.requireFile(source, "--checkpoint");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("--out " + dir + " is a file; with --with-discriminator it is the folder that "
                    + "gets {N}-G.ckpt and {N}-D.ckpt");
        }
        return dir;
    }
}
