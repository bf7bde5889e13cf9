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
                case "info" -> Info.run(Options.parse(optArgs, "model", "size", "conv-dim"), out);
                case "demo" -> TrainCommand.demo(Options.parse(optArgs, "iters", "out", "lr"), out);
                case "engine-demo" -> EngineDemo.run(Options.parse(optArgs, "steps", "out"), out);
                case "train" -> TrainCommand.train(Options.parse(optArgs, "data", "size", "batch", "iters", "variant",
                        "conv-dim", "lr", "lr-schedule", "out", "resume", "seed", "sample-every", "checkpoint-every",
                        "classes"), out);
                case "translate" -> TranslateCommand.translate(Options.parse(optArgs, "checkpoint", "input", "to",
                        "out"), out);
                case "export" -> TranslateCommand.export(Options.parse(optArgs, "checkpoint", "out"), out);
                case "data" -> {
                    if (optArgs.length == 0 || !optArgs[0].equals("synth")) {
                        throw new UsageException("usage: sargan data synth --out DIR [--identities N] [--size S]");
                    }
                    DataCommand.synth(Options.parse(Arrays.copyOfRange(optArgs, 1, optArgs.length), "out",
                            "identities", "size", "seed"), out);
                }
                case "classifier" -> ClassifierCommand.run(optArgs, out);
                case "eval" -> EvalCommand.eval(Options.parse(optArgs, "checkpoint", "data", "out", "classifier", "ood",
                        "identities", "style-identities"), out);
                case "experiment" -> ExperimentCommand.run(optArgs, out);
                default -> throw new UsageException("unknown command '" + rest[0]
                        + "'; commands: demo, train, translate, export, data synth, eval, classifier train, "
                        + "experiment ablation, info, engine-demo");
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
                  demo [--iters N] [--out DIR] [--lr X]
                        render the built-in faces and train a small SARGAN (on the CPU, on the GPU with
                        java -Dsargan.backend=cuda); writes samples.png, losses.png, losses.csv and
                        checkpoint.safetensors
                  train --data DIR [--size 128] [--batch 8] [--iters 200000] [--variant sargan|usgan|stargan]
                        [--conv-dim 64] [--lr 1e-4] [--lr-schedule reference|linear] [--out DIR]
                        [--resume CHECKPOINT] [--classes all|present] [--seed N]
                  translate --checkpoint F --input IMG|DIR --to happy|...|all [--out DIR]
                  export --checkpoint F --out G.safetensors     the generator alone, for inference
                  data synth --out DIR [--identities 100] [--size 128]
                  eval --checkpoint F [--data DIR] [--ood DIR] [--classifier F] [--out DIR]
                        report.html, metrics.json, metrics.md: PSNR/SSIM/L1 against paired ground truth,
                        expression accuracy, identity kept, out-of-style faces
                  classifier train [--size 32] [--data DIR] [--out FILE]   the judges eval uses
                  experiment ablation [--size 32] [--iters 3000] [--identities 40|10,100]
                        [--variants sargan,usgan,stargan] [--out DIR]   about an hour on 2 cores
                  info [--model sargan|usgan|stargan --size 128]
                  engine-demo [--steps N] [--out DIR]           the engine on a small denoising network
                expressions: afraid, angry, disgusted, happy, neutral, sad, surprised
                options: --debug (stack traces on errors)
                """;
    }
}
