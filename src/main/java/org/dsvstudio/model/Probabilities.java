package org.dsvstudio.model;

/**
 * A classifier's logits as probabilities: softmax, the predicted class, entropy. One home for what DeepKKT, the
 * boundary views and saliency each computed with a copy of their own. Softmax is computed in float64 with the
 * largest logit subtracted first.
 */
public final class Probabilities {

    private Probabilities() {
    }

    /** Softmax of logits[offset … offset+k) in float64. */
    public static double[] softmax(double[] logits, int offset, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(logits[offset + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** Softmax of logits[offset … offset+k), computed in float64 and stored as float. */
    public static float[] softmax(float[] logits, int offset, int k) {
        double[] wide = new double[k];
        for (int j = 0; j < k; j++) {
            wide[j] = logits[offset + j];
        }
        double[] p = softmax(wide, 0, k);
        float[] out = new float[k];
        for (int j = 0; j < k; j++) {
            out[j] = (float) p[j];
        }
        return out;
    }

    /** The index of the largest value (the first one on ties). */
    public static int argMax(float[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    /** The index of the largest value (the first one on ties). */
    public static int argMax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Entropy of a distribution in nats (0·log 0 = 0). */
    public static double entropy(float[] p) {
        double h = 0;
        for (float v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }
}
