package org.sargan.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sargan.eval.Evaluation;
import org.sargan.eval.Judges;
import org.sargan.train.Trainer;

/**
 * Every command of the command line with every option it accepts, its default and its help text: the one list
 * that the parser checks against, the code reads its defaults from, and {@code help} prints.
 */
enum Command {
    DEMO("demo", "the model first: translate held-out built-in faces with the built-in model to all 7 expressions "
            + "in seconds; writes expressions.png and intensity.png (one face from strength 0 to 1). With --train: "
            + "render the built-in faces and train a small SARGAN on them (32 px, G conv_dim 32, D conv_dim 64, "
            + "batch 8); writes samples.png, losses.png, losses.csv and checkpoint.safetensors",
            flag("train", "train a model instead of showing one (about 10 minutes on 2 cores with the defaults)"),
            opt("checkpoint", "FILE", Command.BUILT_IN, "without --train: the generator to show, any file "
                    + "translate reads"),
            opt("identities", "N", "6", "without --train: held-out built-in identities, one row each"),
            opt("intensity", "EXPRESSION", "happy", "without --train: the expression of the intensity strip"),
            opt("iters", "N", "9000", "with --train: training iterations"),
            opt("lr", "X", "2e-4", "with --train: learning rate of both Adam optimisers"),
            opt("out", "DIR", "runs/demo", "output folder"),
            flag("overwrite", "with --train: replace a run already in --out")),
    TRAIN("train", "train SARGAN on an image folder (one folder per expression), or continue a run with --resume",
            opt("data", "DIR", null, "required: one folder per expression, named by KDEF code (AFS, ANS, DIS, HAS, "
                    + "NES, SAS, SUS) or plain name (afraid, angry, disgusted, happy, neutral, sad, surprised)"),
            opt("size", "N", "128", "image side in pixels, a multiple of 16"),
            opt("batch", "N", "8", "batch size, at least 2"),
            opt("iters", "N", "200000", "training iterations in all; with --resume it may extend the run"),
            opt("variant", "sargan|usgan|stargan", "sargan", "the generator's bottleneck"),
            opt("conv-dim", "N", "64", "channels of the first layer of G and D"),
            opt("lr", "X", "1e-4", "learning rate of both Adam optimisers"),
            opt("lr-schedule", "reference|linear", "reference", "reference: as the reference code (constant in "
                    + "effect); linear: decays to zero over the second half"),
            opt("seed", "N", "1234", "random seed of initialisation and sampling"),
            opt("classes", "all|present", "all", "all: every class folder must exist; present: train on those found"),
            opt("out", "DIR", "runs/train", "output folder; with --resume the checkpoint's folder"),
            opt("resume", "CHECKPOINT", null, "continue this run exactly; its configuration wins, only --iters, "
                    + "--sample-every, --checkpoint-every, --data, --classes and --out may be given anew. Also the "
                    + "authors' {N}-G.ckpt (beside its {N}-D.ckpt): their weights, the architecture read from them, "
                    + "fresh Adam states, counting on from N"),
            opt("sample-every", "N", "1000", "write samples.png and losses.png every N iterations"),
            opt("checkpoint-every", "N", "10000", "write checkpoint.safetensors every N iterations (and at least "
                    + "every " + Trainer.CHECKPOINT_MINUTES + " minutes, at the end and on Ctrl-C or kill)"),
            opt("profile", "N", null, "instead of training: time N iterations after 15 warm-up ones (the last 5 "
                    + "under the profile, not counted) and print, per step kind, where the time goes op by op (ms, "
                    + "share, GFLOP/s or GB/s); writes nothing"),
            flag("overwrite", "replace a run already in --out")),
    TRANSLATE("translate", "change the expression of images with a trained generator (the built-in model unless "
            + "--checkpoint is given); writes NAME_EXPRESSION.png",
            opt("checkpoint", "FILE", Command.BUILT_IN, "a training checkpoint, a file written by export, or the "
                    + "authors' generator (sargan_G.ckpt, zip or legacy torch.save)"),
            opt("input", "IMG|DIR", null, "required: an image, or a folder of images (subfolders are not read)"),
            opt("to", "EXPRESSION[:S]|all[:S]", null, "required: afraid, angry, disgusted, happy, neutral, sad, "
                    + "surprised (or a KDEF code), or all; :S sets the strength from 0 (neutral) to 1 (full, the "
                    + "default), e.g. happy:0.5, an inference-time extension not in the paper; writes "
                    + "NAME_happy_0.5.png"),
            opt("out", "DIR", "runs/translated", "output folder")),
    EXPORT("export", "write the generator in the authors' state-dict layout: a PyTorch file their code loads "
            + "(.ckpt, .pt, .pth) or safetensors with the same keys; with --with-discriminator G and D for their "
            + "training",
            opt("checkpoint", "FILE", null, "required: a training checkpoint, an exported generator or the authors' "
                    + "G file"),
            opt("out", "FILE|DIR", null, "required: the file to write (G.ckpt, G.pt, G.pth or G.safetensors); with "
                    + "--with-discriminator the folder that gets {N}-G.ckpt and {N}-D.ckpt"),
            flag("with-discriminator", "also write D (needs a training checkpoint), as their {N}-G.ckpt and "
                    + "{N}-D.ckpt"),
            flag("half", "write G's weights as float16 (half the size; read back as float32, each weight rounded "
                    + "to float16's 11 significant bits)"),
            flag("overwrite", "replace existing --out files")),
    DATA_SYNTH("data synth", "render the built-in faces into the folder layout train reads",
            opt("out", "DIR", null, "required: output folder"),
            opt("identities", "N", "100", "faces, each in all 7 expressions"),
            opt("size", "N", "128", "image side in pixels"),
            opt("seed", "N", "1", "seed of the first identity")),
    EVAL("eval", "measure a trained generator (the built-in model unless --checkpoint is given): PSNR, SSIM and L1 "
            + "against paired ground truth, expression accuracy, "
            + "identity kept, a Frechet distance, out-of-style faces; writes report.html, metrics.json and metrics.md",
            opt("checkpoint", "FILE", Command.BUILT_IN, "any generator file translate reads"),
            opt("data", "DIR", null, "an image folder to evaluate on instead of held-out built-in identities (files "
                    + "named alike across class folders are paired)"),
            opt("ood", "DIR", null, "a folder of other faces, shown as a grid in the report"),
            opt("classifier", "FILE", null, "the judges from classifier train (default: train them now, about 2-3 "
                    + "minutes at 32 px, and save them beside the report)"),
            opt("identities", "N", Integer.toString(Evaluation.Options.defaults().identities()),
                    "held-out built-in test identities"),
            opt("style-identities", "N", Integer.toString(Evaluation.Options.defaults().styleIdentities()),
                    "identities per out-of-style render (statue, flat, photo); 0 for none"),
            opt("out", "DIR", "runs/eval", "output folder")),
    CLASSIFIER_TRAIN("classifier train", "train eval's judges with the engine: an expression classifier and an "
            + "identity embedding, on built-in identities that no GAN trains or is tested on",
            opt("size", "N", "32", "image side in pixels"),
            opt("data", "DIR", null, "train the expression classifier on this image folder instead (every fifth "
                    + "identity held out to measure it)"),
            opt("identities", "N", Integer.toString(Judges.Settings.defaults().classifierIdentities()),
                    "built-in identities for the expression classifier"),
            opt("identity-identities", "N", Integer.toString(Judges.Settings.defaults().identityIdentities()),
                    "built-in identities for the identity embedding"),
            opt("iters", "N", Integer.toString(Judges.Settings.defaults().classifierIterations()),
                    "training iterations of the expression classifier"),
            opt("identity-iters", "N", Integer.toString(Judges.Settings.defaults().identityIterations()),
                    "training iterations of the identity embedding"),
            opt("out", "FILE", "runs/classifier/classifier.safetensors", "the file to write")),
    EXPERIMENT_ABLATION("experiment ablation", "train sargan, usgan and stargan alike on built-in faces (the demo's "
            + "setup) and evaluate them alike; writes ablation.md, ablation.csv, ablation.png and a report per run "
            + "(about an hour on 2 cores with the defaults)",
            opt("size", "N", "32", "image side in pixels"),
            opt("iters", "N", "3000", "training iterations per run"),
            opt("identities", "N[,N...]", "40", "training identities; a list such as 10,100 runs the small-data "
                    + "comparison"),
            opt("variants", "LIST", "sargan,usgan,stargan", "the variants to compare"),
            opt("conv-dim", "N", "32", "G's conv_dim (D keeps 64, as in the demo)"),
            opt("seed", "N", "1234", "random seed, the same for every run"),
            opt("eval-identities", "N", Integer.toString(Evaluation.Options.defaults().identities()),
                    "held-out built-in test identities"),
            opt("style-identities", "N", Integer.toString(Evaluation.Options.defaults().styleIdentities()),
                    "identities per out-of-style render; 0 for none"),
            opt("classifier", "FILE", null, "the judges from classifier train (default: train them once for all "
                    + "runs)"),
            opt("out", "DIR", "runs/ablation", "output folder")),
    SERVE("serve", "a local web page: upload a face, see all 7 expressions and dial the strength",
            opt("checkpoint", "FILE", Command.BUILT_IN, "any generator file translate reads"),
            opt("port", "N", "8080", "TCP port (0 picks a free one)"),
            opt("host", "ADDRESS", "127.0.0.1", "address to listen on; only this machine can reach 127.0.0.1")),
    INFO("info", "the backend, threads, SIMD and CUDA status; with --model, every layer of G and D",
            opt("model", "sargan|usgan|stargan", null, "summarise this model instead"),
            opt("size", "N", "128", "image side of the summarised model"),
            opt("conv-dim", "N", "64", "conv_dim of the summarised model")),
    ENGINE_DEMO("engine-demo", "the engine alone on a small denoising network with a gradient penalty",
            opt("steps", "N", "300", "training steps"),
            opt("out", "DIR", "runs/engine-demo", "output folder"));

