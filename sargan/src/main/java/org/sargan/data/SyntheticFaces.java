package org.sargan.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.geom.QuadCurve2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The built-in data: a procedural face renderer (Java2D) drawing varied identities with each of the seven
 * expressions. An identity is a seed: face shape, skin tone, hair style and colour, eye colour and spacing, nose,
 * background, lighting and skin texture all follow from it, so every identity exists with every expression (paired
 * ground truth for evaluation). Expressions are built from the cues people read first: brows (raised, lowered,
 * slanted), eye opening, and mouth shape (smile, frown, open O, tight line, raised lip with a wrinkled nose).
 */
public final class SyntheticFaces {
    private SyntheticFaces() {
    }

    /** How each expression moves the brows, eyes and mouth, in units of the face size. */
    private record Pose(float browRaise, float browSlant, float eyeOpen, float mouthCurve, float mouthOpen,
            float mouthWidth, boolean wrinkle) {
    }

    private static Pose pose(Expression e) {
        return switch (e) {
            case AFRAID -> new Pose(0.05f, 0.06f, 1.45f, 0.0f, 0.05f, 1.2f, false);
            case ANGRY -> new Pose(-0.03f, -0.07f, 0.75f, -0.03f, 0.0f, 0.8f, false);
            case DISGUSTED -> new Pose(-0.02f, -0.03f, 0.6f, -0.05f, 0.025f, 0.9f, true);
            case HAPPY -> new Pose(0.01f, 0.0f, 0.7f, 0.09f, 0.02f, 1.2f, false);
            case NEUTRAL -> new Pose(0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f, false);
            case SAD -> new Pose(0.01f, 0.07f, 0.8f, -0.07f, 0.0f, 0.9f, false);
            case SURPRISED -> new Pose(0.07f, 0.0f, 1.4f, 0.0f, 0.11f, 0.6f, false);
        };
    }

    /** Renders identity {@code identity} with expression {@code e} at {@code size} x {@code size}, deterministically. */
    public static BufferedImage render(long identity, Expression e, int size) {
        Random r = new Random(identity * 0x9E3779B97F4A7C15L + 17);
        Color skin = skinTone(r);
        Color hair = hairColour(r);
        Color bgTop = new Color(40 + r.nextInt(180), 40 + r.nextInt(180), 40 + r.nextInt(180));
        Color bgBottom = bgTop.darker();
        Color iris = new Color[] {new Color(70, 45, 25), new Color(40, 90, 160), new Color(60, 120, 70),
            new Color(90, 70, 50)}[r.nextInt(4)];
        float faceW = 0.56f + 0.12f * r.nextFloat();
        float faceH = 0.70f + 0.10f * r.nextFloat();
        float eyeGap = 0.17f + 0.05f * r.nextFloat();
        float eyeY = 0.44f + 0.04f * r.nextFloat();
        float eyeSize = 0.055f + 0.02f * r.nextFloat();
        float noseLen = 0.08f + 0.05f * r.nextFloat();
        float mouthY = 0.68f + 0.04f * r.nextFloat();
        int hairStyle = r.nextInt(4);
        float light = r.nextFloat() * 2 - 1;
        long textureSeed = r.nextLong();

        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(size, size);
        g.setPaint(new GradientPaint(0, 0, bgTop, 0, 1, bgBottom));
        g.fill(new Rectangle(0, 0, 1, 1));

        float cx = 0.5f;
        float top = 0.5f - faceH / 2 + 0.04f;
        if (hairStyle == 1 || hairStyle == 3) {
            // long hair behind the face
            g.setColor(hair);
            g.fill(new Ellipse2D.Float(cx - faceW / 2 - 0.07f, top - 0.06f, faceW + 0.14f, faceH + 0.12f));
        }
        g.setPaint(new GradientPaint(cx - faceW / 2, 0, shade(skin, 1 + 0.15f * light), cx + faceW / 2, 0,
                shade(skin, 1 - 0.15f * light)));
        g.fill(new Ellipse2D.Float(cx - faceW / 2, top, faceW, faceH));
        g.setColor(shade(skin, 0.9f));
        g.fill(new Ellipse2D.Float(cx - faceW / 2 - 0.03f, eyeY + 0.02f, 0.06f, 0.12f));
        g.fill(new Ellipse2D.Float(cx + faceW / 2 - 0.03f, eyeY + 0.02f, 0.06f, 0.12f));
        drawHair(g, hairStyle, hair, cx, top, faceW);

        Pose p = pose(e);
        drawEyes(g, cx, eyeY, eyeGap, eyeSize, p, iris, skin);
        drawBrows(g, cx, eyeY - eyeSize * 1.6f - 0.03f, eyeGap, p, hair);
        drawNose(g, cx, eyeY, noseLen, skin, p.wrinkle());
        drawMouth(g, cx, mouthY, p, skin);
        g.dispose();
        addTexture(img, textureSeed, 6);
        return img;
    }

