package org.sargan.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.sargan.api.ExpressionEditor;
import org.sargan.data.Expression;
import org.sargan.data.Images;
import org.sargan.nn.Json;

/**
 * {@code sargan serve}: a local web page on the JDK's built-in HTTP server. {@code GET /} is the page (upload a
 * face, see all seven expressions, move the strength slider); {@code POST /edit?strength=S} takes the image file as
 * the request body and answers JSON with the seven results as PNG data URLs, or {@code {"error": ...}} with a 4xx
 * status (413 too large, 400 not an image or a bad strength) or 503 when busy. One editor serves every request; at
 * most {@link Limits#concurrent} requests decode and run the generator at once, the rest wait up to
 * {@link Limits#queueSeconds}.
 */
public final class EditorServer implements AutoCloseable {
    /** What one request may cost. */
    public record Limits(long uploadBytes, int concurrent, int queueSeconds) {
        /** 20 MB uploads (image pixels are bounded by {@link Images#MAX_PIXELS}), 2 at once, 60 s in the queue. */
        public static Limits defaults() {
            return new Limits(20L << 20, 2, 60);
        }

        public Limits {
            if (uploadBytes < 1 || concurrent < 1 || queueSeconds < 0) {
                throw new IllegalArgumentException("limits: upload " + uploadBytes + " bytes, " + concurrent
                        + " concurrent, " + queueSeconds + " s queue; expected positive, positive, non-negative");
            }
        }
    }

    /** Threads that accept and answer connections; those beyond {@link Limits#concurrent} wait for the editor. */
    private static final int HTTP_THREADS = 16;

    private final ExpressionEditor editor;
    private final Limits limits;
    private final HttpServer http;
    private final ExecutorService pool;
    private final Semaphore running;
    private final byte[] page;

    /** Binds to {@code address} (port 0 picks a free one) and starts serving. */
    public EditorServer(ExpressionEditor editor, InetSocketAddress address, Limits limits) throws IOException {
        this.editor = editor;
        this.limits = limits;
        this.running = new Semaphore(limits.concurrent(), true);
        try (InputStream in = EditorServer.class.getResourceAsStream("/org/sargan/web/index.html")) {
            if (in == null) {
                throw new IllegalStateException("the page /org/sargan/web/index.html is missing from the jar");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{SIZE}}", Integer.toString(editor.size()))
                    .replace("{{MAX_MB}}", Long.toString(Math.max(1, limits.uploadBytes() >> 20)))
                    .getBytes(StandardCharsets.UTF_8);
        }
        http = HttpServer.create(address, 0);
        pool = Executors.newFixedThreadPool(HTTP_THREADS);
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        http.start();
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    /** A request refused with a status and a message for the page. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                if (path.equals("/") && method.equals("GET")) {
                    send(ex, 200, "text/html; charset=utf-8", page);
                } else if (path.equals("/edit") && method.equals("POST")) {
                    send(ex, 200, "application/json", edit(ex).getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/") || path.equals("/edit")) {
                    throw new Refused(405, method + " " + path + " is not served; expected GET / or POST /edit");
                } else {
                    throw new Refused(404, path + " is not here; the page is at /");
                }
            } catch (Refused e) {
                send(ex, e.status, "application/json", error(e.getMessage()));
            } catch (RuntimeException | OutOfMemoryError e) {
                send(ex, 500, "application/json", error("the server failed on this image: " + e));
            }
        }
    }

    /** Reads the upload, runs the editor, returns the JSON answer. */
    private String edit(HttpExchange ex) throws IOException, Refused {
        float strength = strength(ex.getRequestURI());
        byte[] body = body(ex);
        BufferedImage[] out;
        // decoding counts as the edit's work: a 40-megapixel image takes 160 MB, so only `concurrent` at once
        try {
            if (!running.tryAcquire(limits.queueSeconds(), TimeUnit.SECONDS)) {
                throw new Refused(503, "the server is busy (" + limits.concurrent() + " edits at once and a queue "
                        + "of " + limits.queueSeconds() + " s); try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "the server is stopping");
        }
        try {
            BufferedImage img;
            try {
                img = Images.read(body, "the upload");
            } catch (Images.UnreadableImageException e) {
                throw new Refused(400, e.getMessage());
            }
            Expression[] targets = Expression.values();
            BufferedImage[] in = new BufferedImage[targets.length];
            Arrays.fill(in, img);
            float[] strengths = new float[targets.length];
            Arrays.fill(strengths, strength);
            out = editor.edit(in, targets, strengths);
        } finally {
            running.release();
        }
        List<String> items = new ArrayList<>();
        for (Expression e : Expression.values()) {
            items.add("{\"expression\":\"" + e.id() + "\",\"png\":\"data:image/png;base64," + png(out[e.ordinal()])
                    + "\"}");
        }
        return "{\"size\":" + editor.size() + ",\"strength\":" + strength + ",\"images\":[" + String.join(",", items)
                + "]}";
    }

    /** The strength query parameter, 1 when absent. */
    private static float strength(URI uri) throws Refused {
        String q = uri.getRawQuery();
        if (q == null) {
            return 1f;
        }
        for (String kv : q.split("&")) {
            if (kv.startsWith("strength=")) {
                String v = kv.substring("strength=".length());
                try {
                    float s = Float.parseFloat(v);
                    if (s >= 0f && s <= 1f) {
                        return s;
                    }
                } catch (NumberFormatException e) {
                    // answered below
                }
                throw new Refused(400, "strength '" + v + "' is not a number from 0 to 1");
            }
        }
        return 1f;
    }

    /** The request body, refused once it passes the upload limit (declared or read). */
    private byte[] body(HttpExchange ex) throws IOException, Refused {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        String limit = "the upload limit of " + limits.uploadBytes() + " bytes";
        if (declared != null) {
            try {
                if (Long.parseLong(declared) > limits.uploadBytes()) {
                    throw new Refused(413, "the upload is " + declared + " bytes, above " + limit);
                }
            } catch (NumberFormatException e) {
                throw new Refused(400, "Content-Length '" + declared + "' is not a number");
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = ex.getRequestBody()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
                if (b.size() > limits.uploadBytes()) {
                    throw new Refused(413, "the upload is larger than " + limit);
                }
            }
        }
        if (b.size() == 0) {
            throw new Refused(400, "the upload is empty; choose an image file (PNG, JPEG, BMP, GIF)");
        }
        return b.toByteArray();
    }

    private static String png(BufferedImage img) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(b.toByteArray());
    }

    private static byte[] error(String message) {
        return ("{\"error\":" + Json.quote(message) + "}").getBytes(StandardCharsets.UTF_8);
    }


    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
