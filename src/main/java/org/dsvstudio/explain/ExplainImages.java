package org.dsvstudio.explain;

import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.model.ModelCard;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Image files in, heat maps out: what the explain command reads and writes (AWT only). */
public final class ExplainImages {

    private ExplainImages() {
    }

    /** A PNG/JPEG as the model's normalized input: resized to H×W, gray for C = 1, RGB for C = 3. */
    public static float[] readNormalized(Path file, ModelCard card) throws IOException {
        if (card.channels() != 1 && card.channels() != 3) {
            throw new IllegalArgumentException("images can be explained for 1- or 3-channel models, this one takes "
                    + card.channels());
        }
        BufferedImage src = org.dsvstudio.data.Images.read(file);
        if (src == null) {
            throw new DataFormatException("not an image: " + file);
        }
        int h = card.height();
        int w = card.imageWidth();
        int type = card.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        int plane = h * w;
        float[] x = new float[card.channels() * plane];
        for (int y = 0; y < h; y++) {
            for (int col = 0; col < w; col++) {
                int p = y * w + col;
                if (card.channels() == 1) {
                    x[p] = (float) ((img.getRaster().getSample(col, y, 0) / 255.0 - card.meanOf(0)) / card.stdOf(0));
                } else {
                    int rgb = img.getRGB(col, y);
                    for (int c = 0; c < 3; c++) {
                        int v = (rgb >> (16 - 8 * c)) & 0xff;
                        x[c * plane + p] = (float) ((v / 255.0 - card.meanOf(c)) / card.stdOf(c));
                    }
                }
            }
        }
        return x;
    }

    /**
     * The input and its attribution side by side, each scaled up: the input in gray/RGB, the attribution
     * summed over channels on a diverging scale (red positive, blue negative, white 0; ±max |a|).
     */
    public static BufferedImage sideBySide(float[] x, float[] attribution, ModelCard card, int scale) {
        int h = card.height();
        int w = card.imageWidth();
        int plane = h * w;
        float[] a = new float[plane];
        double max = 1e-12;
        for (int i = 0; i < attribution.length; i++) {
            a[i % plane] += attribution[i];
        }
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        BufferedImage out = new BufferedImage(2 * w * scale + scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int col = 0; col < out.getWidth(); col++) {
                out.setRGB(col, y, 0xffffff);
            }
        }
        for (int y = 0; y < h; y++) {
            for (int col = 0; col < w; col++) {
                int p = y * w + col;
                int rgb;
                if (card.channels() == 1) {
                    int v = to8(x[p] * card.stdOf(0) + card.meanOf(0));
                    rgb = v << 16 | v << 8 | v;
                } else {
                    rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        rgb |= to8(x[c * plane + p] * card.stdOf(c) + card.meanOf(c)) << (16 - 8 * c);
                    }
                }
                double t = a[p] / max;
                int fade = (int) Math.round(255 * (1 - Math.abs(t)));
                int heat = t >= 0 ? 255 << 16 | fade << 8 | fade : fade << 16 | fade << 8 | 255;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(col * scale + dx, y * scale + dy, rgb);
                        out.setRGB((w + 1 + col) * scale + dx, y * scale + dy, heat);
                    }
                }
            }
        }
        return out;
    }

    /**
     * For maps that are never negative (Grad-CAM): {@link #sideBySide} plus a third panel, the input with the map
     * laid over it in red (opacity 0.7 × map / max map), to see which part of the object lights up.
     */
    public static BufferedImage withOverlay(float[] x, float[] map, ModelCard card, int scale) {
        BufferedImage two = sideBySide(x, map, card, scale);
        int h = card.height();
        int w = card.imageWidth();
        int plane = h * w;
        BufferedImage out = new BufferedImage(3 * w * scale + 2 * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(two, 0, 0, null);
        g.dispose();
        double max = 1e-12;
        for (float v : map) {
            max = Math.max(max, v);
        }
        for (int y = 0; y < h; y++) {
            for (int col = 0; col < w; col++) {
                int p = y * w + col;
                int base = two.getRGB(col * scale, y * scale);
                double alpha = 0.7 * Math.max(0, Math.min(1, map[p] / max));
                int r = (int) Math.round((1 - alpha) * (base >> 16 & 0xff) + alpha * 255);
                int gr = (int) Math.round((1 - alpha) * (base >> 8 & 0xff));
                int b = (int) Math.round((1 - alpha) * (base & 0xff));
                int rgb = r << 16 | gr << 8 | b;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB((2 * w + 2 + col) * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return out;
    }

    private static int to8(double v) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, v)));
    }
}
