package org.sargan.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sargan.model.Discriminator;
import org.sargan.model.Variant;
import org.sargan.nn.LrSchedule;

/**
 * Everything that defines a training run, stored in every checkpoint so that a resumed run is the same run. Built
 * by name, with the paper's values as defaults (sargan/README.md): 128 px, batch 8, 200,000 iterations, sargan,
 * conv_dim 64 for G and D, lr 1e-4, the reference schedule, n_critic 5, lambda_cls 1, lambda_rec 1, lambda_gp 10,
 * Adam betas (0.5, 0.999), seed 1234, samples every 1,000 and checkpoints every 10,000 iterations:
 * <pre>{@code
 * TrainConfig cfg = TrainConfig.builder().size(64).batch(16).iterations(2000).build();
 * }</pre>
 * {@code dLayers} is the discriminator's number of stride-2 convs; 0 means the paper's choice for the size (down to
 * 2x2, {@link Discriminator#layersFor}); the authors' code keeps 6 at every size, which a run resumed from their
 * files must keep too.
 */
public record TrainConfig(int size, int batch, int iterations, Variant variant, int convDim, int dConvDim,
        float lr, String schedule, int nCritic, float lambdaCls, float lambdaRec, float lambdaGp, float beta1,
        float beta2, long seed, int sampleEvery, int checkpointEvery, int dLayers) {

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
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas (" + beta1 + ", " + beta2 + ") must lie in [0, 1)");
        }
        LrSchedule.named(schedule, lr, iterations);
    }

    /** A builder holding the paper's values. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change some of it by name. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.size = size;
        b.batch = batch;
        b.iterations = iterations;
        b.variant = variant;
        b.convDim = convDim;
        b.dConvDim = dConvDim;
        b.lr = lr;
        b.schedule = schedule;
        b.nCritic = nCritic;
        b.lambdaCls = lambdaCls;
        b.lambdaRec = lambdaRec;
        b.lambdaGp = lambdaGp;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.seed = seed;
        b.sampleEvery = sampleEvery;
        b.checkpointEvery = checkpointEvery;
        b.dLayers = dLayers;
        return b;
    }

    /** Named construction of a {@link TrainConfig}; every value starts at the paper's. */
    public static final class Builder {
        private int size = 128;
        private int batch = 8;
        private int iterations = 200_000;
        private Variant variant = Variant.SARGAN;
        private int convDim = 64;
        private int dConvDim = 64;
        private float lr = 1e-4f;
        private String schedule = "reference";
        private int nCritic = 5;
        private float lambdaCls = 1f;
        private float lambdaRec = 1f;
        private float lambdaGp = 10f;
        private float beta1 = 0.5f;
        private float beta2 = 0.999f;
        private long seed = 1234;
        private int sampleEvery = 1000;
        private int checkpointEvery = 10_000;
        private int dLayers;

        private Builder() {
        }

        public Builder size(int v) {
            size = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        public Builder iterations(int v) {
            iterations = v;
            return this;
        }

        public Builder variant(Variant v) {
            variant = v;
            return this;
        }

        /** conv_dim of both G and D. */
        public Builder convDim(int v) {
            convDim = v;
            dConvDim = v;
            return this;
        }

        /** conv_dim of D alone (after {@link #convDim}, which sets both). */
        public Builder dConvDim(int v) {
            dConvDim = v;
            return this;
        }

        public Builder lr(float v) {
            lr = v;
            return this;
        }

        public Builder schedule(String v) {
            schedule = v;
            return this;
        }

        public Builder nCritic(int v) {
            nCritic = v;
            return this;
        }

        public Builder lambdaCls(float v) {
            lambdaCls = v;
            return this;
        }

        public Builder lambdaRec(float v) {
            lambdaRec = v;
            return this;
        }

        public Builder lambdaGp(float v) {
            lambdaGp = v;
            return this;
        }

        public Builder betas(float b1, float b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder sampleEvery(int v) {
            sampleEvery = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        /** The discriminator's stride-2 conv count; 0 (the default) is the paper's choice for the size. */
        public Builder dLayers(int v) {
            dLayers = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the value that is out of range */
        public TrainConfig build() {
            return new TrainConfig(size, batch, iterations, variant, convDim, dConvDim, lr, schedule, nCritic,
                    lambdaCls, lambdaRec, lambdaGp, beta1, beta2, seed, sampleEvery, checkpointEvery, dLayers);
        }
    }

    /** The discriminator's stride-2 conv count for this run. */
    public int discriminatorLayers() {
        return dLayers > 0 ? dLayers : Discriminator.layersFor(size);
    }

    /** The paper's configuration at 128 px. */
    public static TrainConfig paper(int iterations) {
        return builder().iterations(iterations).build();
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
        m.put("beta1", Float.toString(beta1));
        m.put("beta2", Float.toString(beta2));
        m.put("seed", Long.toString(seed));
        m.put("sample_every", Integer.toString(sampleEvery));
        m.put("checkpoint_every", Integer.toString(checkpointEvery));
        m.put("d_layers", Integer.toString(discriminatorLayers()));
        return m;
    }

    /** Reads {@link #toMap()} back (checkpoints written before betas and d_layers were stored get the defaults). */
    public static TrainConfig fromMap(Map<String, String> m) {
        try {
            return builder().size(Integer.parseInt(m.get("size"))).batch(Integer.parseInt(m.get("batch")))
                    .iterations(Integer.parseInt(m.get("iterations"))).variant(Variant.parse(m.get("variant")))
                    .convDim(Integer.parseInt(m.get("conv_dim"))).dConvDim(Integer.parseInt(m.get("d_conv_dim")))
                    .lr(Float.parseFloat(m.get("lr"))).schedule(m.get("schedule"))
                    .nCritic(Integer.parseInt(m.get("n_critic"))).lambdaCls(Float.parseFloat(m.get("lambda_cls")))
                    .lambdaRec(Float.parseFloat(m.get("lambda_rec"))).lambdaGp(Float.parseFloat(m.get("lambda_gp")))
                    .betas(Float.parseFloat(m.getOrDefault("beta1", "0.5")),
                            Float.parseFloat(m.getOrDefault("beta2", "0.999")))
                    .seed(Long.parseLong(m.get("seed"))).sampleEvery(Integer.parseInt(m.get("sample_every")))
                    .checkpointEvery(Integer.parseInt(m.get("checkpoint_every")))
                    .dLayers(Integer.parseInt(m.getOrDefault("d_layers", "0"))).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("checkpoint has no valid training configuration: " + e.getMessage());
        }
    }

    /** The same run with a different length (a resumed run may be extended). */
    public TrainConfig withIterations(int n) {
        return toBuilder().iterations(n).build();
    }

    /** The same run writing samples and checkpoints at other intervals (they do not change what is computed). */
    public TrainConfig withIntervals(int samples, int checkpoints) {
        return toBuilder().sampleEvery(samples).checkpointEvery(checkpoints).build();
    }
}
