package org.dsvstudio.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fits a data set's images to a model's input: grey to RGB (the grey level in every channel), RGB to grey
 * (luminance, ITU-R BT.601 weights) and a bilinear resize. A user's RGB 32×32 model can then use grey 28×28 data
 * for start images, nearest images, margins and evaluation, and the conversion is said, not silent.
 */
public final class ImageConversion {

    private ImageConversion() {
    }

    /** What converting {@code data} to C×H×W does, in words; null when the images already have that shape. */
    public static String describe(ImageDataset data, int channels, int height, int width) {
        if (data.channels() == channels && data.height() == height && data.width() == width) {
            return null;
        }
        List<String> steps = new ArrayList<>();
        if (data.channels() == 1 && channels == 3) {
            steps.add("grey repeated in R, G and B");
        } else if (data.channels() == 3 && channels == 1) {
            steps.add("RGB to grey (luminance)");
        }
        if (data.height() != height || data.width() != width) {
            steps.add("resized bilinearly");
        }
        return String.format(Locale.ROOT, "images of %s (%d×%d×%d) converted to the model's %d×%d×%d: %s",
                data.name(), data.channels(), data.height(), data.width(), channels, height, width,
                String.join(", ", steps));
    }

    /**
     * {@code data} with every image converted to C×H×W (the same object when nothing changes).
     *
     * @throws DataFormatException for channel counts other than 1 and 3
     */
    public static ImageDataset toShape(ImageDataset data, int channels, int height, int width)
            throws DataFormatException {
        if (describe(data, channels, height, width) == null) {
            return data;
        }
        int c0 = data.channels();
        if (!((c0 == channels) || (c0 == 1 && channels == 3) || (c0 == 3 && channels == 1))) {
            throw new DataFormatException("images of " + data.name() + " have " + c0 + " channels and the model takes "
                    + channels + ": only grey ↔ RGB can be converted");
        }
        int h0 = data.height();
        int w0 = data.width();
        int plane0 = h0 * w0;
        int plane = height * width;
        int size = channels * plane;
        long total = (long) data.size() * size;
        if (total > Integer.MAX_VALUE - 8) {
            throw new DataFormatException("converting " + data.size() + " images of " + data.name() + " to "
                    + channels + "×" + height + "×" + width + " needs " + total + " bytes, too many to hold");
        }
        byte[] src = data.pixels();
        byte[] out = new byte[(int) total];
        double[] grey = new double[plane0];
        for (int i = 0; i < data.size(); i++) {
            int base0 = i * c0 * plane0;
            for (int c = 0; c < channels; c++) {
                if (c0 == 3 && channels == 1) {
                    for (int p = 0; p < plane0; p++) {
                        grey[p] = 0.299 * (src[base0 + p] & 0xFF) + 0.587 * (src[base0 + plane0 + p] & 0xFF)
                                + 0.114 * (src[base0 + 2 * plane0 + p] & 0xFF);
                    }
                } else {
                    int from = base0 + (c0 == 1 ? 0 : c) * plane0;
                    for (int p = 0; p < plane0; p++) {
                        grey[p] = src[from + p] & 0xFF;
                    }
                }
                resizeInto(grey, h0, w0, out, i * size + c * plane, height, width);
            }
        }
        return new ImageDataset(data.name(), out, data.labels(), channels, height, width, data.classNames(),
                data.namedByFolders());
    }

    /** Bilinear resize with pixel centres aligned (as PIL and torch's align_corners=False), rounded to bytes. */
    static void resizeInto(double[] src, int h0, int w0, byte[] dst, int offset, int h, int w) {
        for (int y = 0; y < h; y++) {
            double sy = Math.max(0, Math.min(h0 - 1, (y + 0.5) * h0 / h - 0.5));
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(h0 - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < w; x++) {
                double sx = Math.max(0, Math.min(w0 - 1, (x + 0.5) * w0 / w - 0.5));
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(w0 - 1, x0 + 1);
                double fx = sx - x0;
                double v = (1 - fy) * ((1 - fx) * src[y0 * w0 + x0] + fx * src[y0 * w0 + x1])
                        + fy * ((1 - fx) * src[y1 * w0 + x0] + fx * src[y1 * w0 + x1]);
                dst[offset + y * w + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
    }
}
