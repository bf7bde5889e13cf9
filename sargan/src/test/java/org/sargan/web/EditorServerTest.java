package org.sargan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sargan.api.TinyModel;
import org.sargan.data.Expression;
import org.sargan.data.ImagesTest;
import org.sargan.data.SyntheticFaces;

/** The page's HTTP side on a free loopback port, with an untrained tiny model: uploads, refusals, concurrency. */
class EditorServerTest {
    /** Small enough that a test can exceed it cheaply, large enough for the test face. */
    private static final long UPLOAD_LIMIT = 200_000;
    private static final Pattern PNG = Pattern.compile("\"expression\":\"(\\w+)\",\"png\":\"data:image/png;base64,"
            + "([A-Za-z0-9+/=]+)\"");
    private static EditorServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new EditorServer(TinyModel.editor(7), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new EditorServer.Limits(UPLOAD_LIMIT, 2, 60));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static byte[] face() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(SyntheticFaces.render(11, Expression.NEUTRAL, 48), "png", b);
        return b.toByteArray();
    }

    private static HttpRequest upload(byte[] body, String query) {
        return HttpRequest.newBuilder(uri("/edit" + query)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static void assertSevenImages(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = PNG.matcher(r.body());
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(2))));
            assertEquals(TinyModel.SIZE, img.getWidth());
            assertEquals(TinyModel.SIZE, img.getHeight());
        }
        assertEquals(List.of("afraid", "angry", "disgusted", "happy", "neutral", "sad", "surprised"), names);
    }

    @Test
    void thePageHasAnUploadAndASlider() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("type=\"file\"") && r.body().contains("type=\"range\""), r.body());
        assertTrue(r.body().contains(TinyModel.SIZE + " px"), "the page names the model's size");
    }

    @Test
    void anUploadComesBackInSevenExpressions() throws Exception {
        assertSevenImages(client.send(upload(face(), ""), HttpResponse.BodyHandlers.ofString()));
        assertSevenImages(client.send(upload(face(), "?strength=0.5"), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void badUploadsAreRefusedWithAReasonAndTheServerKeepsServing() throws Exception {
        HttpResponse<String> text = client.send(upload("not an image".getBytes(), ""),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, text.statusCode());
        assertTrue(text.body().contains("the upload: not an image in a format Java reads"), text.body());

        HttpResponse<String> empty = client.send(upload(new byte[0], ""), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, empty.statusCode());
        assertTrue(empty.body().contains("the upload is empty"), empty.body());

        HttpResponse<String> big = client.send(upload(new byte[(int) UPLOAD_LIMIT + 1], ""),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("above the upload limit of " + UPLOAD_LIMIT + " bytes"), big.body());

        HttpResponse<String> bomb = client.send(upload(ImagesTest.bmpBomb(), ""), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bomb.statusCode());
        assertTrue(bomb.body().contains("the upload: its BMP header claims 9175104x48 pixels, above the limit of 40 "
                + "megapixels"), bomb.body());

        HttpResponse<String> strength = client.send(upload(face(), "?strength=2"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, strength.statusCode());
        assertTrue(strength.body().contains("strength '2' is not a number from 0 to 1"), strength.body());

        HttpResponse<String> lost = client.send(HttpRequest.newBuilder(uri("/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, lost.statusCode());

        assertSevenImages(client.send(upload(face(), ""), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void eightConcurrentRequestsAreAllAnswered() throws Exception {
        byte[] face = face();
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pending.add(client.sendAsync(upload(face, "?strength=" + i / 8.0), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : pending) {
            assertSevenImages(f.get());
        }
    }
}