    private static Color skinTone(Random r) {
        Color[] tones = {new Color(255, 224, 196), new Color(241, 194, 160), new Color(224, 172, 125),
            new Color(198, 134, 86), new Color(141, 85, 54), new Color(96, 60, 40)};
        Color a = tones[r.nextInt(tones.length)];
        return shade(a, 0.92f + 0.16f * r.nextFloat());
    }

    private static Color hairColour(Random r) {
        Color[] hair = {new Color(20, 15, 12), new Color(70, 45, 25), new Color(140, 95, 50), new Color(220, 190, 120),
            new Color(160, 60, 30), new Color(170, 170, 170)};
        return hair[r.nextInt(hair.length)];
    }

    private static Color shade(Color c, float f) {
        return new Color(clamp(c.getRed() * f), clamp(c.getGreen() * f), clamp(c.getBlue() * f));
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    private static void drawHair(Graphics2D g, int style, Color hair, float cx, float top, float faceW) {
        g.setColor(hair);
        switch (style) {
            case 0 -> g.fill(new Arc2D.Float(cx - faceW / 2 - 0.01f, top - 0.05f, faceW + 0.02f, 0.34f, 0, 180,
                    Arc2D.CHORD));
            case 1 -> g.fill(new Arc2D.Float(cx - faceW / 2 - 0.02f, top - 0.06f, faceW + 0.04f, 0.30f, 0, 180,
                    Arc2D.PIE));
            case 2 -> {
                GeneralPath fringe = new GeneralPath();
                fringe.moveTo(cx - faceW / 2, top + 0.14f);
                fringe.quadTo(cx, top - 0.1f, cx + faceW / 2, top + 0.14f);
                fringe.lineTo(cx + faceW / 2 - 0.05f, top + 0.06f);
                fringe.quadTo(cx, top + 0.12f, cx - faceW / 2 + 0.05f, top + 0.06f);
                fringe.closePath();
                g.fill(fringe);
            }
            default -> g.fill(new Arc2D.Float(cx - faceW / 2 - 0.03f, top - 0.07f, faceW + 0.06f, 0.42f, 0, 180,
                    Arc2D.CHORD));
        }
    }

    private static void drawEyes(Graphics2D g, float cx, float y, float gap, float s, Pose p, Color iris, Color skin) {
        for (int side = -1; side <= 1; side += 2) {
            float ex = cx + side * gap;
            float h = s * p.eyeOpen();
            g.setColor(Color.WHITE);
            g.fill(new Ellipse2D.Float(ex - s * 1.4f, y - h, s * 2.8f, 2 * h));
            g.setColor(iris);
            float ir = Math.min(s * 0.75f, h);
            g.fill(new Ellipse2D.Float(ex - ir, y - ir, 2 * ir, 2 * ir));
            g.setColor(Color.BLACK);
            float pr = ir * 0.45f;
            g.fill(new Ellipse2D.Float(ex - pr, y - pr, 2 * pr, 2 * pr));
            g.setColor(shade(skin, 0.6f));
            g.setStroke(new BasicStroke(0.008f));
            g.draw(new Ellipse2D.Float(ex - s * 1.4f, y - h, s * 2.8f, 2 * h));
        }
    }

    private static void drawBrows(Graphics2D g, float cx, float y, float gap, Pose p, Color hair) {
        g.setColor(shade(hair, 0.8f));
        g.setStroke(new BasicStroke(0.022f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        float by = y - p.browRaise();
        for (int side = -1; side <= 1; side += 2) {
            float inner = cx + side * (gap - 0.07f);
            float outer = cx + side * (gap + 0.08f);
            // slant > 0 lifts the inner end (sad, afraid); < 0 pulls it down (angry)
            g.draw(new QuadCurve2D.Float(inner, by - p.browSlant(), (inner + outer) / 2, by - 0.02f - p.browSlant() / 3,
                    outer, by + 0.01f));
        }
    }

    private static void drawNose(Graphics2D g, float cx, float eyeY, float len, Color skin, boolean wrinkle) {
        g.setColor(shade(skin, 0.7f));
        g.setStroke(new BasicStroke(0.012f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        float top = eyeY + 0.04f;
        GeneralPath n = new GeneralPath();
        n.moveTo(cx - 0.01f, top);
        n.lineTo(cx - 0.03f, top + len);
        n.quadTo(cx, top + len + 0.03f, cx + 0.03f, top + len);
        g.draw(n);
        if (wrinkle) {
            for (int i = 0; i < 3; i++) {
                float wy = top + 0.01f + i * 0.018f;
                g.draw(new QuadCurve2D.Float(cx - 0.04f, wy, cx, wy - 0.012f, cx + 0.04f, wy));
            }
        }
    }

    private static void drawMouth(Graphics2D g, float cx, float y, Pose p, Color skin) {
        float w = 0.11f * p.mouthWidth();
        Color lip = new Color(clamp(skin.getRed() * 0.75f + 40), clamp(skin.getGreen() * 0.45f),
                clamp(skin.getBlue() * 0.45f));
        if (p.mouthOpen() > 0.04f) {
            float h = p.mouthOpen();
            g.setColor(new Color(60, 20, 25));
            g.fill(new Ellipse2D.Float(cx - w, y - h / 2 - p.mouthCurve(), 2 * w, h));
            g.setColor(lip);
            g.setStroke(new BasicStroke(0.014f));
            g.draw(new Ellipse2D.Float(cx - w, y - h / 2 - p.mouthCurve(), 2 * w, h));
            return;
        }
        GeneralPath m = new GeneralPath();
        float c = p.mouthCurve();
        float open = p.mouthOpen();
        // upper lip from left corner to right corner, lower lip back; corners rise with a smile
        m.moveTo(cx - w, y - c);
        m.quadTo(cx, y + c * 0.6f - open - (p.wrinkle() ? 0.03f : 0), cx + w, y - c + (p.wrinkle() ? 0.02f : 0));
        m.quadTo(cx, y + c * 1.4f + open + 0.012f, cx - w, y - c);
        m.closePath();
        g.setColor(open > 0.015f ? new Color(80, 25, 30) : lip);
        g.fill(m);
        g.setColor(shade(lip, 0.7f));
        g.setStroke(new BasicStroke(0.01f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(m);
        if (c > 0.05f) {
            // teeth of a broad smile
            g.setColor(new Color(245, 245, 240));
            g.fill(new Ellipse2D.Float(cx - w * 0.7f, y - 0.01f, w * 1.4f, 0.03f));
        }
    }

    /** Per-identity skin and background grain, the same for every expression of the identity. */
    private static void addTexture(BufferedImage img, long seed, int amplitude) {
        Random r = new Random(seed);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int d = r.nextInt(2 * amplitude + 1) - amplitude;
                int rgb = img.getRGB(x, y);
                int red = Math.max(0, Math.min(255, ((rgb >> 16) & 255) + d));
                int green = Math.max(0, Math.min(255, ((rgb >> 8) & 255) + d));
                int blue = Math.max(0, Math.min(255, (rgb & 255) + d));
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
    }
}
