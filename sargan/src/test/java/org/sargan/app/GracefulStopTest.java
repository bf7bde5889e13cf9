package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.nn.SafeTensors;

/** kill -TERM of a real training process: the step finishes, a checkpoint is written and named, exit 143. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class GracefulStopTest {
    @Test
    @Timeout(120)
    void sigtermWritesACheckpointAndExits143(@TempDir Path dir) throws Exception {
        Path data = new Cli().synth(dir.resolve("data"), 1);
        Path run = dir.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-Dsargan.threads=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "train", "--data", data.toString(),
                "--size", "32", "--batch", "2", "--conv-dim", "4", "--iters", "1000000", "--out", run.toString()))
                .redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("it 10/")) {
                    p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertEquals(143, p.exitValue(), seen.toString());
        String text = seen.toString();
        assertTrue(text.contains("stopped by a signal (Ctrl-C or kill) at iteration "), text);
        String it = text.replaceAll("(?s).*stopped by a signal \\(Ctrl-C or kill\\) at iteration (\\d+).*", "$1");
        assertTrue(Integer.parseInt(it) >= 10, text);
        assertEquals(it, SafeTensors.readMetadata(run.resolve("checkpoint.safetensors")).get("iteration"), text);
    }
}
