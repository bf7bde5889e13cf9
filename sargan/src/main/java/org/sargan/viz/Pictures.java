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
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.sargan.io.IoErrors;

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
        List<double[]> xs = new ArrayList<>();
        for (double[] s : series) {
            double[] x = new double[s.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            xs.add(x);
        }
        return plot(title, names, xs, series);
    }

    /** Colours of the series, in order. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};
    /** Margins around a plot's data area: room for the title, tick labels, axis names and the legend. */
    private static final int LEFT = 64;
    private static final int TOP = 28;
    private static final int BOTTOM = 42;
    private static final int LEGEND = 130;
    private static final int TICKS = 4;

    /**
     * A line plot of named series, each with its own x values (iterations), sharing both axes: ticks and labels on
     * both axes, and the legend to the right of the data area, where it cannot cover a curve.
     */
    public static BufferedImage plot(String title, List<String> names, List<double[]> xs, List<double[]> series) {
        BufferedImage img = canvas(640 + (names.size() > 1 ? LEGEND : 0), 360);
        Graphics2D g = graphics(img);
        drawPlot(g, 0, 0, img.getWidth(), img.getHeight(), title, names, xs, series, 0, names.size() > 1);
        g.dispose();
        return img;
    }

    /**
     * One small plot per series in a grid of two columns, each with its own y axis: for losses whose scales differ
     * by orders of magnitude and signs, which one shared axis would flatten. Each panel is titled by its series.
     */
    public static BufferedImage panels(String title, List<String> names, List<double[]> xs, List<double[]> series) {
        int cols = 2;
        int rows = Math.max(1, (names.size() + cols - 1) / cols);
        int pw = 420;
        int ph = 220;
        int header = 24;
        BufferedImage img = canvas(cols * pw, header + rows * ph);
        Graphics2D g = graphics(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, 8, 17);
        for (int k = 0; k < names.size(); k++) {
            drawPlot(g, (k % cols) * pw, header + (k / cols) * ph, pw, ph, names.get(k), List.of(names.get(k)),
                    List.of(xs.get(k)), List.of(series.get(k)), k, false);
        }
        g.dispose();
        return img;
    }

    /** The data area of a plot drawn at (x0, y0) with size (w, h): {x, y, width, height}. */
    static int[] dataArea(int x0, int y0, int w, int h, boolean legend) {
        return new int[] {x0 + LEFT, y0 + TOP, w - LEFT - (legend ? LEGEND : 16), h - TOP - BOTTOM};
    }

    /** A tick label with just enough decimals to tell neighbouring ticks {@code step} apart. */
    private static String tick(double v, double step) {
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step)));
        if (Math.abs(v) >= 1e5 || decimals > 5) {
            return String.format("%.4g", v);
        }
        return String.format("%." + decimals + "f", v);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    private static void drawPlot(Graphics2D g, int x0, int y0, int w, int h, String title, List<String> names,
            List<double[]> xs, List<double[]> series, int firstColour, boolean legend) {
        int[] a = dataArea(x0, y0, w, h, legend);
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double xLo = Double.MAX_VALUE;
        double xHi = -Double.MAX_VALUE;
        for (int k = 0; k < series.size(); k++) {
            for (double v : series.get(k)) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (double x : xs.get(k)) {
                xLo = Math.min(xLo, x);
                xHi = Math.max(xHi, x);
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        if (xLo > xHi) {
            xLo = 0;
            xHi = 1;
        }
        // series of very different sizes (a loss and a penalty) share the axis on a log scale
        boolean log = lo > 0 && hi / lo > 100;
        double vLo = log ? Math.log10(lo) : lo;
        double vHi = log ? Math.log10(hi) : hi;
        if (!(vHi > vLo)) {
            vHi = vLo + 1;
            vLo = vLo - 1;
        }
        if (!(xHi > xLo)) {
            xHi = xLo + 1;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        g.drawString(title, a[0] + (a[2] - g.getFontMetrics().stringWidth(title)) / 2, y0 + 18);
        g.setColor(new Color(0xdddddd));
        for (int t = 1; t < TICKS; t++) {
            g.drawLine(a[0], a[1] + t * a[3] / TICKS, a[0] + a[2], a[1] + t * a[3] / TICKS);
        }
        g.setColor(Color.GRAY);
        g.drawRect(a[0], a[1], a[2], a[3]);
        for (int t = 0; t <= TICKS; t++) {
            double v = vHi - t * (vHi - vLo) / TICKS;
            String label = log ? String.format("%.3g", Math.pow(10, v)) : tick(v, (vHi - vLo) / TICKS);
            int ty = a[1] + t * a[3] / TICKS;
            g.drawString(label, a[0] - 6 - g.getFontMetrics().stringWidth(label), ty + 4);
            double xv = xLo + t * (xHi - xLo) / TICKS;
            String xl = String.format("%.0f", xv);
            int tx = a[0] + t * a[2] / TICKS;
            g.drawLine(tx, a[1] + a[3], tx, a[1] + a[3] + 3);
            g.drawString(xl, tx - g.getFontMetrics().stringWidth(xl) / 2, a[1] + a[3] + 15);
        }
        g.drawString("iteration", a[0] + a[2] / 2 - 20, a[1] + a[3] + 30);
        g.drawString(log ? "value (log)" : "value", x0 + 4, y0 + 18);
        g.setStroke(new BasicStroke(1.5f));
        for (int k = 0; k < series.size(); k++) {
            double[] s = series.get(k);
            double[] x = xs.get(k);
            g.setColor(PALETTE[(firstColour + k) % PALETTE.length]);
            if (legend) {
                int ly = a[1] + 12 + 16 * k;
                g.fillRect(a[0] + a[2] + 10, ly - 5, 12, 3);
                g.drawString(names.get(k), a[0] + a[2] + 26, ly);
            }
            if (s.length == 1) {
                int py = a[1] + (int) Math.round((vHi - (log ? Math.log10(s[0]) : s[0])) / (vHi - vLo) * a[3]);
                g.fillOval(a[0] - 2, py - 2, 5, 5);
            }
            for (int i = 1; i < s.length; i++) {
                double v0 = log ? Math.log10(s[i - 1]) : s[i - 1];
                double v1 = log ? Math.log10(s[i]) : s[i];
                int px0 = a[0] + (int) Math.round((x[i - 1] - xLo) / (xHi - xLo) * a[2]);
                int px1 = a[0] + (int) Math.round((x[i] - xLo) / (xHi - xLo) * a[2]);
                int py0 = a[1] + (int) Math.round((vHi - v0) / (vHi - vLo) * a[3]);
                int py1 = a[1] + (int) Math.round((vHi - v1) / (vHi - vLo) * a[3]);
                g.drawLine(px0, py0, px1, py1);
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    /** Writes a PNG atomically: to a temporary file first, then renamed, so a crash never leaves half a file. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        IoErrors.createFolder(dir, "output folder");
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                if (!ImageIO.write(img, "png", tmp.toFile())) {
                    throw new IOException("no PNG writer available");
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw IoErrors.context("cannot write " + file, e);
        }
    }
}
