package org.sargan.eval;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Looks the built-in faces never have in training, for the out-of-distribution part of the evaluation. Each is a
 * post-process of a normal render, so every styled identity still exists with all seven expressions (paired
 * ground truth in the new style):
 * <ul>
 *   <li>STATUE: grey-beige stone, the colours gone, a blotchy low-frequency stone texture;</li>
 *   <li>FLAT: flat poster colours, four levels per channel (no gradients, no skin grain);</li>
 *   <li>PHOTO: photographic capture: strong side lighting, a warm colour cast and sensor noise that differs from
 *       shot to shot.</li>
 * </ul>
 */
public enum RenderStyle {
    ORIGINAL, STATUE, FLAT, PHOTO;

    /** The styled copy of {@code img}; {@code identity} fixes the stone texture, {@code shot} the noise. */
    public BufferedImage apply(BufferedImage img, long identity, long shot) {
        if (this == ORIGINAL) {
            return img;
        }
        int s = img.getWidth();
        BufferedImage out = new BufferedImage(s, img.getHeight(), BufferedImage.TYPE_INT_RGB);
        double[] stone = this == STATUE ? valueNoise(new Random(identity * 31 + 7), s, 6) : null;
        Random noise = new Random(identity * 1_000_003L + shot);
        double angle = new Random(identity * 17 + 3).nextDouble() * 2 * Math.PI;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < s; x++) {
                int rgb = img.getRGB(x, y);
                double r = (rgb >> 16) & 255;
                double g = (rgb >> 8) & 255;
                double b = rgb & 255;
                switch (this) {
                    case STATUE -> {
                        double lum = 0.299 * r + 0.587 * g + 0.114 * b;
                        double v = 0.55 * lum + 80 + 40 * (stone[y * s + x] - 0.5);
                        r = v * 1.0;
                        g = v * 0.96;
                        b = v * 0.88;
                    }
                    case FLAT -> {
                        r = poster(r);
                        g = poster(g);
                        b = poster(b);
                    }
                    case PHOTO -> {
                        double u = ((x - s / 2.0) * Math.cos(angle) + (y - s / 2.0) * Math.sin(angle)) / s;
                        double light = 1 + 0.9 * u;
                        double n = 12 * noise.nextGaussian();
                        r = r * light * 1.08 + 10 + n;
                        g = g * light * 0.98 + n;
                        b = b * light * 0.82 + n;
                    }
                    default -> throw new IllegalStateException(name());
                }
                out.setRGB(x, y, (clamp(r) << 16) | (clamp(g) << 8) | clamp(b));
            }
        }
        return out;
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    private static double poster(double v) {
        return Math.min(3, Math.floor(v / 64)) * 85;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Bilinear value noise in [0, 1] on a grid of {@code cells} x {@code cells}, sampled at s x s. */
    private static double[] valueNoise(Random r, int s, int cells) {
        double[] grid = new double[(cells + 1) * (cells + 1)];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = r.nextDouble();
        }
        double[] out = new double[s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double gx = (double) x / s * cells;
                double gy = (double) y / s * cells;
                int ix = (int) gx;
                int iy = (int) gy;
                double fx = gx - ix;
                double fy = gy - iy;
                double top = grid[iy * (cells + 1) + ix] * (1 - fx) + grid[iy * (cells + 1) + ix + 1] * fx;
                double bottom = grid[(iy + 1) * (cells + 1) + ix] * (1 - fx) + grid[(iy + 1) * (cells + 1) + ix + 1] * fx;
                out[y * s + x] = top * (1 - fy) + bottom * fy;
            }
        }
        return out;
    }
}
