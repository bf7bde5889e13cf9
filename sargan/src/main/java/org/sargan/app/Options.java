package org.sargan.app;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} options, checked against the names a command accepts before it starts any work. */
final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();

    static Options parse(String[] args, String... allowed) {
        java.util.List<String> names = java.util.List.of(allowed);
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3) {
                throw new UsageException("unexpected argument '" + a + "'; options look like --name value");
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option " + a + " needs a value");
            }
            String name = a.substring(2);
            if (!names.contains(name)) {
                throw new UsageException("unknown option " + a + (names.isEmpty() ? "; this command takes none"
                        : "; expected one of --" + String.join(", --", names)));
            }
            o.values.put(name, args[++i]);
        }
        return o;
    }

    /** A value the command cannot run without. */
    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    float number(String name, float fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            float x = Float.parseFloat(v);
            if (!(x > 0) || Float.isInfinite(x)) {
                throw new UsageException("--" + name + " is " + v + ", expected a positive number");
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is '" + v + "', expected a number");
        }
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int x = Integer.parseInt(v);
            if (x < min || x > max) {
                throw new UsageException("--" + name + " is " + x + ", expected " + min + " to " + max);
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is '" + v + "', expected a whole number");
        }
    }
}
