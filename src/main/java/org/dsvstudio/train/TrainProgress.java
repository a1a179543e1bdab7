package org.dsvstudio.train;

/**
 * An immutable progress snapshot of a training run.
 *
 * @param epoch 1-based current epoch
 * @param epochs total epochs
 * @param step steps done so far (all epochs)
 * @param totalSteps steps in the whole run
 * @param loss running mean of the cross-entropy (without the weight-decay term) this epoch
 * @param accuracy running training accuracy this epoch
 * @param imagesPerSecond throughput since the start of the run
 * @param learningRate current learning rate
 */
public record TrainProgress(int epoch, int epochs, long step, long totalSteps, double loss, double accuracy,
        double imagesPerSecond, double learningRate) {

    public double fraction() {
        return totalSteps == 0 ? 1 : (double) step / totalSteps;
    }
}
