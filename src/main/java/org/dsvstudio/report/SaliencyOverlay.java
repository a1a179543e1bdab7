package org.dsvstudio.report;

import java.awt.image.BufferedImage;

/**
 * A DSV with its saliency laid over it: the image in grey, red where the attribution is positive (pixels that
 * raise the class score), blue where negative, the stronger the more opaque (scaled by the map's largest |value|).
 */
public final class SaliencyOverlay {

    private SaliencyOverlay() {
    }

    /**
     * @param image01 the DSV, C·H·W in [0, 1]
     * @param attribution the same shape: per-pixel attribution (e.g. gradient × input), channels are summed
     */
    public static BufferedImage blend(float[] image01, float[] attribution, int channels, int height, int width) {
        int plane = height * width;
        double[] a = new double[plane];
        double max = 0;
        // C·H·W, or already one value per pixel (the app's saliency maps are summed over channels)
        int perPixel = attribution.length == plane ? 1 : channels;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < perPixel; c++) {
                a[p] += attribution[c * plane + p];
            }
            max = Math.max(max, Math.abs(a[p]));
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                double grey = 0;
                for (int c = 0; c < channels; c++) {
                    grey += image01[c * plane + p];
                }
                grey = Math.max(0, Math.min(1, grey / channels)) * 0.75; // a darker base: the colour reads on it
                double s = max == 0 ? 0 : a[p] / max;
                double alpha = Math.min(1, Math.abs(s) * 1.2);
                double r = s > 0 ? 1.0 : 0.15;
                double b = s < 0 ? 1.0 : 0.15;
                double g = 0.2;
                int rr = (int) Math.round(255 * ((1 - alpha) * grey + alpha * r));
                int gg = (int) Math.round(255 * ((1 - alpha) * grey + alpha * g));
                int bb = (int) Math.round(255 * ((1 - alpha) * grey + alpha * b));
                out.setRGB(x, y, rr << 16 | gg << 8 | bb);
            }
        }
        return out;
    }
}
