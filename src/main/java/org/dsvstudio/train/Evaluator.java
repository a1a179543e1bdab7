package org.dsvstudio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoadException;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/** Measures accuracy of a classifier on a labelled data set (compute thread only). */
public final class Evaluator {

    private static final int BATCH = 250;

    private Evaluator() {
    }

    public static EvalResult evaluate(Classifier classifier, ImageDataset data) {
        return evaluate(classifier, data, f -> { }, () -> false);
    }

    /** Evaluates all images of data; progress gets the fraction done; stops early (partial) when cancelled. */
    public static EvalResult evaluate(Classifier classifier, ImageDataset data, DoubleConsumer progress,
            BooleanSupplier cancelled) {
        var card = classifier.card();
        if (data.channels() != card.channels() || data.height() != card.height() || data.width() != card.imageWidth()) {
            throw new ModelLoadException("data images are " + data.channels() + "×" + data.height() + "×"
                    + data.width() + " but the model takes " + card.channels() + "×" + card.height() + "×"
                    + card.imageWidth());
        }
        if (data.numClasses() > card.numClasses()) {
            throw new ModelLoadException("data has " + data.numClasses() + " classes but the model only "
                    + card.numClasses());
        }
        int k = card.numClasses();
        int[][] confusion = new int[k][k];
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int done = 0;
        for (int from = 0; from < order.length && !cancelled.getAsBoolean(); from += BATCH) {
            int to = Math.min(order.length, from + BATCH);
            try (NDManager step = classifier.manager().newSubManager()) {
                NDArray x = Batches.images(data, order, from, to, card, step);
                NDArray predicted = classifier.logits(x, false).argMax(1);
                long[] p = predicted.toLongArray();
                for (int i = 0; i < p.length; i++) {
                    confusion[data.label(order[from + i])][(int) p[i]]++;
                }
            }
            done = to;
            progress.accept((double) to / order.length);
        }
        return summarize(card.classNames(), confusion, done);
    }

    /**
     * Accuracy on adversarial versions of data's images: each batch perturbed by {@code attack} against this
     * classifier (labels = the true classes), then classified. Seeded, so a figure can be reproduced.
     */
    public static EvalResult robust(Classifier classifier, ImageDataset data, Adversary attack, long seed,
            DoubleConsumer progress, BooleanSupplier cancelled) {
        var card = classifier.card();
        int k = card.numClasses();
        int[][] confusion = new int[k][k];
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Random random = new java.util.Random(seed);
        int done = 0;
        try (org.dsvstudio.engine.AutogradBridge bridge = org.dsvstudio.engine.AutogradBridge.load()) {
            for (int from = 0; from < order.length && !cancelled.getAsBoolean(); from += BATCH) {
                int to = Math.min(order.length, from + BATCH);
                try (NDManager step = classifier.manager().newSubManager()) {
                    NDArray x = Batches.images(data, order, from, to, card, step);
                    NDArray y = Batches.labels(data, order, from, to, step);
                    NDArray adversarial = attack.perturb(classifier, bridge, x, y, random, step);
                    long[] p = classifier.logits(adversarial, false).argMax(1).toLongArray();
                    for (int i = 0; i < p.length; i++) {
                        confusion[data.label(order[from + i])][(int) p[i]]++;
                    }
                }
                done = to;
                progress.accept((double) to / order.length);
            }
        }
        return summarize(card.classNames(), confusion, done);
    }

    static EvalResult summarize(java.util.List<String> classNames, int[][] confusion, int samples) {
        int k = confusion.length;
        double[] perClass = new double[k];
        int[] counts = new int[k];
        long correct = 0;
        for (int t = 0; t < k; t++) {
            int row = 0;
            for (int p = 0; p < k; p++) {
                row += confusion[t][p];
            }
            counts[t] = row;
            correct += confusion[t][t];
            perClass[t] = row == 0 ? Double.NaN : (double) confusion[t][t] / row;
        }
        double acc = samples == 0 ? Double.NaN : (double) correct / samples;
        return new EvalResult(samples, acc, classNames, perClass, counts, confusion);
    }
}
