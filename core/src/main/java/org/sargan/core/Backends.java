package org.sargan.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.sargan.core.cpu.CpuBackend;

/**
 * Chooses the backend that new tensors are created on. The CPU backend is the default everywhere; others are
 * discovered with {@link ServiceLoader} and selected by name, by {@link #use}, or by the system property
 * {@code sargan.backend} ({@code cpu}, {@code cuda}, or {@code auto} = the first usable non-CPU backend, else CPU).
 */
public final class Backends {
    private static volatile Backend current;

    private Backends() {
    }

    /** The backend for new tensors; initialised from {@code -Dsargan.backend} on first use (default cpu). */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                if (current == null) {
                    current = select(System.getProperty("sargan.backend", "cpu"));
                }
                b = current;
            }
        }
        return b;
    }

    /** Makes {@code backend} the default for new tensors. */
    public static void use(Backend backend) {
        current = backend;
    }

    /** The names of all backends this JVM can see (usable or not): always "cpu", plus discovered providers. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        names.add(CpuBackend.NAME);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            names.add(p.name());
        }
        return names;
    }

    /**
     * Resolves a backend by name. "auto" tries every discovered provider and falls back to the CPU.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     * @throws IllegalStateException when the named backend exists but cannot run here, with its reason
     */
    public static Backend select(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals(CpuBackend.NAME)) {
            return CpuBackend.INSTANCE;
        }
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (n.equals("auto")) {
                try {
                    return p.create();
                } catch (IllegalStateException unusable) {
                    continue;
                }
            }
            if (p.name().equals(n)) {
                return p.create();
            }
        }
        if (n.equals("auto")) {
            return CpuBackend.INSTANCE;
        }
        throw new IllegalArgumentException("backend '" + name + "' is unknown; available: " + available()
                + " and auto");
    }
}
