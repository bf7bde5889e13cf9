package org.sargan.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sargan.nn.SafeTensors;
import org.sargan.train.Trainer;

/** Protection of earlier runs: a new run is not written into a folder that holds one unless --overwrite says so. */
final class RunFolder {
    private RunFolder() {
    }

    /**
     * @throws UsageException when {@code dir} holds a checkpoint or a loss log and {@code overwrite} is false,
     *         naming the folder, the run's iteration and the three ways on
     */
    static void refuseExisting(Path dir, boolean overwrite) {
        refuseExisting(dir, overwrite, true);
    }

    /** As above; {@code resumable} adds "continue it with --resume" to the ways on (train, not demo). */
    static void refuseExisting(Path dir, boolean overwrite, boolean resumable) {
        Path ck = dir.resolve(Trainer.CHECKPOINT);
        Path csv = dir.resolve(Trainer.LOSSES_CSV);
        if (overwrite || !(Files.exists(ck) || Files.exists(csv))) {
            return;
        }
        throw new UsageException(dir + " already holds a run (" + describe(ck, csv) + "); "
                + (resumable ? "continue it with --resume " + ck + ", " : "") + "choose another --out, or replace it "
                + "with --overwrite");
    }

    /** "checkpoint at iteration 20" or "losses.csv up to iteration 7, no checkpoint", read from the header only. */
    private static String describe(Path ck, Path csv) {
        if (Files.exists(ck)) {
            try {
                Map<String, String> md = SafeTensors.readMetadata(ck);
                return "checkpoint at iteration " + md.getOrDefault("iteration", "?");
            } catch (IOException e) {
                return "an unreadable checkpoint: " + e.getMessage();
            }
        }
        try {
            String last = null;
            for (String line : Files.readAllLines(csv)) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
            String it = last == null ? "?" : last.split(",", 2)[0];
            return Trainer.LOSSES_CSV + " up to iteration " + it + ", no checkpoint";
        } catch (IOException e) {
            return Trainer.LOSSES_CSV + ", unreadable";
        }
    }

    /** Whether two paths name the same folder (either may not exist yet). */
    static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall back to comparing the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
