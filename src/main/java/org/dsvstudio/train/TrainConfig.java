package org.dsvstudio.train;

/**
 * How to train a built-in network. Weight decay is an explicit (μ/2)‖θ‖² term in the loss, so μ is known
 * exactly: DeepKKT's premise θ* = −(1/(μN)) Σ ∇ℓ needs it.
 *
 * @param architecture convnet | resnet8 | resnet20 | resnet18
 * @param width ConvNet width (null = default)
 * @param epochs passes over the training set
 * @param batchSize mini-batch size
 * @param learningRate peak learning rate (decayed by a cosine to 0 over all steps when {@code cosine})
 * @param momentum SGD momentum (ignored by Adam)
 * @param optimizer "sgd" (momentum) or "adam" (β 0.9 / 0.999; the paper's choice for training on distilled sets)
 * @param cosine decay the learning rate by a cosine to 0; false = constant
 * @param weightDecay μ
 * @param shiftPixels random translation ±pixels (zero padding) as augmentation; 0 = none
 * @param flip random horizontal flips (off for digits)
 * @param seed seeds initialization, shuffling and augmentation
 * @param limit use only the first {@code limit} training images per class (0 = all): smoke tests, quick looks
 * @param adversary train on PGD adversarial examples of each batch instead of the batch (null = standard)
 */
public record TrainConfig(
        String architecture,
        Integer width,
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        String optimizer,
        boolean cosine,
        double weightDecay,
        int shiftPixels,
        boolean flip,
        long seed,
        int limit,
        Adversary adversary) {

    public TrainConfig validate() {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be at least 1");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("--batch-size must be at least 1");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be positive");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must be ≥ 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1)");
        }
        if (!"sgd".equals(optimizer) && !"adam".equals(optimizer)) {
            throw new IllegalArgumentException("optimizer must be sgd or adam, got '" + optimizer + "'");
        }
        if (shiftPixels < 0 || limit < 0) {
            throw new IllegalArgumentException("--shift and --limit must be ≥ 0");
        }
        if (adversary != null) {
            adversary.validate();
        }
        return this;
    }

    /** The SGD recipe of the sample models (momentum, cosine to 0). */
    public static TrainConfig sgd(String architecture, Integer width, int epochs, int batchSize, double learningRate,
            double momentum, double weightDecay, int shiftPixels, boolean flip, long seed, int limit) {
        return new TrainConfig(architecture, width, epochs, batchSize, learningRate, momentum, "sgd", true,
                weightDecay, shiftPixels, flip, seed, limit, null);
    }

    /** The same recipe on adversarial examples. */
    public TrainConfig withAdversary(Adversary adversary) {
        return new TrainConfig(architecture, width, epochs, batchSize, learningRate, momentum, optimizer, cosine,
                weightDecay, shiftPixels, flip, seed, limit, adversary);
    }

    public boolean adam() {
        return "adam".equals(optimizer);
    }

    public String optimizerDescription() {
        return adam() ? "Adam, β 0.9/0.999" : "SGD, momentum " + momentum;
    }

    public String scheduleDescription() {
        return cosine ? "cosine to 0 over " + epochs + " epochs, per step" : "constant";
    }

    public String augmentationDescription() {
        String s = shiftPixels > 0 ? "random shift ±" + shiftPixels + " px" : "none";
        s = flip ? s + ", horizontal flip" : s;
        return adversary == null ? s : s + "; trained on " + adversary.description() + " adversarial examples";
    }
}
