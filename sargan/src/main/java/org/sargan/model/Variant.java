package org.sargan.model;

import java.util.Locale;

/** The generator's bottleneck, for ablation (sargan/README.md); the trunk and training are the same for all three. */
public enum Variant {
    /** One spatial-attention residual block and the global input residual (the paper's model). */
    SARGAN,
    /** One vanilla residual block and the global input residual (US-GAN, the authors' earlier model). */
    USGAN,
    /** Six vanilla residual blocks, no global residual (StarGAN). */
    STARGAN;

    /** @throws IllegalArgumentException listing the valid names */
    public static Variant parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown model variant '" + name + "'; valid: sargan, usgan, stargan");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
