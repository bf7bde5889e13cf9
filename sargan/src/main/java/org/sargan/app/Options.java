package org.sargan.app;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code --name value}, {@code --name=value} and {@code --flag} options, checked against the {@link Command}'s list
 * before the command starts any work. Values not given fall back to the defaults in that list.
 */
final class Options {
    private final Command command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Options(Command command) {
        this.command = command;
    }

    static Options parse(Command command, String[] args) {
        Options o = new Options(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3) {
                throw new UsageException("unexpected argument '" + a + "'; options look like --name value "
                        + "(sargan " + command.name + " --help lists them)");
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            Command.Opt spec = command.option(name);
            if (spec == null) {
                throw new UsageException("unknown option --" + name + " for " + command.name + "; expected one of --"
                        + String.join(", --", command.options.stream().map(Command.Opt::name).toList()));
            }
            if (o.values.containsKey(name)) {
                throw new UsageException("option --" + name + " is given twice");
            }
            String value;
            if (spec.isFlag()) {
                if (eq >= 0) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                value = "true";
            } else if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("option --" + name + " needs a value: --" + name + " " + spec.arg());
            }
            o.values.put(name, value);
        }
        return o;
    }

    /** A value the command cannot run without. */
    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing --" + name + " " + command.option(name).arg() + " (sargan "
                    + command.name + " --help)");
        }
        return v;
    }

    /** Whether the option was given on the command line. */
    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The options given on the command line, in order, with their values. */
    Map<String, String> given() {
        return Collections.unmodifiableMap(values);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The value given, else the default (null when there is none). */
    String string(String name) {
        Command.Opt spec = command.option(name);
        if (spec == null) {
            throw new IllegalArgumentException("command " + command.name + " has no option --" + name);
        }
        return values.getOrDefault(name, spec.fallback());
    }

    /** The value converted by {@code parse}, whose IllegalArgumentException becomes a usage error. */
    <T> T parsed(String name, Function<String, T> parse) {
        String v = string(name);
        try {
            return v == null ? null : parse.apply(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + e.getMessage());
        }
    }

    /** One of {@code choices}, ignoring case. */
    String choice(String name, String... choices) {
        String v = string(name);
        for (String c : choices) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw new UsageException("--" + name + " is '" + v + "', expected " + String.join(" or ", choices));
    }

    float number(String name) {
        String v = string(name);
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

    int integer(String name, int min, int max) {
        String v = string(name);
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
