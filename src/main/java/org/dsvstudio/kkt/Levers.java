package org.dsvstudio.kkt;

import java.util.Locale;

/**
 * How candidate images are updated, beyond the loss: the legibility levers (issue "legible DSVs", calibration 3
 * of deepkkt.md). Applied in pixel units ([0, 1]) between steps, so they act the same whatever the model's
 * normalization.
 *
 * @param imageStep "adam" (per-pixel adaptive steps, the paper's) or "l2": every image moves by a step of fixed
 *     L2 length lrX (pixel units) along its negative gradient. Adam divides each pixel's step by that pixel's own
 *     gradient history, which levels a smooth gradient into sign-like texture; a normalized gradient step keeps
 *     the gradient's shape, which on a robust model is the shape of the class (perceptually aligned gradients)
 * @param contrastFloor after each step, an image whose per-image standard deviation fell below this (pixel
 *     units; real Fashion-MNIST images: 0.315) is stretched about its mean back to it: contrast is kept by
 *     construction, not by a prior a contrast-blind model can ignore. 0 = off
 * @param gradientBlur σ in pixels of a Gaussian that smooths the image gradient before the step (a low-pass
 *     parametrization: shapes before texture). 0 = off
 */
public record Levers(String imageStep, double contrastFloor, double gradientBlur) {

    /** The paper's update: Adam, nothing else. */
    public static final Levers NONE = new Levers("adam", 0, 0);

    public Levers {
        imageStep = imageStep == null ? "adam" : imageStep.toLowerCase(Locale.ROOT);
    }

    public Levers validate() {
        if (!"adam".equals(imageStep) && !"l2".equals(imageStep)) {
            throw new IllegalArgumentException("imageStep must be adam or l2, got '" + imageStep + "'");
        }
        if (!(contrastFloor >= 0 && contrastFloor <= 0.5)) {
            throw new IllegalArgumentException("contrastFloor must be in [0, 0.5] (pixel units), got " + contrastFloor);
        }
        if (!(gradientBlur >= 0 && gradientBlur <= 16)) {
            throw new IllegalArgumentException("gradientBlur must be in [0, 16] pixels, got " + gradientBlur);
        }
        return this;
    }

    public boolean l2Step() {
        return "l2".equals(imageStep);
    }

    public Levers withImageStep(String value) {
        return new Levers(value, contrastFloor, gradientBlur);
    }

    public Levers withContrastFloor(double value) {
        return new Levers(imageStep, value, gradientBlur);
    }

    public Levers withGradientBlur(double value) {
        return new Levers(imageStep, contrastFloor, value);
    }
}
