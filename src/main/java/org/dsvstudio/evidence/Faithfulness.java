package org.dsvstudio.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.ExplainImages;
import org.dsvstudio.explain.Margins;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.LambdaOnReal;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.train.EvalResult;
import org.dsvstudio.train.Evaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The paper's support-vector checks on one model and its real data: (1) primal feasibility and (2) candidate
 * entropy of a DSV run, (3) λ on real training images (only λ optimized) against per-class test accuracy,
 * with the ranking {@code top-lambda:K} uses, and (4) the distance to the decision boundary of DSVs vs real
 * test images ({@link Margins}). Compute thread only.
 */
public final class Faithfulness {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the DSV folder shows. */
    public record DsvPart(String folder, int dsvs, double primalFeasibility, double recordedPrimalFeasibility,
            double initialMeanEntropy, double finalMeanEntropy, Summary margin) {
    }

    /** λ on real images. */
    public record LambdaPart(int imagesPerClass, String distance, List<String> parameters, long parameterCount,
            int steps, double stationarityAtZero, double stationarityAtStart, double stationarityAtEnd,
            double[] perClassLambdaSum, double[] perClassTestAccuracy, double pearson, int zeroLambda) {
    }

    /** Median, mean and quartiles of finite values; {@code unflipped} counts the +∞ ones. */
    public record Summary(int count, double median, double mean, double q1, double q3, int unflipped, double[] values) {
        static Summary of(double[] values) {
            double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
            return new Summary(values.length, quantile(finite, 0.5),
                    Arrays.stream(finite).average().orElse(Double.NaN), quantile(finite, 0.25), quantile(finite, 0.75),
                    values.length - finite.length, values);
        }
    }

    /** The whole report. */
    public record Report(String model, String data, int testImages, double testAccuracy, DsvPart dsvs,
            LambdaPart lambda, Summary realMargin, int realMarginImages) {
    }

    private Faithfulness() {
    }

    /**
     * @param dsvFolder a generate output folder of this model, or null to skip parts (1), (2) and the DSV margins
     * @param lambdaPerClass real training images per class scored by λ
     * @param lambdaSteps Adam steps on λ
     * @param lambdaLr Adam learning rate of ν (λ = λ₀ν)
     * @param marginImages real test images whose boundary distance is measured
     * @param rankingOut where the λ ranking is written (atomically)
     * @param status called with (message, fraction) as parts finish
     */
    public static Report run(Classifier model, AutogradBridge bridge, ImageDataset train, ImageDataset test,
            String dataName, Path dsvFolder, KktConfig config, int lambdaPerClass, int lambdaSteps, double lambdaLr,
            int marginImages, long seed, Path rankingOut, BiConsumer<String, Double> status, BooleanSupplier cancelled)
            throws IOException {
        ModelCard card = model.card();
        Attributions attributions = new Attributions(model, bridge);
        DsvPart dsvPart = null;
        if (dsvFolder != null) {
            status.accept("DSVs: feasibility and margins", 0.0);
            dsvPart = dsvPart(model, attributions, dsvFolder);
        }
        status.accept("test accuracy per class", 0.1);
        EvalResult eval = Evaluator.evaluate(model, test, f -> { }, cancelled);

        int[] scoredIndices = train.samplePerClassIndices(lambdaPerClass, seed);
        ImageDataset scored = train.subset(scoredIndices);
        int n = scored.size();
        int size = scored.imageSize();
        float[] images = new float[n * size];
        for (int i = 0; i < n; i++) {
            scored.normalizedInto(i, card.mean(), card.std(), images, i * size);
        }
        double lambda0 = KktJob.lambdaScale(config, card, n);
        LambdaOnReal.Result lr = LambdaOnReal.run(model, bridge, images, scored.labels(), config, lambda0, lambdaSteps,
                lambdaLr, f -> status.accept("λ on real images", 0.2 + 0.6 * f), cancelled);
        int k = card.numClasses();
        double[] sums = new double[k];
        List<LambdaRanking.Entry> entries = new ArrayList<>();
        int zero = 0;
        for (int i = 0; i < n; i++) {
            sums[scored.label(i)] += lr.lambda()[i];
            entries.add(new LambdaRanking.Entry(scoredIndices[i], scored.label(i), lr.lambda()[i]));
            zero += lr.lambda()[i] == 0 ? 1 : 0;
        }
        new LambdaRanking(card.name(), dataName, train.size(), config.distance().name(), config.parameters(), entries)
                .write(rankingOut);
        LambdaPart lambdaPart = new LambdaPart(lambdaPerClass, config.distance().name(), config.parameters(),
                lr.parameterCount(), lambdaSteps, lr.stationarityAtZero(), lr.stationarityAtStart(), lr.stationarity(),
                sums, eval.perClassAccuracy(), pearson(sums, eval.perClassAccuracy()), zero);

        status.accept("real images: margins", 0.8);
        ImageDataset marginSet = test.sample(Math.min(marginImages, test.size()), seed);
        float[][] real = new float[marginSet.size()][];
        for (int i = 0; i < real.length; i++) {
            real[i] = new float[size];
            marginSet.normalizedInto(i, card.mean(), card.std(), real[i], 0);
        }
        Summary realMargin = Summary.of(Margins.alongGradient(attributions, card, real));
        status.accept("done", 1.0);
        return new Report(card.name(), dataName, eval.samples(), eval.accuracy(), dsvPart, lambdaPart, realMargin,
                real.length);
    }

    private static DsvPart dsvPart(Classifier model, Attributions attributions, Path dir) throws IOException {
        Path json = dir.resolve("dsvs.json");
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(dir, "no dsvs.json (expected a folder written by generate)");
        }
        JsonNode root = JSON.readTree(json.toFile());
        ModelCard card = model.card();
        List<float[]> xs = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        for (JsonNode d : root.path("dsvs")) {
            if (d.path("removed").asBoolean(false)) {
                continue;
            }
            xs.add(ExplainImages.readNormalized(dir.resolve(d.path("image").asText()), card));
            classes.add(d.path("class").asInt());
        }
        if (xs.isEmpty()) {
            throw new DataFormatException(json, "no kept DSVs");
        }
        float[][] x = xs.toArray(new float[0][]);
        double[][] logits = attributions.logitsOf(x);
        int feasible = 0;
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                best = logits[i][c] > logits[i][best] ? c : best;
            }
            feasible += best == classes.get(i) ? 1 : 0;
        }
        JsonNode summary = root.path("summary");
        return new DsvPart(dir.toString(), x.length, (double) feasible / x.length,
                summary.path("primalFeasibility").asDouble(Double.NaN),
                summary.path("initialMeanEntropy").asDouble(Double.NaN),
                summary.path("finalMeanEntropy").asDouble(Double.NaN),
                Summary.of(Margins.alongGradient(attributions, card, x)));
    }

    /** Pearson correlation; NaN when either side is constant. */
    public static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
