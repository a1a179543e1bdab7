package org.dsvstudio.kkt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The random differentiable transforms A(x) whose KKT loss is added with weight η (the manifold condition).
 *
 * @param translate maximum shift as a fraction of the side (paper: 0.125)
 * @param crop maximum fraction of the side cut away by a random crop that is resized back (paper: 0.2)
 * @param cutout side of a square set to the mean colour, as a fraction of the side (paper: 0.15)
 * @param flip probability of a horizontal flip (paper: 0.5; wrong for digits and clothing, so 0 by default)
 * @param noise std of Gaussian noise added in normalized units (paper: 0.01)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Augmentation(double translate, double crop, double cutout, double flip, double noise) {

    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0);
    /** The paper's ImageNet settings with the flip turned off (flip is wrong for digits and clothing). */
    public static final Augmentation PAPER_NO_FLIP = new Augmentation(0.125, 0.2, 0.15, 0, 0.01);

    public Augmentation validate() {
        check("translate", translate, 0, 0.5);
        check("crop", crop, 0, 0.9);
        check("cutout", cutout, 0, 0.9);
        check("flip", flip, 0, 1);
        check("noise", noise, 0, 10);
        return this;
    }

    public boolean isNone() {
        return translate == 0 && crop == 0 && cutout == 0 && flip == 0 && noise == 0;
    }

    private static void check(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException("augmentation " + name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
