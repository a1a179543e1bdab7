package org.dsvstudio.teach;

import ai.djl.Device;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.app.RunExecutor;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.Margins;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.kkt.Levers;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.train.ClassifierTrainer;
import org.dsvstudio.train.TrainConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Teach tab's experiment, headless: on 2-D data, an SVM (LIBSVM) and a small network trained with weight
 * decay; then DeepKKT on the network alone — no data given to it — and the read-outs that connect the two: how near
 * the DSVs end to the network's boundary against the data, how many lie within one margin width of an SVM support
 * vector, and how much of the weights the λ-weighted gradients reconstruct (the stationarity ratio).
 * Compute-thread code: call it on the compute thread (or the CLI's).
 */
public final class Playground {

    /**
     * What to run.
     *
     * @param architecture "toy-mlp" (two hidden ReLU layers of {@code width}) or "linear" (logistic regression)
     * @param perClass DeepKKT candidates per class
     */
    public record Settings(Svm.Kernel kernel, double c, double gamma, String architecture, int width,
            double weightDecay, int epochs, int perClass, int steps, long seed, org.dsvstudio.kkt.Distance distance) {

        public static Settings defaults(long seed) {
            return new Settings(Svm.Kernel.RBF, 1, 1, "toy-mlp", 32, 5e-3, 200, 10, 400, seed,
                    org.dsvstudio.kkt.Distance.COSINE);
        }

        public Settings {
            if (perClass < 1 || perClass > 200) {
                throw new IllegalArgumentException("candidates per class must be 1..200, got " + perClass);
            }
            if (epochs < 1 || epochs > 5000) {
                throw new IllegalArgumentException("epochs must be 1..5000, got " + epochs);
            }
            if (steps < 1 || steps > 20_000) {
                throw new IllegalArgumentException("DeepKKT steps must be 1..20000, got " + steps);
            }
            if (width < 1 || width > 512) {
                throw new IllegalArgumentException("the network's width must be 1..512, got " + width);
            }
        }
    }

    /** The SVM side. */
    public record SvmReadout(String kernel, double c, double gamma, int supportVectors, double accuracy,
            double marginWidth) {
    }

    /** The network side. */
    public record NetReadout(String architecture, int width, double weightDecay, int epochs, double accuracy) {
    }

    /**
     * DeepKKT on the network.
     *
     * @param medianDistance the kept DSVs' median distance to the network's boundary (plane units, along the
     *     gradient)
     * @param dataMedianDistance the data points' median distance to the same boundary
     * @param nearSvmSupportVector kept DSVs within one SVM margin width of an SVM support vector
     * @param stationarityRatio how much of θ the λ-weighted gradients leave unexplained (0 = all of it)
     */
    public record DsvReadout(int candidates, int kept, double medianDistance, double dataMedianDistance,
            int nearSvmSupportVector, double stationarityRatio, double primalFeasibility) {
    }

    /** Everything a run gives: read-outs, and the points and models to draw. */
    public record Outcome(String data, int points, int classes, SvmReadout svm, NetReadout net, DsvReadout dsv,
            List<double[]> dsvPoints, double[] lambdas, boolean[] removed, KktResult result) {
    }

    private Playground() {
    }

    /** The network's card for 2-D points. */
    static TrainConfig trainConfig(Settings s) {
        return new TrainConfig(s.architecture(), s.architecture().equals("toy-mlp") ? s.width() : null, s.epochs(),
                32, 0.05, 0.9, "sgd", true, s.weightDecay(), 0, false, s.seed(), 0, null).validate();
    }

    /** The DeepKKT configuration for 2-D points: no image priors, no augmentation, stationarity on every weight. */
    static KktConfig kktConfig(Settings s, ModelCard card, int candidates) {
        return KktPresets.quick().toBuilder().preset("teach").steps(s.steps()).tvWeight(0).normWeight(0)
                .augmentWeight(0).augmentation(org.dsvstudio.kkt.Augmentation.NONE).levers(Levers.NONE)
                .parameters(List.of("all")).distance(s.distance()).lambdaScale(1.0 / (s.weightDecay() * candidates))
                .build();
    }

    /** Trains the network (caller closes it). */
    public static BuiltinClassifier trainNet(ToyData data, Settings s, Device device, BooleanSupplier cancelled) {
        return trainNet(data, s, device, p -> { }, cancelled);
    }

    /** Trains the network, reporting its progress (caller closes it). */
    public static BuiltinClassifier trainNet(ToyData data, Settings s, Device device,
            Consumer<org.dsvstudio.train.TrainProgress> progress, BooleanSupplier cancelled) {
        return trainNet(data, s, device, (p, model) -> progress.accept(p), cancelled);
    }

    /** Trains the network, showing {@code observer} the model at each progress report (caller closes it). */
    public static BuiltinClassifier trainNet(ToyData data, Settings s, Device device,
            java.util.function.BiConsumer<org.dsvstudio.train.TrainProgress, BuiltinClassifier> observer,
            BooleanSupplier cancelled) {
        ImageDataset train = data.toImageDataset();
        TrainConfig config = trainConfig(s);
        ModelCard card = ClassifierTrainer.freshCard(config, train, "teach-" + s.architecture(), data.name());
        return new ClassifierTrainer(config, p -> { }, cancelled, 20).observing(observer).train(train, card, device);
    }

    /**
     * The whole experiment: SVM, network, DeepKKT, read-outs.
     *
     * @param progress DeepKKT's snapshots (the candidates moving), for a live view; may ignore them
     */
    public static Outcome run(ToyData data, Settings s, Device device, Consumer<KktProgress> progress,
            BooleanSupplier cancelled) {
        Svm svm = Svm.train(data, s.kernel(), s.c(), s.gamma());
        try (BuiltinClassifier net = trainNet(data, s, device, cancelled);
                AutogradBridge bridge = AutogradBridge.load()) {
            return withNet(data, s, svm, net, bridge, progress, cancelled);
        }
    }

    /** DeepKKT and the read-outs on a trained network. */
    public static Outcome withNet(ToyData data, Settings s, Svm svm, BuiltinClassifier net, AutogradBridge bridge,
            Consumer<KktProgress> progress, BooleanSupplier cancelled) {
        ModelCard card = net.card();
        int candidates = s.perClass() * data.classes();
        RunSpec spec = new RunSpec(kktConfig(s, card, candidates), null, s.perClass(), null, GenerationPlan.Init.NOISE,
                null, s.seed());
        KktResult result;
        try {
            result = RunExecutor.run(net, bridge, spec, folder -> null, new Workbench.RunListener() {
                @Override
                public void progress(KktProgress p) {
                    progress.accept(p);
                }
            }, cancelled);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // no data folder is read from noise
        }
        Attributions attributions = new Attributions(net, bridge);
        float[][] dataPixels = new float[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            dataPixels[i] = Pixels.normalize(ToyData.toPixels(data.points()[i][0], data.points()[i][1]), card);
        }
        double[][] logits = attributions.logitsOf(dataPixels);
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            right += org.dsvstudio.model.Probabilities.argMax(logits[i]) == data.labels()[i] ? 1 : 0;
        }
        double dataMedian = median(planeDistances(Margins.alongGradient(attributions, card, dataPixels, 1, 24)));
        List<Candidate> kept = result.kept();
        float[][] keptPixels = kept.stream().map(c -> Pixels.normalize(c.image01(), card)).toArray(float[][]::new);
        double dsvMedian = keptPixels.length == 0 ? Double.NaN
                : median(planeDistances(Margins.alongGradient(attributions, card, keptPixels, 1, 24)));
        double marginWidth = svm.marginWidth();
        int near = 0;
        for (Candidate c : kept) {
            double[] p = ToyData.fromPixels(c.image01());
            double nearest = svm.supportVectors().stream().mapToDouble(v -> Math.hypot(v.point()[0] - p[0],
                    v.point()[1] - p[1])).min().orElse(Double.POSITIVE_INFINITY);
            near += nearest <= marginWidth ? 1 : 0;
        }
        List<double[]> points = new ArrayList<>();
        double[] lambdas = new double[result.candidates().size()];
        boolean[] removed = new boolean[lambdas.length];
        for (int i = 0; i < lambdas.length; i++) {
            Candidate c = result.candidates().get(i);
            points.add(ToyData.fromPixels(c.image01()));
            lambdas[i] = c.lambda();
            removed[i] = c.removed();
        }
        return new Outcome(data.name(), data.size(), data.classes(),
                new SvmReadout(svm.kernel().name().toLowerCase(java.util.Locale.ROOT), svm.c(), svm.gamma(),
                        svm.supportVectors().size(), svm.accuracy(), marginWidth),
                new NetReadout(s.architecture(), s.width(), s.weightDecay(), s.epochs(), right / (double) data.size()),
                new DsvReadout(result.candidates().size(), kept.size(), dsvMedian, dataMedian, near,
                        result.last() == null ? Double.NaN : result.last().stationarityRatio(),
                        result.primalFeasibility()),
                points, lambdas, removed, result);
    }

    private static double[] planeDistances(double[] pixelDistances) {
        return Arrays.stream(pixelDistances).map(ToyData::toPlaneDistance).toArray();
    }


    /** Median of the finite values (an image the boundary is not found for within reach counts as far: +∞). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2])
                / 2;
    }
}
