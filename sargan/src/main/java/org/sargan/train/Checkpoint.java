package org.sargan.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.core.Tensor;
import org.sargan.nn.Adam;
import org.sargan.nn.Module;
import org.sargan.nn.SafeTensors;

/**
 * A training checkpoint in one safetensors file: generator weights under "G.", discriminator under "D.", the two
 * Adam states under "optG." and "optD.", and in the metadata the iteration, the random-number state, the optimiser
 * step counts and the configuration. Python reads it with safetensors.torch.load_file.
 */
public final class Checkpoint {
    static final String FORMAT = "sargan-checkpoint-1";

    private Checkpoint() {
    }

    /** Writes atomically: a crash mid-write leaves the previous checkpoint intact. */
    public static void save(Path file, TrainConfig cfg, Module g, Module d, Adam optG, Adam optD, int iteration,
            long rngState) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        g.stateDict().forEach((k, v) -> t.put("G." + k, v));
        d.stateDict().forEach((k, v) -> t.put("D." + k, v));
        optG.state().forEach((k, v) -> t.put("optG." + k, v));
        optD.state().forEach((k, v) -> t.put("optD." + k, v));
        Map<String, String> md = new LinkedHashMap<>(cfg.toMap());
        md.put("format", FORMAT);
        md.put("iteration", Integer.toString(iteration));
        md.put("rng_state", Long.toString(rngState));
        md.put("optG_steps", Long.toString(optG.stepCount()));
        md.put("optD_steps", Long.toString(optD.stepCount()));
        SafeTensors.write(file, t, md);
    }

    /** A loaded checkpoint: its configuration, iteration and RNG state, and the tensors by prefix. */
    public record Loaded(TrainConfig config, int iteration, long rngState, long optGSteps, long optDSteps,
            Map<String, Tensor> g, Map<String, Tensor> d, Map<String, Tensor> optG, Map<String, Tensor> optD) {
    }

    public static Loaded load(Path file) throws IOException {
        SafeTensors st = SafeTensors.read(file);
        Map<String, String> md = st.metadata();
        if (!FORMAT.equals(md.get("format"))) {
            throw new IOException(file + " is not a SARGAN training checkpoint (format '" + md.get("format") + "')");
        }
        Map<String, Tensor> g = new LinkedHashMap<>();
        Map<String, Tensor> d = new LinkedHashMap<>();
        Map<String, Tensor> og = new LinkedHashMap<>();
        Map<String, Tensor> od = new LinkedHashMap<>();
        st.tensors().forEach((k, v) -> {
            if (k.startsWith("G.")) {
                g.put(k.substring(2), v);
            } else if (k.startsWith("D.")) {
                d.put(k.substring(2), v);
            } else if (k.startsWith("optG.")) {
                og.put(k.substring(5), v);
            } else if (k.startsWith("optD.")) {
                od.put(k.substring(5), v);
            }
        });
        try {
            Loaded ck = new Loaded(TrainConfig.fromMap(md), Integer.parseInt(md.get("iteration")),
                    Long.parseLong(md.get("rng_state")), Long.parseLong(md.get("optG_steps")),
                    Long.parseLong(md.get("optD_steps")), g, d, og, od);
            // D steps once per iteration and G at most as often, counted from where the optimisers started
            if (ck.iteration() < 0 || ck.iteration() > ck.config().iterations() || ck.optDSteps() < 0
                    || ck.optDSteps() > ck.iteration() || ck.optGSteps() < 0 || ck.optGSteps() > ck.optDSteps()) {
                throw new IOException(file + " has inconsistent checkpoint metadata: iteration " + ck.iteration()
                        + " of " + ck.config().iterations() + ", Adam steps G " + ck.optGSteps() + " and D "
                        + ck.optDSteps() + " (expected 0 <= G steps <= D steps <= iteration <= iterations)");
            }
            return ck;
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(file + " has incomplete checkpoint metadata: " + e.getMessage());
        }
    }
}
