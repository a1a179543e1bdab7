package org.dsvstudio.kkt;

import java.util.Arrays;

/**
 * What to generate: one entry per candidate.
 *
 * @param targets per candidate, a K-vector target distribution (one-hot for a hard class, a mix for blends)
 * @param initImages01 per candidate, the starting image in pixel space [0,1] (C·H·W), or null for noise
 * @param initLabel how the start was chosen, for provenance ("noise", "real", "other:PATH")
 * @param seed seeds noise, λ initialization and augmentation
 * @param config every weight and rate
 */
public record KktRequest(float[][] targets, float[][] initImages01, String initLabel, long seed, KktConfig config) {

    public KktRequest {
        if (targets == null || targets.length == 0) {
            throw new IllegalArgumentException("at least one candidate is needed");
        }
        int k = targets[0].length;
        for (float[] t : targets) {
            if (t.length != k) {
                throw new IllegalArgumentException("all targets need " + k + " entries");
            }
            double sum = 0;
            for (float v : t) {
                if (!(v >= 0) || !Float.isFinite(v)) {
                    throw new IllegalArgumentException("target entries must be finite and ≥ 0: " + Arrays.toString(t));
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-4) {
                throw new IllegalArgumentException("a target must sum to 1, got " + sum + ": " + Arrays.toString(t));
            }
        }
        if (initImages01 != null && initImages01.length != targets.length) {
            throw new IllegalArgumentException(initImages01.length + " start images for " + targets.length
                    + " candidates");
        }
        config.validate();
    }

    public int size() {
        return targets.length;
    }

    /** One-hot targets: perClass candidates for each listed class, class-major order. */
    public static float[][] hardTargets(int[] classes, int perClass, int numClasses) {
        float[][] t = new float[classes.length * perClass][numClasses];
        int i = 0;
        for (int c : classes) {
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("class index " + c + " outside 0.." + (numClasses - 1));
            }
            for (int k = 0; k < perClass; k++) {
                t[i++][c] = 1f;
            }
        }
        return t;
    }

    /** The class a target points to (its largest entry). */
    public static int targetClass(float[] target) {
        int best = 0;
        for (int c = 1; c < target.length; c++) {
            if (target[c] > target[best]) {
                best = c;
            }
        }
        return best;
    }

    public static boolean isHard(float[] target) {
        for (float v : target) {
            if (v != 0f && v != 1f) {
                return false;
            }
        }
        return true;
    }
}