    /** One option: its name without "--", the placeholder of its value (null for a flag), default and help. */
    record Opt(String name, String arg, String fallback, String help) {
        boolean isFlag() {
            return arg == null;
        }
    }

    /** The default of --checkpoint where a command falls back to the generator in the jar. */
    static final String BUILT_IN = "the built-in model";

    /** Columns of the help text. */
    private static final int WIDTH = 110;

    final String name;
    final String summary;
    final List<Opt> options;

    Command(String name, String summary, Opt... options) {
        this.name = name;
        this.summary = summary;
        this.options = List.of(options);
    }

    private static Opt opt(String name, String arg, String fallback, String help) {
        return new Opt(name, arg, fallback, help);
    }

    private static Opt flag(String name, String help) {
        return new Opt(name, null, null, help);
    }

    /** The option called {@code name}, or null. */
    Opt option(String name) {
        for (Opt o : options) {
            if (o.name.equals(name)) {
                return o;
            }
        }
        return null;
    }

    /** The command whose name starts {@code args}, or null. */
    static Command find(String[] args) {
        for (Command c : values()) {
            String[] words = c.name.split(" ");
            if (args.length >= words.length && Arrays.asList(args).subList(0, words.length)
                    .equals(List.of(words))) {
                return c;
            }
        }
        return null;
    }

