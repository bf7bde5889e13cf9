package org.sargan.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/** PNG output: image grids from tensors and line plots of loss curves. */
public final class Pictures {
    private Pictures() {
    }

    /**
     * One tile from a (C, H, W) slice of {@code data} starting at {@code off}, values in [-1, 1] (clamped);
     * C = 3 is RGB, C = 1 is grey.
     */
    public static BufferedImage tile(float[] data, int off, int c, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = toByte(data[off + y * w + x]);
                int g = c == 3 ? toByte(data[off + h * w + y * w + x]) : r;
                int b = c == 3 ? toByte(data[off + 2 * h * w + y * w + x]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int toByte(float v) {
        float c = Math.max(-1f, Math.min(1f, v));
        return Math.round((c + 1f) * 127.5f);
    }

    /** Lays out tiles[row][col], each scaled by {@code zoom}, with column titles above. */
    public static BufferedImage grid(BufferedImage[][] tiles, String[] titles, int zoom) {
        int th = tiles[0][0].getHeight() * zoom;
        int tw = tiles[0][0].getWidth() * zoom;
        int gap = 4;
        int header = 18;
        int cols = tiles[0].length;
        BufferedImage out = new BufferedImage(cols * (tw + gap) + gap, header + tiles.length * (th + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        for (int c = 0; c < cols; c++) {
            g.drawString(titles[c], gap + c * (tw + gap), 13);
        }
        for (int r = 0; r < tiles.length; r++) {
            for (int c = 0; c < cols; c++) {
                g.drawImage(tiles[r][c], gap + c * (tw + gap), header + gap + r * (th + gap), tw, th, null);
            }
        }
        g.dispose();
        return out;
    }

    /** A line plot of one or more named series against the step index (1, 2, ...). */
    public static BufferedImage plot(String title, List<String> names, List<double[]> series) {
        List<double[]> xs = new java.util.ArrayList<>();
        for (double[] s : series) {
            double[] x = new double[s.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            xs.add(x);
        }
        return plot(title, names, xs, series);
    }

    /** A line plot of named series, each with its own x values (iterations), sharing both axes. */
    public static BufferedImage plot(String title, List<String> names, List<double[]> xs, List<double[]> series) {
        int w = 640;
        int h = 360;
        int left = 60;
        int right = 20;
        int top = 30;
        int bottom = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double n = 1;
        for (int k = 0; k < series.size(); k++) {
            for (double v : series.get(k)) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (double x : xs.get(k)) {
                n = Math.max(n, x);
            }
        }
        // series of very different sizes (a loss and a penalty) share the axis on a log scale
        boolean log = lo > 0 && hi / lo > 100;
        String loLabel = String.format("%.3g", lo);
        String hiLabel = String.format("%.3g", hi);
        if (log) {
            lo = Math.log10(lo);
            hi = Math.log10(hi);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, w - left - right, h - top - bottom);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(hiLabel, 4, top + 10);
        g.drawString(loLabel, 4, h - bottom);
        if (log) {
            g.drawString("(log scale)", 4, top + 24);
        }
        g.drawString("iteration", w / 2, h - 12);
        g.drawString("1", left, h - bottom + 14);
        g.drawString(String.format("%.0f", n), w - right - 30, h - bottom + 14);
        g.setColor(Color.BLACK);
        g.drawString(title, left, 18);
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)};
        g.setStroke(new BasicStroke(1.5f));
        for (int k = 0; k < series.size(); k++) {
            double[] s = series.get(k);
            double[] x = xs.get(k);
            g.setColor(palette[k % palette.length]);
            g.drawString(names.get(k), w - right - 150, top + 16 + 14 * k);
            for (int i = 1; i < s.length; i++) {
                double v0 = log ? Math.log10(s[i - 1]) : s[i - 1];
                double v1 = log ? Math.log10(s[i]) : s[i];
                int x0 = left + (int) ((x[i - 1] - 1) / Math.max(1, n - 1) * (w - left - right));
                int x1 = left + (int) ((x[i] - 1) / Math.max(1, n - 1) * (w - left - right));
                int y0 = top + (int) ((hi - v0) / (hi - lo) * (h - top - bottom));
                int y1 = top + (int) ((hi - v1) / (hi - lo) * (h - top - bottom));
                g.drawLine(x0, y0, x1, y1);
            }
        }
        g.dispose();
        return img;
    }

    /** Writes a PNG atomically: to a temporary file first, then renamed, so a crash never leaves half a file. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
