package org.sargan.app;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code sargan} command line. Every failure is one line on stderr and a non-zero exit; {@code --debug} adds
 * the stack trace.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        if (rest.length == 0 || rest[0].equals("help") || rest[0].equals("--help")) {
            out.print(usage());
            return 0;
        }
        try {
            String[] optArgs = Arrays.copyOfRange(rest, 1, rest.length);
            switch (rest[0]) {
                case "info" -> {
                    Options.parse(optArgs);
                    Info.print(out);
                }
                case "demo" -> EngineDemo.run(Options.parse(optArgs, "steps", "out"), out);
                default -> throw new UsageException("unknown command '" + rest[0] + "'; commands: info, demo");
            }
            return 0;
        } catch (UsageException e) {
            err.println("sargan: " + e.getMessage());
            return 2;
        } catch (RuntimeException | java.io.IOException e) {
            err.println("sargan: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static String usage() {
        return """
                usage: sargan <command> [options]
                  info                 version, backend, threads, SIMD and CUDA status
                  demo [--steps N] [--out DIR]
                                       trains a small attention-gated conv net with this engine on generated
                                       images (denoising), writes before/after pictures and the loss curve
                options: --debug (stack traces on errors)
                """;
    }
}
