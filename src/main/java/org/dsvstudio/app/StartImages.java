package org.dsvstudio.app;

import org.dsvstudio.model.ModelCard;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Start images for editing read from files: scaled to the model's input size, gray or RGB, pixels in [0,1]. */
public final class StartImages {

    private StartImages() {
    }

    /** Reads a PNG/JPEG/GIF/BMP file as a C·H·W image for card's model (gray = luminance for one channel). */
    public static float[] fromFile(Path file, ModelCard card) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a file: " + file);
        }
        BufferedImage read = org.dsvstudio.data.Images.read(file);
        if (read == null) {
            throw new IOException(file.getFileName() + " is not an image this app can read (PNG, JPEG, GIF, BMP)");
        }
        return fromImage(read, card);
    }

    /** Scales img (bilinear, the whole image stretched) to the model's size and converts its channels. */
    public static float[] fromImage(BufferedImage img, ModelCard card) {
        int w = card.imageWidth();
        int h = card.height();
        int channels = card.channels();
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel models can start from an image file, not "
                    + channels);
        }
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        int plane = h * w;
        float[] out = new float[channels * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = scaled.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float gr = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                int p = y * w + x;
                if (channels == 1) {
                    out[p] = 0.299f * r + 0.587f * gr + 0.114f * b;
                } else {
                    out[p] = r;
                    out[plane + p] = gr;
                    out[2 * plane + p] = b;
                }
            }
        }
        return out;
    }

    /** 1 − v per pixel (dark objects on light ground → the light-on-dark look of MNIST-style data). */
    public static float[] inverted(float[] image01) {
        float[] out = new float[image01.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1f - image01[i];
        }
        return out;
    }
}
