package org.dsvstudio.explain;

import org.dsvstudio.model.ModelCard;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The reference image of Integrated Gradients (and occlusion), defined in pixel space [0,1] and converted to the
 * model's normalized space with the card's mean/std exactly like an input:
 * <ul>
 * <li>{@code black}: every pixel 0;</li>
 * <li>{@code blurred}: the input itself under a Gaussian blur of std {@code sigma} pixels (separable kernel
 * truncated at 3σ and renormalized, borders repeat the edge pixel), so only the fine structure is attributed;
 * the default sigma is 5 px per 28 px of the larger image side (5 px on 28×28, 5.7 px on 32×32);</li>
 * <li>{@code noise}: every pixel drawn independently from the uniform distribution on [0,1] with a seed (the
 * same seed gives the same image on every run and for every input).</li>
 * </ul>
 * Pure Java, any thread.
 */
public record Baseline(Kind kind, double blurSigma, long seed) {

    public enum Kind {
        BLACK, BLURRED, NOISE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default blur in pixels on a 28×28 image; scaled with the image size. */
    public static final double DEFAULT_BLUR_SIGMA_28 = 5.0;

    public Baseline {
        if (kind == Kind.BLURRED && !(blurSigma > 0)) {
            throw new IllegalArgumentException("the blur sigma must be > 0 pixels, got " + blurSigma);
        }
    }

    public static Baseline black() {
        return new Baseline(Kind.BLACK, 0, 0);
    }

    public static Baseline blurred(double sigmaPixels) {
        return new Baseline(Kind.BLURRED, sigmaPixels, 0);
    }

    public static Baseline noise(long seed) {
        return new Baseline(Kind.NOISE, 0, seed);
    }

    /** The default blur for a card's image size: 5 px per 28 px of the larger side. */
    public static double defaultBlurSigma(ModelCard card) {
        return DEFAULT_BLUR_SIGMA_28 * Math.max(card.height(), card.imageWidth()) / 28.0;
    }

    /** The baseline for the normalized input x (only {@code blurred} depends on x), normalized. */
    public float[] normalized(float[] x, ModelCard card) {
        return normalize(pixels(x, card), card);
    }

    /** The baseline in pixel space [0,1], C×H×W. */
    public float[] pixels(float[] x, ModelCard card) {
        int size = card.channels() * card.height() * card.imageWidth();
        switch (kind) {
            case BLACK:
                return new float[size];
            case NOISE: {
                Random random = new Random(seed);
                float[] p = new float[size];
                for (int i = 0; i < size; i++) {
                    p[i] = random.nextFloat();
                }
                return p;
            }
            default:
                return gaussianBlur(toPixels(x, card), card.channels(), card.height(), card.imageWidth(), blurSigma);
        }
    }

    /** What explain.json records. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.label());
        if (kind == Kind.BLURRED) {
            m.put("blurSigmaPixels", blurSigma);
        } else if (kind == Kind.NOISE) {
            m.put("distribution", "uniform [0,1] per pixel");
            m.put("seed", seed);
        }
        return m;
    }

    @Override
    public String toString() {
        switch (kind) {
            case BLURRED:
                return String.format(Locale.ROOT, "blurred (sigma %.3g px)", blurSigma);
            case NOISE:
                return "uniform noise (seed " + seed + ")";
            default:
                return "black";
        }
    }

    /** Normalized → pixel values (not clamped). */
    static float[] toPixels(float[] x, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = i / plane;
            p[i] = (float) (x[i] * card.stdOf(ch) + card.meanOf(ch));
        }
        return p;
    }

    /** Pixel values → the model's normalized space. */
    static float[] normalize(float[] pixels, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            int ch = i / plane;
            x[i] = (float) ((pixels[i] - card.meanOf(ch)) / card.stdOf(ch));
        }
        return x;
    }

    /**
     * Separable Gaussian blur of each channel: kernel exp(−d²/2σ²) for |d| ≤ ⌈3σ⌉, normalized to sum 1; outside
     * the image the nearest edge pixel is used (so a constant image stays constant).
     */
    static float[] gaussianBlur(float[] img, int channels, int h, int w, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int d = -radius; d <= radius; d++) {
            kernel[d + radius] = Math.exp(-d * d / (2 * sigma * sigma));
            total += kernel[d + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= total;
        }
        int plane = h * w;
        float[] out = new float[img.length];
        double[] rows = new double[plane];
        for (int c = 0; c < channels; c++) {
            int o = c * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++) {
                        int xx = Math.min(w - 1, Math.max(0, x + d));
                        s += kernel[d + radius] * img[o + y * w + xx];
                    }
                    rows[y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++) {
                        int yy = Math.min(h - 1, Math.max(0, y + d));
                        s += kernel[d + radius] * rows[yy * w + x];
                    }
                    out[o + y * w + x] = (float) s;
                }
            }
        }
        return out;
    }
}
