package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;
import org.sargan.core.Backend;
import org.sargan.core.Backends;

/** Whatever a command throws, Error included, the user sees one line and the exit code of its kind. */
class FailureLinesTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int guarded(Main.Body body) {
        err.reset();
        return Main.guarded(body, new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String line() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void errorsBecomeOneLine() {
        assertEquals(1, guarded(() -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        assertTrue(line().startsWith("sargan: out of memory (Java heap space); give Java more with -Xmx"), line());
        assertEquals(1, guarded(() -> {
            throw new StackOverflowError();
        }));
        assertTrue(line().startsWith("sargan: stack overflow"), line());
        assertEquals(1, guarded(() -> {
            throw new AssertionError("boom");
        }));
        assertEquals("sargan: internal error: java.lang.AssertionError: boom", line());
        assertEquals(1, guarded(() -> {
            throw new NullPointerException();
        }));
        assertEquals("sargan: java.lang.NullPointerException", line());
    }

    @Test
    void fileSystemErrorsSayWhy() {
        assertEquals(1, guarded(() -> {
            throw new AccessDeniedException("/proc/forbidden");
        }));
        assertEquals("sargan: /proc/forbidden: permission denied", line());
        assertEquals(2, guarded(() -> {
            throw new UsageException("bad option");
        }));
        assertEquals("sargan: bad option", line());
    }

    /** -Dsargan.backend=cuda info on a machine where CUDA cannot run: info reports why and succeeds. */
    @Test
    void infoReportsAnUnusableRequestedBackendAndExitsZero() {
        String before = System.getProperty("sargan.backend");
        Backend current = Backends.current();
        try {
            System.setProperty("sargan.backend", "cuda");
            Backends.use(null); // the next use reads the property again, as in a fresh JVM
            Cli cli = new Cli();
            assertEquals(0, cli.run("info"), cli.err());
            assertTrue(cli.out().contains("backend:   "), cli.out());
            assertTrue(cli.out().contains("cuda:      "), cli.out());
        } finally {
            if (before == null) {
                System.clearProperty("sargan.backend");
            } else {
                System.setProperty("sargan.backend", before);
            }
            Backends.use(current);
        }
    }
}
