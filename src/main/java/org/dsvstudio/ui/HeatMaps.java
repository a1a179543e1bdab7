package org.dsvstudio.ui;

import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;

/**
 * Heat maps as images to lay over the input. A signed map (gradients, IG, occlusion) is red where the value is
 * positive (evidence for the target) and blue where negative, scaled by ±max |v|; a one-sided map (Grad-CAM)
 * runs from dark red to yellow over [0, max]. In the overlay a pixel's opacity grows with its |value|, so where the
 * map is near 0 the image shows through; the colour bars show the colours at full strength (over white for the
 * diverging scale, over black for the one-sided one).
 */
final class HeatMaps {

    private static final int RED = 0xd62828;
    private static final int BLUE = 0x1f5fd6;

    private HeatMaps() {
    }

    /** The map (h×w, row-major) as an image with per-pixel alpha; scale is the value at full colour. */
    static WritableImage overlay(float[] map, int h, int w, boolean signed, double scale) {
        WritableImage img = new WritableImage(w, h);
        PixelWriter px = img.getPixelWriter();
        double s = scale > 0 ? scale : 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = map[y * w + x] / s;
                px.setArgb(x, y, signed ? signedArgb(t) : oneSidedArgb(t));
            }
        }
        return img;
    }

    /** t in [−1, 1]: red or blue with alpha |t|. */
    static int signedArgb(double t) {
        double c = clamp(t, -1, 1);
        int alpha = (int) Math.round(255 * Math.abs(c));
        return alpha << 24 | (c >= 0 ? RED : BLUE);
    }

    /** t in [0, 1]: dark red → red → yellow, alpha rising to 1 at t ≥ 0.5. */
    static int oneSidedArgb(double t) {
        double c = clamp(t, 0, 1);
        int alpha = (int) Math.round(255 * Math.min(1, 2 * c));
        return alpha << 24 | hot(c);
    }

    /** 0 → dark red, 0.5 → red, 1 → yellow (RGB). */
    private static int hot(double c) {
        int r = (int) Math.round(255 * Math.min(1, 0.45 + 1.1 * c));
        int g = (int) Math.round(255 * Math.max(0, Math.min(1, 2 * c - 0.9)));
        return r << 16 | g << 8 | 0x10;
    }

    /** A vertical colour bar, top = the largest value: red–white–blue, or yellow–red–black for one-sided maps. */
    static WritableImage colourBar(boolean signed, int height) {
        int width = 12;
        WritableImage img = new WritableImage(width, height);
        PixelWriter px = img.getPixelWriter();
        for (int y = 0; y < height; y++) {
            double u = 1 - (y + 0.5) / height; // 1 at the top, 0 at the bottom
            int rgb;
            if (signed) {
                double t = 2 * u - 1;
                rgb = blend(signedArgb(t), 0xffffff);
            } else {
                rgb = blend(oneSidedArgb(u), 0x000000);
            }
            for (int x = 0; x < width; x++) {
                px.setArgb(x, y, 0xff000000 | rgb);
            }
        }
        return img;
    }

    /** An ARGB colour laid over an opaque RGB background. */
    static int blend(int argb, int background) {
        double a = (argb >>> 24) / 255.0;
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int f = argb >> shift & 0xff;
            int b = background >> shift & 0xff;
            out |= (int) Math.round(a * f + (1 - a) * b) << shift;
        }
        return out;
    }

    /**
     * The image enlarged by a whole factor, each pixel a factor×factor square: crisp pixels whatever the rendering
     * pipeline does with ImageView's smooth flag (the software pipeline smooths anyway).
     */
    static Image enlarged(Image src, int factor) {
        if (factor <= 1) {
            return src;
        }
        int w = (int) src.getWidth();
        int h = (int) src.getHeight();
        PixelReader in = src.getPixelReader();
        WritableImage out = new WritableImage(w * factor, h * factor);
        PixelWriter px = out.getPixelWriter();
        int[] row = new int[w * factor];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                java.util.Arrays.fill(row, x * factor, (x + 1) * factor, in.getArgb(x, y));
            }
            for (int dy = 0; dy < factor; dy++) {
                px.setPixels(0, y * factor + dy, w * factor, 1, javafx.scene.image.PixelFormat.getIntArgbInstance(),
                        row, 0, w * factor);
            }
        }
        return out;
    }

    /** The whole factor that brings the larger side of an h×w image closest to size without exceeding it. */
    static int factorFor(int h, int w, double size) {
        return Math.max(1, (int) Math.floor(size / Math.max(h, w)));
    }

    private static double clamp(double v, double lo, double hi) {
        return Double.isNaN(v) ? 0 : Math.max(lo, Math.min(hi, v));
    }
}
