package org.sargan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.sargan.api.TinyModel;
import org.sargan.api.ExpressionEditor;
import org.sargan.data.Expression;
import org.sargan.data.SyntheticFaces;

/**
 * The page of {@code sargan serve} in a real browser (headless Chromium over WebDriver), with an untrained tiny
 * model: a face uploaded through the file input comes back as seven images, and a bad upload shows its reason.
 * Writes a screenshot to {@code target/browser-test/serve.png}. Skipped where Debian's chromium and
 * chromium-driver are not installed ({@code .ci/run} installs them).
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final long WAIT_MS = 60_000;
    /** Selenium's notes on the CDP version (unused here) are kept out of the test output; held so it stays set. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM_LOG.setLevel(Level.SEVERE);
    }

    private static void waitFor(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.currentTimeMillis() + WAIT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the page did not show " + what + " within " + WAIT_MS + " ms");
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aFaceUploadedInTheBrowserComesBackInSevenExpressions(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "no " + CHROMIUM + " and " + DRIVER
                + " (Debian's chromium and chromium-driver packages; .ci/run installs them)");
        Path face = dir.resolve("face.png");
        ImageIO.write(SyntheticFaces.render(12, Expression.NEUTRAL, 64), "png", face.toFile());
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1300,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        // the built-in model where the jar has one (the screenshot then shows real edits), else the tiny one
        ExpressionEditor editor = ExpressionEditor.class.getResource(ExpressionEditor.BUILT_IN) != null
                ? ExpressionEditor.builtIn() : TinyModel.editor(8);
        try (EditorServer server = new EditorServer(editor,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), EditorServer.Limits.defaults())) {
            ChromeDriver browser = new ChromeDriver(service, options);
            try {
                browser.get("http://127.0.0.1:" + server.port() + "/");
                assertEquals("SARGAN: change a face's expression", browser.getTitle());
                WebElement message = browser.findElement(By.id("message"));

                browser.findElement(By.id("file")).sendKeys(face.toString());
                waitFor("seven images", () -> browser.findElements(By.cssSelector("#faces img.result")).size() == 7);
                List<String> captions = browser.findElements(By.cssSelector("#faces img.result + figcaption")).stream()
                        .map(WebElement::getText).toList();
                assertEquals(List.of("afraid", "angry", "disgusted", "happy", "neutral", "sad", "surprised"),
                        captions);
                waitFor("the result line", () -> message.getText().contains("7 expressions"));
                for (WebElement img : browser.findElements(By.cssSelector("#faces img.result"))) {
                    Object width = browser.executeScript("return arguments[0].naturalWidth", img);
                    assertEquals((long) editor.size(), width, "each result decodes at the model's size");
                }
                browser.executeScript("const s = document.getElementById('strength'); s.value = 0.5; "
                        + "s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));");
                waitFor("the results at strength 0.50", () -> message.getText().startsWith("strength 0.50: 7 "));
                Path shot = Path.of("target", "browser-test", "serve.png");
                Files.createDirectories(shot.getParent());
                Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

                browser.findElement(By.id("file")).sendKeys(text.toString());
                waitFor("the error", () -> message.getText().contains("not an image"));
                assertTrue(message.getText().contains("(HTTP 400)"), message.getText());
                assertEquals("error", message.getAttribute("class"));
            } finally {
                browser.quit();
            }
        }
    }
}
