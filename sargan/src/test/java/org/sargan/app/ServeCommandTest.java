package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve: loopback unless told otherwise, the built-in model by default, and its mistakes before it listens. */
class ServeCommandTest {
    private final Cli cli = new Cli();

    @Test
    void itListensOnLoopbackByDefaultAndServesTheBuiltInModel() {
        assertEquals("127.0.0.1", Command.SERVE.option("host").fallback());
        assertEquals("8080", Command.SERVE.option("port").fallback());
        assertEquals(Command.BUILT_IN, Command.SERVE.option("checkpoint").fallback());
    }

    @Test
    void mistakesAreRefusedBeforeItListens(@TempDir Path dir) {
        assertEquals(2, cli.run("serve", "--port", "70000"));
        assertEquals("sargan: --port is 70000, expected 0 to 65535", cli.err());
        assertEquals(1, cli.run("serve", "--checkpoint", dir.resolve("none.safetensors").toString()));
        assertTrue(cli.err().contains("none.safetensors: no such file"), cli.err());
    }
}
