package org.sargan.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.model.Discriminator;
import org.sargan.model.Variant;

/**
 * Everything that defines a training run (SARGAN.md defaults: batch 8, lr 1e-4, betas (0.5, 0.999), n_critic 5,
 * lambda_cls 1, lambda_rec 1, lambda_gp 10). Stored in every checkpoint so a resumed run is the same run.
 * {@code dLayers} is the discriminator's number of stride-2 convs; 0 means the paper's choice for the size (down to
 * 2x2, {@link Discriminator#layersFor}); the authors' code keeps 6 at every size, which a run resumed from their
 * files must keep too.
 */
public record TrainConfig(int size, int batch, int iterations, Variant variant, int convDim, int dConvDim,
        float lr, String schedule, int nCritic, float lambdaCls, float lambdaRec, float lambdaGp, long seed,
        int sampleEvery, int checkpointEvery, int dLayers) {

    /** A run with the paper's discriminator depth for its size. */
    public TrainConfig(int size, int batch, int iterations, Variant variant, int convDim, int dConvDim, float lr,
            String schedule, int nCritic, float lambdaCls, float lambdaRec, float lambdaGp, long seed,
            int sampleEvery, int checkpointEvery) {
        this(size, batch, iterations, variant, convDim, dConvDim, lr, schedule, nCritic, lambdaCls, lambdaRec,
                lambdaGp, seed, sampleEvery, checkpointEvery, 0);
    }

    public TrainConfig {
        if (batch < 2) {
            throw new IllegalArgumentException("batch size is " + batch + ", expected at least 2: target labels are a "
                    + "permutation of the batch's own labels, so with 1 the target is always the source and nothing "
                    + "is learned");
        }
        if (size < 32 || size % 16 != 0) {
            throw new IllegalArgumentException("image size is " + size + ", expected a multiple of 16, at least 32");
        }
        if (iterations < 1 || nCritic < 1 || convDim < 1 || dConvDim < 1 || sampleEvery < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("iterations " + iterations + ", n_critic " + nCritic + ", conv_dim "
                    + convDim + "/" + dConvDim + ", sample/checkpoint intervals must all be positive");
        }
        if (dLayers < 0 || (dLayers > 0 && size % (1 << dLayers) != 0)) {
            throw new IllegalArgumentException("discriminator layers " + dLayers + " do not fit image size " + size
                    + " (it must be a multiple of 2^layers)");
        }
        org.sargan.nn.LrSchedule.named(schedule, lr, iterations);
    }

    /** The discriminator's stride-2 conv count for this run. */
    public int discriminatorLayers() {
        return dLayers > 0 ? dLayers : Discriminator.layersFor(size);
    }

    /** The paper's configuration at 128 px. */
    public static TrainConfig paper(int iterations) {
        return new TrainConfig(128, 8, iterations, Variant.SARGAN, 64, 64, 1e-4f, "reference", 5, 1f, 1f, 10f, 1234,
                1000, 10000);
    }

    /** As metadata strings, for checkpoints. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("size", Integer.toString(size));
        m.put("batch", Integer.toString(batch));
        m.put("iterations", Integer.toString(iterations));
        m.put("variant", variant.id());
        m.put("conv_dim", Integer.toString(convDim));
        m.put("d_conv_dim", Integer.toString(dConvDim));
        m.put("lr", Float.toString(lr));
        m.put("schedule", schedule);
        m.put("n_critic", Integer.toString(nCritic));
        m.put("lambda_cls", Float.toString(lambdaCls));
        m.put("lambda_rec", Float.toString(lambdaRec));
        m.put("lambda_gp", Float.toString(lambdaGp));
        m.put("seed", Long.toString(seed));
        m.put("sample_every", Integer.toString(sampleEvery));
        m.put("checkpoint_every", Integer.toString(checkpointEvery));
        m.put("d_layers", Integer.toString(discriminatorLayers()));
        return m;
    }

    /** Reads {@link #toMap()} back. */
    public static TrainConfig fromMap(Map<String, String> m) {
        try {
            return new TrainConfig(Integer.parseInt(m.get("size")), Integer.parseInt(m.get("batch")),
                    Integer.parseInt(m.get("iterations")), Variant.parse(m.get("variant")),
                    Integer.parseInt(m.get("conv_dim")), Integer.parseInt(m.get("d_conv_dim")),
                    Float.parseFloat(m.get("lr")), m.get("schedule"), Integer.parseInt(m.get("n_critic")),
                    Float.parseFloat(m.get("lambda_cls")), Float.parseFloat(m.get("lambda_rec")),
                    Float.parseFloat(m.get("lambda_gp")), Long.parseLong(m.get("seed")),
                    Integer.parseInt(m.get("sample_every")), Integer.parseInt(m.get("checkpoint_every")),
                    Integer.parseInt(m.getOrDefault("d_layers", "0")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint has no valid training configuration: " + e.getMessage());
        }
    }

    /** The same run with a different length (a resumed run may be extended). */
    public TrainConfig withIterations(int n) {
        return new TrainConfig(size, batch, n, variant, convDim, dConvDim, lr, schedule, nCritic, lambdaCls,
                lambdaRec, lambdaGp, seed, sampleEvery, checkpointEvery, dLayers);
    }

    /** The same run writing samples and checkpoints at other intervals (they do not change what is computed). */
    public TrainConfig withIntervals(int samples, int checkpoints) {
        return new TrainConfig(size, batch, iterations, variant, convDim, dConvDim, lr, schedule, nCritic, lambdaCls,
                lambdaRec, lambdaGp, seed, samples, checkpoints, dLayers);
    }
}
