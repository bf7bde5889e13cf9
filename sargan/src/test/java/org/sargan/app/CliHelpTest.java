package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** help, --help, -h, --version, --name=value, and the one exit-code rule: 2 for the command line, 1 for failures. */
class CliHelpTest {
    private final Cli cli = new Cli();

    @Test
    void everyCommandAnswersHelpWithEveryOptionAndItsDefault() {
        for (Command c : Command.values()) {
            String[] words = c.name.split(" ");
            for (String h : List.of("--help", "-h")) {
                String[] args = Arrays.copyOf(words, words.length + 1);
                args[words.length] = h;
                assertEquals(0, cli.run(args), c.name + " " + h + ": " + cli.err());
                String text = cli.out();
                for (Command.Opt o : c.options) {
                    assertTrue(text.contains("--" + o.name()), c.name + " " + h + " lacks --" + o.name() + ":\n" + text);
                    if (o.fallback() != null) {
                        assertTrue(text.contains("(default " + o.fallback() + ")"), c.name + " --" + o.name()
                                + " shows no default:\n" + text);
                    }
                }
            }
            String[] help = new String[words.length + 1];
            help[0] = "help";
            System.arraycopy(words, 0, help, 1, words.length);
            assertEquals(0, cli.run(help), cli.err());
            assertTrue(cli.out().startsWith("usage: sargan " + c.name), cli.out());
        }
    }

    @Test
    void everyOptionTheParserAcceptsIsInTheHelpAndTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertEquals(0, cli.run("help"));
        String overview = cli.out();
        assertTrue(readme.contains(overview), "README.md must show the output of 'sargan help' verbatim:\n"
                + overview);
        for (Command c : Command.values()) {
            assertTrue(readme.contains("sargan " + c.name), "README lacks the command " + c.name);
            for (Command.Opt o : c.options) {
                // the parser accepts it ...
                String[] args = o.isFlag() ? new String[] {"--" + o.name()} : new String[] {"--" + o.name(), "1"};
                assertEquals(1, Options.parse(c, args).given().size(), c.name + " --" + o.name());
                // ... and the overview (hence the README) shows it beside its command
                String block = overview.substring(overview.indexOf("sargan " + c.name + " "));
                block = block.substring(0, block.indexOf("\n\n") > 0 ? block.indexOf("\n\n") : block.length());
                assertTrue(block.contains("--" + o.name()), c.name + " --" + o.name() + " missing from help:\n"
                        + block);
            }
        }
    }

    @Test
    void noArgumentsPrintsTheOverview() {
        assertEquals(0, cli.run());
        assertTrue(cli.out().contains("sargan train --data DIR"), cli.out());
        assertEquals(0, cli.run("-h"));
        assertTrue(cli.out().contains("exit codes"), cli.out());
    }

    @Test
    void versionPrintsOneLine() {
        assertEquals(0, cli.run("--version"));
        assertTrue(cli.out().startsWith("sargan "), cli.out());
        assertEquals(1, cli.out().strip().split("\n").length, cli.out());
    }

    @Test
    void nameEqualsValueIsAccepted(@TempDir Path dir) {
        assertEquals(0, cli.run("info", "--model=usgan", "--size=64"), cli.err());
        assertTrue(cli.out().contains("usgan"), cli.out());
        assertEquals(2, cli.run("info", "--size=", "--model", "sargan"));
        assertTrue(cli.err().contains("--size is '', expected a whole number"), cli.err());
        assertEquals(2, cli.run("export", "--overwrite=yes"));
        assertTrue(cli.err().contains("--overwrite takes no value"), cli.err());
        assertEquals(2, cli.run("info", "--size", "64", "--size", "32"));
        assertTrue(cli.err().contains("--size is given twice"), cli.err());
    }

    /** Usage errors exit 2 in every command; failures (missing files, bad data) exit 1; both are one line. */
    @Test
    void oneExitCodeRule(@TempDir Path dir) throws Exception {
        Path data = cli.synth(dir.resolve("data"), 1);
        Path missing = dir.resolve("missing.safetensors");
        String d = data.toString();
        List<List<String>> usage = List.of(
                List.of("frobnicate"),
                List.of("data"),
                List.of("data", "synth"),
                List.of("demo", "--train", "--iters", "0"),
                List.of("train", "--data", d, "--variant", "bigan"),
                List.of("train", "--data", d, "--lr-schedule", "cosine"),
                List.of("train", "--data", d, "--batch", "1"),
                List.of("train", "--data", d, "--size", "40"),
                List.of("train", "--data", d, "--classes", "foo"),
                List.of("train", "--data"),
                List.of("translate", "--checkpoint", missing.toString(), "--input", d, "--to", "smug"),
                List.of("translate", "--to", "happy"),
                List.of("export", "--checkpoint", missing.toString()),
                List.of("info", "--model", "bigan"),
                List.of("engine-demo", "--steps", "-1"));
        for (List<String> args : usage) {
            assertEquals(2, cli.run(args.toArray(new String[0])), String.join(" ", args) + ": " + cli.err());
            assertEquals(1, cli.err().split("\n").length, cli.err());
        }
        List<List<String>> failures = List.of(
                List.of("train", "--data", dir.resolve("nowhere").toString(), "--size", "32", "--out",
                        dir.resolve("r").toString()),
                List.of("translate", "--checkpoint", missing.toString(), "--input", d, "--to", "happy"),
                List.of("export", "--checkpoint", missing.toString(), "--out", dir.resolve("g.st").toString()),
                List.of("train", "--data", d, "--resume", missing.toString()));
        for (List<String> args : failures) {
            assertEquals(1, cli.run(args.toArray(new String[0])), String.join(" ", args) + ": " + cli.err());
            assertEquals(1, cli.err().split("\n").length, cli.err());
        }
    }

    @Test
    void classesFooIsRefusedNotTreatedAsAll(@TempDir Path dir) throws Exception {
        Path data = cli.synth(dir.resolve("data"), 1);
        assertEquals(2, cli.train(data, dir.resolve("run"), 1, "--classes", "foo"));
        assertTrue(cli.err().contains("--classes is 'foo', expected all or present"), cli.err());
    }
}
