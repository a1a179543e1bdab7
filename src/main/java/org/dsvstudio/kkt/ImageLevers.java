package org.dsvstudio.kkt;

import org.dsvstudio.model.ModelCard;

/**
 * The image updates of {@link Levers}, on candidate images kept as the model's normalized input (N·C·H·W
 * floats): x = (p − mean_c) / std_c for pixel value p in [0, 1]. Plain Java between steps: they cost nothing
 * next to a step's forward and backward passes.
 */
final class ImageLevers {

    private ImageLevers() {
    }

    /**
     * One step of fixed L2 length {@code length} in pixel units along each image's negative pixel-space gradient
     * (∂L/∂p = g / std_c). Removed candidates stay where they are; a zero gradient moves nothing.
     */
    static void l2Step(float[] x, float[] gradient, boolean[] removed, ModelCard card, double length) {
        int size = x.length / removed.length;
        int plane = card.height() * card.imageWidth();
        for (int i = 0; i < removed.length; i++) {
            if (removed[i]) {
                continue;
            }
            int base = i * size;
            double norm = 0;
            for (int j = 0; j < size; j++) {
                double gp = gradient[base + j] / card.stdOf(j / plane);
                norm += gp * gp;
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0)) {
                continue;
            }
            for (int j = 0; j < size; j++) {
                double s = card.stdOf(j / plane);
                double stepPixel = -length * (gradient[base + j] / s) / norm;
                x[base + j] += (float) (stepPixel / s);
            }
        }
    }

    /**
     * Stretches every image whose per-image pixel standard deviation is below {@code floor} about its mean, back
     * to the floor, then clips to [0, 1] (which may leave it slightly below). A flat image (no deviation) stays.
     */
    static void keepContrast(float[] x, boolean[] removed, ModelCard card, double floor) {
        int size = x.length / removed.length;
        int plane = card.height() * card.imageWidth();
        double[] p = new double[size];
        for (int i = 0; i < removed.length; i++) {
            if (removed[i]) {
                continue;
            }
            int base = i * size;
            double mean = 0;
            for (int j = 0; j < size; j++) {
                p[j] = x[base + j] * card.stdOf(j / plane) + card.meanOf(j / plane);
                mean += p[j];
            }
            mean /= size;
            double var = 0;
            for (int j = 0; j < size; j++) {
                var += (p[j] - mean) * (p[j] - mean);
            }
            double std = Math.sqrt(var / size);
            if (std >= floor || std < 1e-6) {
                continue;
            }
            double gain = floor / std;
            for (int j = 0; j < size; j++) {
                double stretched = Math.max(0, Math.min(1, mean + (p[j] - mean) * gain));
                x[base + j] = (float) ((stretched - card.meanOf(j / plane)) / card.stdOf(j / plane));
            }
        }
    }

    /** Gaussian blur (σ pixels, radius 3σ, weights renormalized at the border) of every channel plane, in place. */
    static void blur(float[] values, int channels, int height, int width, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
        }
        int plane = height * width;
        double[] row = new double[plane];
        for (int start = 0; start + plane <= values.length; start += plane) {
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    double sum = 0;
                    double weight = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sx = xx + k;
                        if (sx >= 0 && sx < width) {
                            sum += kernel[k + radius] * values[start + y * width + sx];
                            weight += kernel[k + radius];
                        }
                    }
                    row[y * width + xx] = sum / weight;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int xx = 0; xx < width; xx++) {
                    double sum = 0;
                    double weight = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int sy = y + k;
                        if (sy >= 0 && sy < height) {
                            sum += kernel[k + radius] * row[sy * width + xx];
                            weight += kernel[k + radius];
                        }
                    }
                    values[start + y * width + xx] = (float) (sum / weight);
                }
            }
        }
    }
}
