package org.sargan.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.sargan.api.ExpressionEditor;
import org.sargan.io.IoErrors;
import org.sargan.web.EditorServer;

/** {@code sargan serve}: the web page of {@link EditorServer} until Ctrl-C. */
final class ServeCommand {
    private ServeCommand() {
    }

    static int serve(Options opts, PrintStream out) throws IOException {
        int port = opts.integer("port", 0, 65_535);
        String host = opts.string("host");
        Path checkpoint = opts.has("checkpoint") ? Path.of(opts.string("checkpoint")) : null;
        if (checkpoint != null) {
            IoErrors.requireFile(checkpoint, "--checkpoint");
        }
        ExpressionEditor editor = TranslateCommand.editor(checkpoint);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UsageException("--host " + host + " is not an address of this machine");
        }
        EditorServer server;
        try {
            server = new EditorServer(editor, address, EditorServer.Limits.defaults());
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); give "
                    + "another --port", e);
        }
        out.printf("serving %s (%d px) on http://%s:%d/ ; Ctrl-C stops%n",
                checkpoint == null ? Command.BUILT_IN : checkpoint, editor.size(), host, server.port());
        if (!address.getAddress().isLoopbackAddress()) {
            out.println("warning: --host " + host + " is reachable from other machines; the page has no login");
        }
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        return 0;
    }
}
