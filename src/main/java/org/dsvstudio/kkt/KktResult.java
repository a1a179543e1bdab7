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

    public LossTerms last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
