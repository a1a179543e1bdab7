package org.dsvstudio.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Projected gradient descent (Madry et al. 2018) against a classifier: the perturbation that raises its
 * cross-entropy most within an L2 or L∞ ball of radius ε, measured in [0, 1] pixel units (not the card's
 * normalized units) and kept inside the valid pixel range. Used to train robust models, whose input gradients
 * are perceptually aligned (Santurkar et al. 2019), and to measure robust accuracy.
 *
 * <p>The attack runs the network in evaluation mode (BatchNorm on running statistics, as the robustness
 * library does) and takes input gradients through the {@link AutogradBridge}, so parameter gradients are not
 * touched. Compute thread only.
 *
 * @param norm "l2" or "linf"
 * @param eps radius in pixel units
 * @param steps PGD steps
 * @param stepSize pixel units per step; L2: along the normalized gradient; L∞: times its sign
 */
public record Adversary(String norm, double eps, int steps, double stepSize) {

    /** Madry's step heuristic: 2.5 ε / K, which lets K steps reach the ball's boundary from anywhere inside. */
    public static Adversary of(String norm, double eps, int steps) {
        return new Adversary(norm == null ? null : norm.toLowerCase(Locale.ROOT), eps, steps, 2.5 * eps / steps)
                .validate();
    }

    public Adversary validate() {
        if (!"l2".equals(norm) && !"linf".equals(norm)) {
            throw new IllegalArgumentException("--adversarial must be l2 or linf, got '" + norm + "'");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("--eps must be a positive number of [0,1] pixel units");
        }
        if ("linf".equals(norm) && eps >= 1) {
            throw new IllegalArgumentException("an L∞ --eps of " + eps + " covers the whole pixel range [0, 1]");
        }
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("--pgd-steps must be in 1..1000");
        }
        if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
            throw new IllegalArgumentException("the PGD step size must be positive");
        }
        return this;
    }

    /** For cards and logs: "PGD L2 ε 1.5, 4 steps of 0.94". */
    public String description() {
        return String.format(Locale.ROOT, "PGD %s ε %s, %d steps of %s", "l2".equals(norm) ? "L2" : "L∞",
                trim(eps), steps, trim(stepSize));
    }

    private static String trim(double v) {
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    /**
     * Adversarial versions of a normalized batch {@code x} (N×C×H×W, normalized by the card) with labels
     * {@code y} (int32): returned normalized, detached, in {@code scope}. L∞ starts from a uniform random point
     * of the ball (drawn from {@code random}), L2 from the clean image.
     */
    public NDArray perturb(Classifier model, AutogradBridge bridge, NDArray x, NDArray y, Random random,
            NDManager scope) {
        ModelCard card = model.card();
        Shape shape = x.getShape();
        int c = (int) shape.get(1);
        float[] stdValues = new float[c];
        float[] meanValues = new float[c];
        for (int ch = 0; ch < c; ch++) {
            stdValues[ch] = (float) card.stdOf(ch);
            meanValues[ch] = (float) card.meanOf(ch);
        }
        NDArray std = scope.create(stdValues, new Shape(1, c, 1, 1));
        NDArray mean = scope.create(meanValues, new Shape(1, c, 1, 1));
        NDArray pixels = x.mul(std).add(mean);
        // the perturbation may move each pixel only inside [0, 1]
        NDArray low = pixels.neg();
        NDArray high = pixels.neg().add(1f);
        NDArray delta = scope.zeros(shape);
        if ("linf".equals(norm)) {
            float[] start = new float[(int) shape.size()];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) ((2 * random.nextDouble() - 1) * eps);
            }
            delta = scope.create(start, shape).maximum(low).minimum(high);
        }
        NDArray oneHot = y.oneHot(card.numClasses()).toType(DataType.FLOAT32, false);
        Engine engine = Engine.getEngine("PyTorch");
        for (int k = 0; k < steps; k++) {
            NDArray gradient;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray d = delta.duplicate();
                d.setRequiresGradient(true);
                NDArray logits = model.logits(x.add(d.div(std)), true);
                NDArray loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
                gradient = bridge.grad(loss, List.of(d)).singletonOrThrow();
                gradient.attach(scope);
            }
            if ("l2".equals(norm)) {
                NDArray length = gradient.square().sum(new int[] {1, 2, 3}, true).sqrt().add(1e-12f);
                delta = delta.add(gradient.div(length).mul((float) stepSize));
                NDArray size = delta.square().sum(new int[] {1, 2, 3}, true).sqrt().add(1e-12f);
                delta = delta.mul(size.pow(-1).mul((float) eps).minimum(1f));
            } else {
                delta = delta.add(gradient.sign().mul((float) stepSize)).clip(-eps, eps);
            }
            delta = delta.maximum(low).minimum(high);
        }
        return x.add(delta.div(std));
    }
}
