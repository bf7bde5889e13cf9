package org.sargan.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.sargan.io.IoErrors;

/**
 * Image files in and out of the model's square format. Reading checks the dimensions in the file's header against
 * {@link #MAX_PIXELS} before anything is decoded, so a small file that claims a huge image is refused instead of
 * costing gigabytes; every other failure of the JDK's decoders becomes an {@link UnreadableImageException} with the
 * reason. Downscaling averages over each output pixel's area (a box filter): one-step bilinear reduction from 512 px
 * to 32 would sample 4 of every 256 pixels and lose thin lines such as glasses frames.
 */
public final class Images {
    /** Largest image decoded: 40 megapixels (160 MB as RGB), above any camera in common use. */
    public static final long MAX_PIXELS = 40_000_000L;

    private Images() {
    }

    /** An image file that cannot be used, with the reason. */
    public static final class UnreadableImageException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableImageException(String file, String reason) {
            super(file + ": " + reason);
        }
    }

    /** Reads an image file (PNG, JPEG, BMP, GIF, TIFF, WBMP). */
    public static BufferedImage read(Path file) throws UnreadableImageException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > 4L * MAX_PIXELS + (1 << 20)) {
                throw new UnreadableImageException(name, Files.size(file) + " bytes, larger than any image of at "
                        + "most " + MAX_PIXELS / 1_000_000 + " megapixels");
            }
            bytes = Files.readAllBytes(file);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UnreadableImageException(name, "cannot be read: " + IoErrors.reason(e));
        }
        return read(bytes, name);
    }

    /** Decodes an image held in memory; {@code name} is used in error messages. */
    public static BufferedImage read(byte[] bytes, String name) throws UnreadableImageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException(name, "not an image in a format Java reads (PNG, JPEG, BMP, GIF, "
                        + "TIFF, WBMP)");
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new UnreadableImageException(name, "its " + format + " header gives a size of " + w + "x"
                            + h);
                }
                if (w * h > MAX_PIXELS) {
                    throw new UnreadableImageException(name, "its " + format + " header claims " + w + "x" + h
                            + " pixels, above the limit of " + MAX_PIXELS / 1_000_000 + " megapixels");
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new UnreadableImageException(name, "the " + format + " decoder returned no image");
                }
                return img;
            } catch (UnreadableImageException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new UnreadableImageException(name, "corrupt or unsupported " + format + " ("
                        + (e.getMessage() != null ? e.getMessage().replace('\n', ' ') : e.getClass().getSimpleName())
                        + ")");
            } catch (OutOfMemoryError e) {
                throw new UnreadableImageException(name, "not enough memory to decode this " + format + " image");
            } finally {
                reader.dispose();
            }
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(name, "not readable as an image (" + e + ")");
        }
    }

    /**
     * Centre-crops to a square and resizes into opaque RGB (transparent pixels over white): by area averaging when
     * shrinking, bilinear when enlarging.
     */
    public static BufferedImage squareResize(BufferedImage img, int size) {
        int side = Math.min(img.getWidth(), img.getHeight());
        int x0 = (img.getWidth() - side) / 2;
        int y0 = (img.getHeight() - side) / 2;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        if (side < size) {
            Graphics2D g = out.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size, size);
            g.drawImage(img, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
            g.dispose();
            return out;
        }
        Box box = new Box(side, size);
        // horizontal pass, one source row at a time: rows[c][y * size + ox]
        float[][] rows = new float[3][side * size];
        int[] line = new int[side];
        for (int y = 0; y < side; y++) {
            img.getRGB(x0, y0 + y, side, 1, line, 0, side);
            for (int o = 0; o < size; o++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = box.start[o]; k < box.start[o + 1]; k++) {
                    int p = line[box.index[k]];
                    float a = (p >>> 24) / 255f;
                    float wk = box.weight[k];
                    r += wk * (a * ((p >> 16) & 0xff) + (1 - a) * 255);
                    g += wk * (a * ((p >> 8) & 0xff) + (1 - a) * 255);
                    b += wk * (a * (p & 0xff) + (1 - a) * 255);
                }
                rows[0][y * size + o] = r;
                rows[1][y * size + o] = g;
                rows[2][y * size + o] = b;
            }
        }
        // vertical pass
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = 0;
                    for (int k = box.start[oy]; k < box.start[oy + 1]; k++) {
                        v += box.weight[k] * rows[c][box.index[k] * size + ox];
                    }
                    rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(v)));
                }
                out.setRGB(ox, oy, rgb);
            }
        }
        return out;
    }

    /**
     * The area-average weights from n source pixels to m output pixels (n >= m): output o covers source interval
     * [o n / m, (o + 1) n / m); each source pixel weighs by its overlap, divided by the interval's length.
     */
    private static final class Box {
        final int[] start;
        final int[] index;
        final float[] weight;

        Box(int n, int m) {
            start = new int[m + 1];
            int[] idx = new int[n + 2 * m];
            float[] wgt = new float[n + 2 * m];
            double scale = (double) n / m;
            int k = 0;
            for (int o = 0; o < m; o++) {
                start[o] = k;
                double a = o * scale;
                double b = Math.min(n, (o + 1) * scale);
                for (int i = (int) Math.floor(a); i < Math.ceil(b); i++) {
                    double overlap = Math.min(b, i + 1) - Math.max(a, i);
                    if (overlap > 0) {
                        idx[k] = i;
                        wgt[k++] = (float) (overlap / scale);
                    }
                }
            }
            start[m] = k;
            index = Arrays.copyOf(idx, k);
            weight = Arrays.copyOf(wgt, k);
        }
    }
}
