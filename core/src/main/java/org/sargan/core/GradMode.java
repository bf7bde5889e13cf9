package org.sargan.core;

/**
 * Whether ops record the autograd graph on the current thread. On by default; off inside a {@link #noGrad()}
 * scope (inference, optimiser updates) and while a backward pass runs without create_graph.
 *
 * <pre>{@code
 * try (GradMode.Scope s = GradMode.noGrad()) {
 *     Tensor y = model.forward(x);   // nothing recorded
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Sets recording on or off until the returned scope is closed, which restores the previous state. */
    public static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    /** Restores the previous grad mode when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
