package org.dsvstudio.kkt;

import java.util.List;

/**
 * What a DeepKKT run produced; also a consistent partial result when it was cancelled or stopped.
 *
 * @param config the configuration used
 * @param seed the seed
 * @param initLabel how candidates started
 * @param candidates every candidate, removed ones included (flagged)
 * @param history the loss terms every progressEvery steps
 * @param stepsDone steps completed
 * @param stopReason null when all steps ran; "cancelled"; or why it stopped (e.g. a non-finite term), in words
 * @param stop why it ended early, as a kind (null when all steps ran)
 * @param nonFiniteRecomputes steps recomputed once because a gradient was not finite
 * @param wallSeconds wall time of the optimization
 * @param initialMeanEntropy mean candidate entropy at step 0
 * @param finalMeanEntropy mean entropy of the kept candidates at the end
 * @param parameterCount number of weights stationarity was applied to
 * @param parameterNames names of those weight tensors
 * @param notes what the run changed on its own, for the user (e.g. a chunk size lowered to fit memory)
 */
public record KktResult(KktConfig config, long seed, String initLabel, List<Candidate> candidates,
        List<LossTerms> history, int stepsDone, String stopReason, Stop stop, int nonFiniteRecomputes, double wallSeconds,
        double initialMeanEntropy, double finalMeanEntropy, long parameterCount, List<String> parameterNames,
        List<String> notes) {

    /** Why a run ended before its last step. */
    public enum Stop {
        /** The user (or the process's exit) cancelled it: the result is what existed then. */
        CANCELLED,
        /** Refused before the first step (e.g. it would not fit in memory). */
        REFUSED,
        /** Every candidate was removed (all λ < 0). */
        ALL_REMOVED,
        /** A loss term or gradient stayed NaN or infinite. */
        NON_FINITE
    }

    public boolean cancelled() {
        return stop == Stop.CANCELLED;
    }

    public List<Candidate> kept() {
        return candidates.stream().filter(c -> !c.removed()).toList();
    }

    public boolean completed() {
        return stopReason == null;
    }

    /** Fraction of kept candidates classified as their class. */
    public double primalFeasibility() {
        List<Candidate> kept = kept();
        return kept.isEmpty() ? Double.NaN : kept.stream().filter(Candidate::feasible).count() / (double) kept.size();
    }

    /**
     * Stationarity above this fraction of its λ = 0 value: the λ-weighted gradients explain too little of the
     * weights for λ ≥ 0 to mark support vectors (user models ended at 0.63–0.8 and were called support vectors).
     */
    public static final double STATIONARITY_NOT_MET = 0.5;

    /** Primal feasibility below this: too many kept candidates are not classified as their class. */
    public static final double FEASIBILITY_NOT_MET = 0.9;

    /**
     * Whether the KKT conditions were approximately met, in words for the run summary, the gallery and
     * dsvs.json: null when they were (or nothing ran), else what was not met and what to try.
     */
    public String kktWarning() {
        String missed = kktWarningShort();
        if (missed == null) {
            return null;
        }
        String advice = stationarityMissed()
                ? "more candidates per class, more steps, or stationarity on the head's weights only"
                        + (feasibilityMissed() ? "; more steps" : "")
                : "more steps or a larger primal weight";
        return missed + ", so λ ≥ 0 does not make these support vectors of the model. Try " + advice;
    }

    /** What of the KKT conditions was not met, without the advice of {@link #kktWarning()} (null when met). */
    public String kktWarningShort() {
        List<String> missed = new java.util.ArrayList<>();
        if (stationarityMissed()) {
            missed.add(String.format(java.util.Locale.ROOT, "stationarity ended at %.2f of its λ = 0 value",
                    last().stationarityRatio()));
        }
        if (feasibilityMissed()) {
            missed.add(String.format(java.util.Locale.ROOT, "only %.0f %% of kept candidates are classified as"
                    + " their class", 100 * primalFeasibility()));
        }
        return missed.isEmpty() ? null : "KKT conditions not approximately met: " + String.join(" and ", missed);
    }

    private boolean judged() {
        return last() != null && !kept().isEmpty();
    }

    private boolean stationarityMissed() {
        return judged() && config.stationarityWeight() > 0 && !(last().stationarityRatio() <= STATIONARITY_NOT_MET);
    }

    private boolean feasibilityMissed() {
        return judged() && primalFeasibility() < FEASIBILITY_NOT_MET;
    }

    public LossTerms last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
