package org.dsvstudio.kkt;

/**
 * The terms of the DeepKKT objective at one step (unweighted values, so runs with different weights compare).
 *
 * @param total the weighted objective that was minimized
 * @param primal hinge-like cross-entropy of X
 * @param stationarity D(θ*, −Σλ∇ℓ) on X
 * @param primalAug the same on A(X) (0 without augmentation)
 * @param stationarityAug the same on A(X)
 * @param tv total-variation prior
 * @param norm image-norm prior
 * @param stationarityAtZero D(θ*, 0): what stationarity would be with every λ = 0 (the baseline it must beat)
 */
public record LossTerms(double total, double primal, double stationarity, double primalAug, double stationarityAug,
        double tv, double norm, double stationarityAtZero) {

    /** stationarity relative to its λ = 0 value: below 1 means the multipliers explain part of θ*. */
    public double stationarityRatio() {
        return stationarityAtZero == 0 ? Double.NaN : stationarity / stationarityAtZero;
    }

    /** The first term that is NaN or infinite, or null; the parts before the total, which any of them spoils. */
    public String firstNonFinite() {
        String[] names = {"primal", "stationarity", "primalAug", "stationarityAug", "tv", "norm", "total"};
        double[] values = {primal, stationarity, primalAug, stationarityAug, tv, norm, total};
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return names[i];
            }
        }
        return null;
    }
}