    /** Words the command name takes in the argument list. */
    int words() {
        return name.split(" ").length;
    }

    /** One line per option: "--name ARG   help (default X)". */
    String help() {
        StringBuilder b = new StringBuilder("usage: sargan " + synopsis().substring("sargan ".length()) + "\n");
        b.append(wrap("  ", words(summary), "  ")).append('\n');
        for (Opt o : options) {
            String head = String.format("  %-32s ", "--" + o.name + (o.isFlag() ? "" : " " + o.arg));
            List<String> text = words(o.help);
            if (o.fallback != null) {
                text.add("(default " + o.fallback + ")");
            }
            b.append(wrap(head, text, " ".repeat(head.length()))).append('\n');
        }
        b.append(String.format("  %-32s %s%n", "--debug", "stack traces on errors"));
        b.append(String.format("  %-32s %s%n", "-h, --help", "this help"));
        return b.toString();
    }

    /** The usage line: the command and all its options with their defaults. */
    String synopsis() {
        List<String> parts = new ArrayList<>();
        for (Opt o : options) {
            if (o.isFlag()) {
                parts.add("[--" + o.name + "]");
            } else if (o.help.startsWith("required")) {
                parts.add("--" + o.name + " " + o.arg);
            } else {
                // a default in words (the built-in model) reads better in the help than in the usage line
                boolean literal = o.fallback != null && !o.fallback.contains(" ");
                parts.add("[--" + o.name + " " + (literal ? o.fallback : o.arg) + "]");
            }
        }
        return wrap("sargan " + name + " ", parts, "        ");
    }

    /** The whole command line, as {@code sargan help} prints it and the README shows it. */
    static String overview() {
        StringBuilder b = new StringBuilder();
        b.append("usage: sargan <command> [options]      options as --name value or --name=value\n");
        for (Command c : values()) {
            b.append('\n').append(c.synopsis()).append('\n');
            b.append(wrap("    ", words(c.summary), "    ")).append('\n');
        }
        b.append("""

                sargan <command> --help     every option of a command, with its default (also -h, help <command>)
                sargan --version            the version
                --debug                     stack traces on errors
                exit codes: 0 done, 1 failed, 2 wrong command line, 130/143 stopped by Ctrl-C/kill (after a checkpoint)
                """);
        return b.toString();
    }

    private static List<String> words(String text) {
        return new ArrayList<>(List.of(text.split(" ")));
    }

    /** {@code first} then {@code words} (never split), wrapped at WIDTH columns, later lines starting with indent. */
    private static String wrap(String first, List<String> words, String indent) {
        StringBuilder b = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        int start = line.length();
        for (String w : words) {
            if (line.length() > start && line.length() + 1 + w.length() > WIDTH) {
                b.append(line).append('\n');
                line = new StringBuilder(indent);
                start = line.length();
            }
            if (line.length() > start) {
                line.append(' ');
            }
            line.append(w);
        }
        return b.append(line).toString();
    }
}
