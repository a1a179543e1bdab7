package org.dsvstudio.evidence;

import ai.djl.Device;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.train.ClassifierTrainer;
import org.dsvstudio.train.EvalResult;
import org.dsvstudio.train.Evaluator;
import org.dsvstudio.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Dataset-distillation evaluation (the paper's Table 1/2 protocol): train a fresh network from scratch on a
 * small image set, measure it on the real test split, repeat over seeds. Every set is trained with the same
 * recipe, so rows are comparable. Compute thread only.
 */
public final class Distiller {

    /**
     * The training recipe for every set.
     *
     * @param architecture built-in architecture of the fresh network
     * @param width ConvNet width (null = default)
     * @param epochs passes over the set
     * @param batchSize mini-batch size (a set no larger than this is trained full-batch)
     * @param learningRate Adam learning rate (constant)
     * @param weightDecay μ (coupled L2)
     * @param shiftPixels random translation ±pixels each time an image is seen
     */
    public record Recipe(String architecture, Integer width, int epochs, int batchSize, double learningRate,
            double weightDecay, int shiftPixels) {

        /** Throws IllegalArgumentException naming the first invalid value. */
        public void trainConfigCheck() {
            trainConfig(0);
        }

        TrainConfig trainConfig(long seed) {
            return new TrainConfig(architecture, width, epochs, batchSize, learningRate, 0.9, "adam", false,
                    weightDecay, shiftPixels, false, seed, 0, null).validate();
        }
    }

    /** One seed's outcome. */
    public record SeedResult(long seed, int trainImages, double accuracy, double[] perClassAccuracy,
            double trainSeconds) {
    }

    /** All seeds of one set. */
    public record Report(String images, Recipe recipe, String data, int testImages, List<SeedResult> seeds) {

        public double mean() {
            return seeds.stream().mapToDouble(SeedResult::accuracy).average().orElse(Double.NaN);
        }

        /** Sample standard deviation over seeds (0 for one seed). */
        public double std() {
            if (seeds.size() < 2) {
                return 0;
            }
            double m = mean();
            double ss = seeds.stream().mapToDouble(s -> (s.accuracy() - m) * (s.accuracy() - m)).sum();
            return Math.sqrt(ss / (seeds.size() - 1));
        }
    }

    /** Progress: seed index (0-based), seeds, fraction of that seed's training done. */
    public interface Progress {
        void update(int seedIndex, int seeds, double fraction);
    }

    private Distiller() {
    }

    /**
     * Trains one fresh network per seed (seeds {@code firstSeed}, {@code firstSeed + 1}, …) on the set
     * {@code spec} resolves to (random:K draws a new set per seed) and evaluates each on {@code test}. Seeds
     * found in {@code done} (an interrupted run's results for the same set and recipe) are taken as they are and
     * not trained again; {@code perSeed} is told of the newly trained ones only.
     */
    public static Report run(String spec, ImageDataset train, ImageDataset test, Path ranking, Recipe recipe,
            int seeds, long firstSeed, String dataName, Device device, Map<Long, SeedResult> done,
            Progress progress, BooleanSupplier cancelled, Consumer<SeedResult> perSeed) throws IOException {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1");
        }
        List<SeedResult> results = new ArrayList<>();
        ImageDataset fixed = DistillSet.dependsOnSeed(spec) ? null : DistillSet.resolve(spec, train, firstSeed, ranking);
        // one card for every seed (normalization from the real training split: a pass over all its images),
        // made when the first seed is trained, so a resume that finds every seed done skips that pass
        ModelCard card = null;
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            if (done.containsKey(seed)) {
                results.add(done.get(seed));
                continue;
            }
            if (card == null) {
                card = ClassifierTrainer.freshCard(recipe.trainConfig(firstSeed), train, "distilled", dataName);
            }
            ImageDataset set = fixed != null ? fixed : DistillSet.resolve(spec, train, seed, ranking);
            TrainConfig config = recipe.trainConfig(seed);
            int index = i;
            ClassifierTrainer trainer = new ClassifierTrainer(config,
                    p -> progress.update(index, seeds, p.fraction()), cancelled, 10);
            long t0 = System.nanoTime();
            try (BuiltinClassifier model = trainer.train(set, card, device)) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                EvalResult eval = Evaluator.evaluate(model, test);
                SeedResult r = new SeedResult(seed, set.size(), eval.accuracy(), eval.perClassAccuracy(), seconds);
                results.add(r);
                perSeed.accept(r);
            }
        }
        return new Report(spec, recipe, dataName, test.size(), results);
    }
}
