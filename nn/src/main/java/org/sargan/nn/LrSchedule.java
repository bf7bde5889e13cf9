package org.sargan.nn;

import java.util.Locale;

/**
 * The learning rate at an iteration. SARGAN's reference code "decays" by subtracting base/100000 every 5,000
 * iterations after 100k, which leaves the rate effectively constant; StarGAN's paper intends a linear decay to 0
 * over the last half. Both are offered; {@code reference} is the default.
 */
public interface LrSchedule {
    /** Learning rate for 0-based iteration {@code it}. */
    float at(long it);

    /** The reference code's behaviour: base, minus base/1e5 every {@code every} iterations after {@code start}. */
    static LrSchedule reference(float base, long start, long every) {
        return it -> it < start ? base : base - (float) ((it - start) / every) * base / 100_000f;
    }

    /** Constant until {@code start}, then linear to 0 at {@code end}. */
    static LrSchedule linear(float base, long start, long end) {
        return it -> it < start ? base : base * Math.max(0f, (float) (end - it) / (end - start));
    }

    /**
     * By name: "reference" or "linear", for a run of {@code iterations} (decay from the middle on).
     *
     * @throws IllegalArgumentException naming the valid choices
     */
    static LrSchedule named(String name, float base, long iterations) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "reference" -> reference(base, iterations / 2, 5_000);
            case "linear" -> linear(base, iterations / 2, iterations);
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name
                    + "'; valid: reference, linear");
        };
    }
}
