package org.sargan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the image reader: mutations of small valid PNG, JPEG, BMP and GIF files (bit flips, forged
 * dimensions in the header, truncations, insertions). Each must decode (and resize) or fail with the reader's own
 * {@link Images.UnreadableImageException}; anything else fails the test with the case that caused it.
 */
class ImagesFuzzTest {
    private static final long SEED = 20261201L;
    private static final int CASES = 3000;

    private static byte[] encode(String format, int type) throws Exception {
        BufferedImage img = new BufferedImage(19, 13, type);
        Random r = new Random(1);
        for (int y = 0; y < 13; y++) {
            for (int x = 0; x < 19; x++) {
                img.setRGB(x, y, r.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), format);
        return out.toByteArray();
    }

    static byte[] mutate(byte[] base, Random r, StringBuilder what) {
        byte[] b = base.clone();
        switch (r.nextInt(5)) {
            case 0 -> {
                int n = 1 + r.nextInt(8);
                what.append("flip ").append(n).append(" bits");
                for (int k = 0; k < n; k++) {
                    int i = r.nextInt(b.length);
                    b[i] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                // the dimensions and other fields live in the first bytes of every format: forge them
                int i = r.nextInt(Math.min(b.length, 40));
                int n = 1 + r.nextInt(4);
                what.append("set ").append(n).append(" header bytes at ").append(i);
                for (int k = 0; k < n && i + k < b.length; k++) {
                    b[i + k] = (byte) (r.nextBoolean() ? 0xff : r.nextInt(256));
                }
            }
            case 2 -> {
                int n = r.nextInt(b.length);
                what.append("truncate to ").append(n);
                b = Arrays.copyOf(b, n);
            }
            case 3 -> {
                int at = r.nextInt(b.length);
                byte[] ins = new byte[1 + r.nextInt(32)];
                r.nextBytes(ins);
                what.append("insert ").append(ins.length).append(" at ").append(at);
                byte[] c = new byte[b.length + ins.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(ins, 0, c, at, ins.length);
                System.arraycopy(b, at, c, at + ins.length, b.length - at);
                b = c;
            }
            default -> {
                int from = r.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + r.nextInt(64));
                int to = r.nextInt(b.length - len + 1);
                what.append("move ").append(len).append(" bytes ").append(from).append(" -> ").append(to);
                System.arraycopy(base, from, b, to, len);
            }
        }
        return b;
    }

    @Test
    void mutatedImagesDecodeOrFailCleanly() throws Exception {
        byte[][] bases = {encode("png", BufferedImage.TYPE_INT_ARGB), encode("jpg", BufferedImage.TYPE_INT_RGB),
            encode("bmp", BufferedImage.TYPE_INT_RGB), encode("gif", BufferedImage.TYPE_INT_RGB),
            ImagesTest.bmpBomb()};
        String[] names = {"png", "jpg", "bmp", "gif", "rle8-bmp"};
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random r = new Random(SEED);
            for (int c = 0; c < CASES; c++) {
                int k = r.nextInt(bases.length);
                StringBuilder what = new StringBuilder(names[k]).append(": ");
                byte[] b = mutate(bases[k], r, what);
                try {
                    BufferedImage img = Images.read(b, "case" + c);
                    Images.squareResize(img, 16);
                    outcomes[0]++;
                } catch (Images.UnreadableImageException e) {
                    outcomes[1]++;
                    String m = e.getMessage();
                    if (!m.startsWith("case" + c + ": ") || m.contains("\n")) {
                        fail("case " + c + " (" + what + "): unclear error '" + m + "'");
                    }
                } catch (Throwable e) {
                    fail("case " + c + " (" + what + ", seed " + SEED + "): " + e, e);
                }
            }
        });
        assertEquals(CASES, outcomes[0] + outcomes[1]);
        assertTrue(outcomes[0] > CASES / 10 && outcomes[1] > CASES / 10, "both outcomes occur: "
                + Arrays.toString(outcomes));
    }
}
