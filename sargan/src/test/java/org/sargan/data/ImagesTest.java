package org.sargan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image reading with limits checked from the header, reasons for unreadable files, area-average downscaling. */
public class ImagesTest {
    /**
     * A 9 KB BMP whose header claims 9175104x48 pixels: 8-bit run-length encoded (which the JDK's own size check
     * for uncompressed data does not cover), 440 MB to decode before the first pixel is read.
     */
    public static byte[] bmpBomb() {
        ByteBuffer b = ByteBuffer.allocate(9 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54 + 1024);
        b.putInt(40).putInt(9_175_104).putInt(48).putShort((short) 1).putShort((short) 8).putInt(1).putInt(0)
                .putInt(2835).putInt(2835).putInt(256).putInt(0);
        for (int i = 0; i < 256; i++) {
            b.putInt(i * 0x010101);
        }
        // runs of 255 pixels of colour 7, then end of bitmap
        while (b.remaining() > 2) {
            b.put((byte) 255).put((byte) 7);
        }
        b.put((byte) 0).put((byte) 1);
        return b.array();
    }

    @Test
    void aSmallFileClaimingAHugeImageIsRefusedFromItsHeader(@TempDir Path dir) throws Exception {
        Path bomb = dir.resolve("bomb.bmp");
        Files.write(bomb, bmpBomb());
        long before = usedMemory();
        Images.UnreadableImageException e = assertThrows(Images.UnreadableImageException.class,
                () -> Images.read(bomb));
        assertEquals(bomb + ": its BMP header claims 9175104x48 pixels, above the limit of 40 megapixels",
                e.getMessage());
        assertTrue(usedMemory() - before < 200L << 20, "refused before decoding");
    }

    private static long usedMemory() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void unreadableFilesSayWhy(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("a.png");
        Files.writeString(text, "not an image");
        assertEquals(text + ": not an image in a format Java reads (PNG, JPEG, BMP, GIF, TIFF, WBMP)",
                assertThrows(Images.UnreadableImageException.class, () -> Images.read(text)).getMessage());
        Path png = dir.resolve("cut.png");
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", png.toFile());
        byte[] all = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(all, 40));
        String m = assertThrows(Images.UnreadableImageException.class, () -> Images.read(png)).getMessage();
        assertTrue(m.startsWith(png + ": corrupt or unsupported PNG ("), m);
        assertTrue(assertThrows(Images.UnreadableImageException.class, () -> Images.read(dir.resolve("none.png")))
                .getMessage().contains("no such file"));
    }

    /** A one-pixel dark line on white, 512 -> 32 px: area averaging keeps 1/16 of it; one bilinear step loses it. */
    @Test
    void downscalingAveragesAreasSoThinLinesSurvive() {
        BufferedImage img = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                img.setRGB(x, y, x == 100 ? 0x000000 : 0xffffff);
            }
        }
        BufferedImage small = Images.squareResize(img, 32);
        int line = small.getRGB(100 / 16, 16) & 0xff;
        assertEquals(255 - 255 / 16, line, 1, "the line's column keeps its share of dark");
        assertEquals(255, small.getRGB(100 / 16 + 1, 16) & 0xff);
        long sum = 0;
        for (int x = 0; x < 32; x++) {
            sum += small.getRGB(x, 3) & 0xff;
        }
        assertEquals(32 * 255 - 255 / 16, sum, 2, "brightness is preserved");
    }

    @Test
    void transparencyBecomesWhiteAndSmallImagesAreEnlarged() {
        BufferedImage clear = new BufferedImage(64, 48, BufferedImage.TYPE_INT_ARGB);
        assertEquals(0xffffff, Images.squareResize(clear, 32).getRGB(5, 5) & 0xffffff);
        BufferedImage tiny = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        tiny.setRGB(0, 0, 0xff0000);
        BufferedImage big = Images.squareResize(tiny, 32);
        assertEquals(32, big.getWidth());
        assertEquals(0xff, (big.getRGB(0, 0) >> 16) & 0xff);
    }
}
