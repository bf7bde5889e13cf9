package org.sargan.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.sargan.data.Expression;

/** Picture grids for reports: labelled rows of an input and its seven edits. */
public final class Figures {
    private static final int GAP = 3;
    private static final int HEADER = 16;

    private Figures() {
    }

    /** The column titles of an edit row: "input", then the seven expressions. */
    public static String[] editTitles() {
        String[] t = new String[Expression.values().length + 1];
        t[0] = "input";
        for (Expression e : Expression.values()) {
            t[e.ordinal() + 1] = e.id();
        }
        return t;
    }

    /** One row: the input, then the editor's output for each of the seven expressions. */
    public static BufferedImage[] editRow(Editor editor, BufferedImage input) {
        Expression[] all = Expression.values();
        BufferedImage[] in = new BufferedImage[all.length];
        java.util.Arrays.fill(in, input);
        BufferedImage[] out = editor.edit(in, all);
        BufferedImage[] row = new BufferedImage[all.length + 1];
        row[0] = input;
        System.arraycopy(out, 0, row, 1, out.length);
        return row;
    }

    /** Rows of equally sized tiles, each scaled by {@code zoom}, with a label left of each row. */
    public static BufferedImage grid(List<String> rowLabels, List<BufferedImage[]> rows, String[] titles, int zoom) {
        int th = rows.get(0)[0].getHeight() * zoom;
        int tw = rows.get(0)[0].getWidth() * zoom;
        int cols = titles.length;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        int labelW = 0;
        for (String l : rowLabels) {
            labelW = Math.max(labelW, pg.getFontMetrics(font).stringWidth(l));
        }
        pg.dispose();
        labelW += labelW > 0 ? 2 * GAP : 0;
        BufferedImage out = new BufferedImage(labelW + cols * (tw + GAP) + GAP, HEADER + rows.size() * (th + GAP) + GAP,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(font);
        for (int c = 0; c < cols; c++) {
            g.drawString(titles[c], labelW + GAP + c * (tw + GAP), 12);
        }
        for (int r = 0; r < rows.size(); r++) {
            int y = HEADER + GAP + r * (th + GAP);
            g.drawString(rowLabels.get(r), GAP, y + th / 2 + 4);
            for (int c = 0; c < rows.get(r).length; c++) {
                if (rows.get(r)[c] != null) {
                    g.drawImage(rows.get(r)[c], labelW + GAP + c * (tw + GAP), y, tw, th, null);
                }
            }
        }
        g.dispose();
        return out;
    }
}
