package org.dsvstudio.kkt;

/**
 * An immutable snapshot of a running DeepKKT job, emitted every few steps.
 *
 * @param step steps done
 * @param steps steps planned
 * @param losses the objective's terms at this step
 * @param lambda λ per candidate
 * @param removed per candidate, whether it was removed (λ < 0)
 * @param predicted per candidate, the predicted class
 * @param confidence per candidate, the probability of the predicted class
 * @param entropy per candidate, prediction entropy (nats)
 * @param images01 per candidate, its current image in pixel space [0,1]
 * @param stepsPerSecond throughput so far
 * @param nonFiniteRecomputes steps recomputed because a gradient was not finite
 */
public record KktProgress(int step, int steps, LossTerms losses, double[] lambda, boolean[] removed, int[] predicted,
        double[] confidence, double[] entropy, float[][] images01, double stepsPerSecond, int nonFiniteRecomputes) {

    public double meanEntropy() {
        double s = 0;
        int n = 0;
        for (int i = 0; i < entropy.length; i++) {
            if (!removed[i]) {
                s += entropy[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
