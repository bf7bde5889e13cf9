package org.sargan.data;

import java.awt.image.BufferedImage;

/** Labelled square RGB images, already at the training size, values in [-1, 1], planar (3, S, S). */
public interface Dataset {
    int size();

    /** Side length S of every image. */
    int imageSize();

    /** Image i as 3 * S * S floats (R plane, G plane, B plane). */
    float[] image(int i);

    /** Expression index of image i (0..6, {@link Expression} order). */
    int label(int i);

    /** Converts an ARGB image of side S to planar floats in [-1, 1]. */
    static float[] toPlanar(BufferedImage img) {
        int s = img.getWidth();
        float[] out = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int rgb = img.getRGB(x, y);
                out[y * s + x] = ((rgb >> 16) & 255) / 127.5f - 1f;
                out[s * s + y * s + x] = ((rgb >> 8) & 255) / 127.5f - 1f;
                out[2 * s * s + y * s + x] = (rgb & 255) / 127.5f - 1f;
            }
        }
        return out;
    }
}
