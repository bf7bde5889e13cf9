package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.sargan.io.IoErrors;

/**
 * The {@code sargan} command line. One exit-code rule for every command: 0 done, 2 for a wrong command line (an
 * unknown command or option, a missing or malformed value, options that contradict each other or the checkpoint),
 * 1 for a failure (a file missing or corrupt, unusable data, an I/O error, out of memory), 130/143 for a run stopped
 * by Ctrl-C or kill after writing its checkpoint. Every error is one line on stderr; {@code --debug} adds the stack
 * trace.
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
        if (rest.length == 0 || List.of("help", "--help", "-h").contains(rest[0])) {
            if (rest.length > 1) {
                Command c = Command.find(Arrays.copyOfRange(rest, 1, rest.length));
                if (c == null) {
                    err.println("sargan: unknown command '" + String.join(" ", Arrays.copyOfRange(rest, 1,
                            rest.length)) + "'; " + commands());
                    return 2;
                }
                out.print(c.help());
            } else {
                out.print(Command.overview());
            }
            return 0;
        }
        if (rest[0].equals("--version")) {
            out.println("sargan " + version());
            return 0;
        }
        Command c = Command.find(rest);
        if (c == null) {
            // "data", "classifier" and "experiment" alone: the usage of the command they begin
            Command first = Arrays.stream(Command.values()).filter(k -> k.name.startsWith(rest[0] + " ")).findFirst()
                    .orElse(null);
            err.println("sargan: " + (first != null ? "usage: " + first.synopsis().strip()
                    : "unknown command '" + rest[0] + "'; " + commands()));
            return 2;
        }
        String[] optArgs = Arrays.copyOfRange(rest, c.words(), rest.length);
        if (Arrays.asList(optArgs).contains("--help") || Arrays.asList(optArgs).contains("-h")) {
            out.print(c.help());
            return 0;
        }
        return guarded(() -> dispatch(c, Options.parse(c, optArgs), out), err, debug);
    }

    private static int dispatch(Command c, Options o, PrintStream out) throws IOException {
        switch (c) {
            case DEMO -> {
                return o.flag("train") ? TrainCommand.demo(o, out) : ModelDemo.run(o, out);
            }
            case TRAIN -> {
                return TrainCommand.train(o, out);
            }
            case TRANSLATE -> TranslateCommand.translate(o, out);
            case EXPORT -> ExportCommand.export(o, out);
            case DATA_SYNTH -> DataCommand.synth(o, out);
            case EVAL -> EvalCommand.eval(o, out);
            case CLASSIFIER_TRAIN -> ClassifierCommand.train(o, out);
            case EXPERIMENT_ABLATION -> ExperimentCommand.ablation(o, out);
            case SERVE -> {
                return ServeCommand.serve(o, out);
            }
            case INFO -> Info.run(o, out);
            case ENGINE_DEMO -> EngineDemo.run(o, out);
            default -> throw new IllegalStateException("no handler for " + c.name);
        }
        return 0;
    }

    /** A command body; returns its exit code. */
    interface Body {
        int run() throws IOException;
    }

    /** Runs {@code body}, turning anything it throws into one line on {@code err} and the exit code of its kind. */
    static int guarded(Body body, PrintStream err, boolean debug) {
        try {
            return body.run();
        } catch (UsageException e) {
            err.println("sargan: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            return fail(err, IoErrors.describe(e), e, debug);
        } catch (RuntimeException e) {
            return fail(err, e.getMessage() != null ? e.getMessage() : e.toString(), e, debug);
        } catch (OutOfMemoryError e) {
            return fail(err, "out of memory (" + e.getMessage() + "); give Java more with -Xmx, e.g. "
                    + "java -Xmx8g -jar sargan.jar ..., or use a smaller --batch or --size", e, debug);
        } catch (StackOverflowError e) {
            return fail(err, "stack overflow: an input is nested too deeply, or this is a bug (--debug shows where)",
                    e, debug);
        } catch (Error e) {
            return fail(err, "internal error: " + e, e, debug);
        }
    }

    private static int fail(PrintStream err, String message, Throwable e, boolean debug) {
        err.println("sargan: " + message.replace('\n', ' '));
        if (debug) {
            e.printStackTrace(err);
        }
        return 1;
    }

    private static String commands() {
        return "commands: " + String.join(", ", Arrays.stream(Command.values()).map(c -> c.name).toList())
                + ", help";
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
