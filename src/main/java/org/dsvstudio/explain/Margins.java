package org.dsvstudio.explain;

import org.dsvstudio.model.ModelCard;

/**
 * Distance to the decision boundary along the gradient: for an image predicted as c with runner-up k, walk
 * from x against ∇ₓ(z_c − z_k) (the steepest way to lose class c) and find the smallest step t whose image
 * is no longer predicted as c. t is an L2 length in pixel units (images in [0, 1], no clipping), so a margin
 * of 1 means the whole change has the energy of one fully switched pixel. First-order direction, exact step
 * (doubling, then bisection on the model's own predictions). Compute thread only.
 */
public final class Margins {

    /** Steps start here and double up to the limit. */
    static final double FIRST_STEP = 1.0 / 64;
    /** Largest step tried by default (pixel L2; a 28×28 image's whole range is 28). */
    public static final double DEFAULT_MAX_DISTANCE = 64;
    /** Halvings of the bracket by default: 64 / 2²⁰ ≈ 6e-5 at worst. */
    public static final int DEFAULT_BISECTIONS = 20;

    private Margins() {
    }

    /** {@link #alongGradient(Attributions, ModelCard, float[][], double, int)} with the default limit and precision. */
    public static double[] alongGradient(Attributions attributions, ModelCard card, float[][] xs) {
        return alongGradient(attributions, card, xs, DEFAULT_MAX_DISTANCE, DEFAULT_BISECTIONS);
    }

    /**
     * @param xs normalized images
     * @param maxDistance largest step tried; an image not flipped by then gets {@code +∞}
     * @param bisections halvings of the bracketing interval (precision maxDistance / 2^bisections at worst)
     * @return the margin of each image in pixel-space L2 units
     */
    public static double[] alongGradient(Attributions attributions, ModelCard card, float[][] xs, double maxDistance,
            int bisections) {
        int n = xs.length;
        int k = card.numClasses();
        double[][] logits = attributions.logitsOf(xs);
        int[] predicted = new int[n];
        float[][] weights = new float[n][k];
        for (int i = 0; i < n; i++) {
            predicted[i] = argMax(logits[i], -1);
            int runnerUp = argMax(logits[i], predicted[i]);
            weights[i][predicted[i]] = 1;
            weights[i][runnerUp] = -1;
        }
        float[][] grads = attributions.gradientsOf(xs, weights);
        int plane = card.height() * card.imageWidth();
        // direction in pixel space: ∂/∂pixel = ∂/∂normalized / std, walk against it, unit length
        double[][] direction = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] d = new double[xs[i].length];
            double norm = 0;
            for (int j = 0; j < d.length; j++) {
                d[j] = -grads[i][j] / card.stdOf(j / plane);
                norm += d[j] * d[j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d.length; j++) {
                d[j] = norm > 0 ? d[j] / norm : 0;
            }
            direction[i] = d;
        }
        double[] low = new double[n];
        double[] high = new double[n];
        java.util.Arrays.fill(high, Double.POSITIVE_INFINITY);
        // bracket: double t until the prediction changes
        for (double t = Math.min(FIRST_STEP, maxDistance); ; t = Math.min(2 * t, maxDistance)) {
            double[] steps = new double[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                if (Double.isInfinite(high[i])) {
                    steps[i] = t;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            boolean[] flipped = flipped(attributions, card, xs, direction, steps, predicted);
            for (int i = 0; i < n; i++) {
                if (Double.isInfinite(high[i])) {
                    if (flipped[i]) {
                        high[i] = t;
                    } else {
                        low[i] = t;
                    }
                }
            }
            if (t >= maxDistance) {
                break;
            }
        }
        for (int b = 0; b < bisections; b++) {
            double[] mid = new double[n];
            for (int i = 0; i < n; i++) {
                mid[i] = Double.isInfinite(high[i]) ? 0 : 0.5 * (low[i] + high[i]);
            }
            boolean[] flipped = flipped(attributions, card, xs, direction, mid, predicted);
            for (int i = 0; i < n; i++) {
                if (!Double.isInfinite(high[i])) {
                    if (flipped[i]) {
                        high[i] = mid[i];
                    } else {
                        low[i] = mid[i];
                    }
                }
            }
        }
        return high;
    }

    /** Whether x + t·d (pixel space) is predicted as something other than {@code predicted}. */
    private static boolean[] flipped(Attributions attributions, ModelCard card, float[][] xs, double[][] direction,
            double[] steps, int[] predicted) {
        int plane = card.height() * card.imageWidth();
        float[][] moved = new float[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            moved[i] = new float[xs[i].length];
            for (int j = 0; j < xs[i].length; j++) {
                // normalized + (pixel step)/std
                moved[i][j] = (float) (xs[i][j] + steps[i] * direction[i][j] / card.stdOf(j / plane));
            }
        }
        double[][] logits = attributions.logitsOf(moved);
        boolean[] out = new boolean[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = argMax(logits[i], -1) != predicted[i];
        }
        return out;
    }

    private static int argMax(double[] v, int skip) {
        int best = -1;
        for (int j = 0; j < v.length; j++) {
            if (j != skip && (best < 0 || v[j] > v[best])) {
                best = j;
            }
        }
        return best;
    }
}
