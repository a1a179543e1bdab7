package org.dsvstudio.kkt;

/**
 * One candidate at the end (or at the cancellation) of a run.
 *
 * @param index position in the request
 * @param targetClass the class it is generated for (largest entry of its target)
 * @param target its target distribution
 * @param lambda λ = λ₀·ν
 * @param removed true when λ fell below 0 (dual infeasible: not a support vector)
 * @param removedAtStep the step at which it was removed, or -1
 * @param predicted the class the model predicts for it
 * @param logits the model's logits
 * @param probabilities softmax of the logits
 * @param entropy entropy of the prediction in nats (high = near a decision boundary)
 * @param image01 the image in pixel space [0,1], C·H·W
 */
public record Candidate(int index, int targetClass, float[] target, double lambda, boolean removed, int removedAtStep,
        int predicted, float[] logits, float[] probabilities, double entropy, float[] image01) {

    public double confidence() {
        return probabilities[predicted];
    }

    /** Primal feasibility: classified as its class. */
    public boolean feasible() {
        return predicted == targetClass;
    }
}
