package org.dsvstudio.data;

import java.awt.image.BufferedImage;

/** Converts images between the C·H·W float layout (pixels in [0,1]) and AWT images. */
public final class Images {

    private Images() {
    }

    /** A gray (C = 1) or RGB (C = 3) image; values are clamped to [0,1] and rounded to 8 bits. */
    public static BufferedImage toBufferedImage(float[] image01, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel images can be written, not " + channels);
        }
        if (image01.length != channels * height * width) {
            throw new IllegalArgumentException("image has " + image01.length + " values, expected "
                    + channels * height * width);
        }
        int plane = height * width;
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, to8(image01[p]));
                } else {
                    int rgb = to8(image01[p]) << 16 | to8(image01[plane + p]) << 8 | to8(image01[2 * plane + p]);
                    img.setRGB(x, y, rgb);
                }
            }
        }
        return img;
    }

    static int to8(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }
}
