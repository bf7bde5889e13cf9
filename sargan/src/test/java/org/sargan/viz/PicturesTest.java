package org.sargan.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loss plots: every series drawn, and no label or legend inside a data area, where it could hide a curve. */
class PicturesTest {
    private static final List<String> LOSSES = List.of("D/real", "D/fake", "D/cls", "D/gp", "G/fake", "G/rec",
            "G/cls");

    /** Seven series of different scales and signs, as WGAN-GP losses are. */
    private static List<double[]> series(List<double[]> xs) {
        List<double[]> s = new ArrayList<>();
        for (int k = 0; k < LOSSES.size(); k++) {
            double[] x = new double[50];
            double[] y = new double[50];
            for (int i = 0; i < 50; i++) {
                x[i] = i + 1;
                y[i] = Math.pow(10, k - 3) * (k % 2 == 0 ? 1 : -1) * Math.sin(i / 5.0 + k);
            }
            xs.add(x);
            s.add(y);
        }
        return s;
    }

    @Test
    void panelsDrawAllSevenLossesAndKeepLabelsOutOfTheDataAreas() {
        List<double[]> xs = new ArrayList<>();
        List<double[]> s = series(xs);
        BufferedImage named = Pictures.panels("losses", LOSSES, xs, s);
        BufferedImage blank = Pictures.panels("", Collections.nCopies(7, ""), xs, s);
        int pw = named.getWidth() / 2;
        int ph = (named.getHeight() - 24) / 4;
        for (int k = 0; k < 7; k++) {
            int[] a = Pictures.dataArea((k % 2) * pw, 24 + (k / 2) * ph, pw, ph, false);
            int curve = 0;
            for (int y = a[1] + 1; y < a[1] + a[3]; y++) {
                for (int x = a[0] + 1; x < a[0] + a[2]; x++) {
                    int p = named.getRGB(x, y) & 0xffffff;
                    assertEquals(blank.getRGB(x, y) & 0xffffff, p, "a title drawn into panel " + LOSSES.get(k));
                    int r = p >> 16;
                    int g = (p >> 8) & 0xff;
                    int b = p & 0xff;
                    if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                        curve++;
                    }
                }
            }
            assertTrue(curve > 50, LOSSES.get(k) + ": its curve is missing (" + curve + " coloured pixels)");
        }
    }

    @Test
    void theLegendOfAJointPlotLiesBesideTheDataArea() {
        List<double[]> xs = new ArrayList<>();
        List<double[]> s = series(xs);
        BufferedImage named = Pictures.plot("t", LOSSES, xs, s);
        BufferedImage blank = Pictures.plot("t", Collections.nCopies(7, ""), xs, s);
        int[] a = Pictures.dataArea(0, 0, named.getWidth(), named.getHeight(), true);
        for (int y = a[1] + 1; y < a[1] + a[3]; y++) {
            for (int x = a[0] + 1; x < a[0] + a[2]; x++) {
                assertEquals(blank.getRGB(x, y), named.getRGB(x, y), "legend text at " + x + "," + y);
            }
        }
        boolean legend = false;
        for (int y = 0; y < named.getHeight() && !legend; y++) {
            for (int x = a[0] + a[2] + 1; x < named.getWidth(); x++) {
                legend |= named.getRGB(x, y) != blank.getRGB(x, y);
            }
        }
        assertTrue(legend, "the names are drawn right of the data area");
    }
}
