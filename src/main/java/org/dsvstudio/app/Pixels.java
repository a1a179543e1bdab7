package org.dsvstudio.app;

import org.dsvstudio.model.ModelCard;

/** Pixel values in [0, 1] (C·H·W) to the model's normalized input and back, with the card's mean and std. */
public final class Pixels {

    private Pixels() {
    }

    /** (p − mean_c) / std_c for every value. */
    public static float[] normalize(float[] image01, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] x = new float[image01.length];
        for (int i = 0; i < image01.length; i++) {
            int ch = i / plane;
            x[i] = (float) ((image01[i] - card.meanOf(ch)) / card.stdOf(ch));
        }
        return x;
    }

    /** x·std_c + mean_c for every value (not clamped). */
    public static float[] toPixels(float[] normalized, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] p = new float[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            int ch = i / plane;
            p[i] = (float) (normalized[i] * card.stdOf(ch) + card.meanOf(ch));
        }
        return p;
    }
}
