package org.dsvstudio.kkt;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.train.Batches;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the KKT conditions hold exactly — a linear softmax classifier trained to convergence with weight decay
 * (a strongly convex problem) — the real training points with their true multipliers λᵢ = 1/(μN) satisfy
 * stationarity, and DeepKKT started from noise finds multipliers and inputs that do too.
 */
class LinearKktTest {

    private static final double MU = 0.01;

    /** 300 real Fashion-MNIST training images (30 per class), averaged down to 7×7. */
    private static ImageDataset smallRealSet() throws java.io.IOException {
        ImageDataset full = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TRAIN).firstPerClass(30);
        byte[] pixels = new byte[full.size() * 49];
        for (int i = 0; i < full.size(); i++) {
            float[] img = full.image01(i);
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 7; x++) {
                    double s = 0;
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            s += img[(4 * y + dy) * 28 + 4 * x + dx];
                        }
                    }
                    pixels[i * 49 + y * 7 + x] = (byte) Math.round(255 * s / 16);
                }
            }
        }
        return new ImageDataset("fashion-7x7", pixels, full.labels(), 1, 7, 7, full.classNames());
    }

    /** Full-batch gradient descent with momentum on mean CE + (μ/2)‖θ‖² until the gradient vanishes. */
    private static void trainToStationarity(BuiltinClassifier model, ImageDataset data) {
        List<NDArray> params = new ArrayList<>();
        List<NDArray> velocity = new ArrayList<>();
        for (Pair<String, NDArray> p : model.namedParameters()) {
            p.getValue().setRequiresGradient(true);
            params.add(p.getValue());
            velocity.add(model.manager().zeros(p.getValue().getShape()));
        }
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Engine engine = Engine.getEngine("PyTorch");
        for (int step = 0; step < 4000; step++) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray x = Batches.images(data, all, 0, all.length, model.card(), scope);
                NDArray y = Batches.labels(data, all, 0, all.length, scope).oneHot(10);
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray ce = model.logits(x, true).logSoftmax(1).mul(y).sum().neg().div(data.size());
                    gc.backward(ce);
                }
                for (int l = 0; l < params.size(); l++) {
                    NDArray p = params.get(l);
                    NDArray g = p.getGradient();
                    g.attach(scope);
                    NDArray full = g.add(p.mul(MU));
                    velocity.get(l).muli(0.9).addi(full);
                    try (NDArray delta = velocity.get(l).mul(0.5)) {
                        p.subi(delta);
                    }
                    g.subi(g);
                }
            }
        }
    }

    @Test
    void realPointsWithTrueMultipliersAreStationaryAndDeepKktFromNoiseGetsThereToo() throws Exception {
        ImageDataset data = smallRealSet();
        double[] meanStd = data.channelMeanStd()[0].length == 1
                ? new double[] {data.channelMeanStd()[0][0], data.channelMeanStd()[1][0]} : null;
        ModelCard card = new ModelCard("linear-fashion-7x7", "linear", null, BuiltinClassifier.WEIGHTS_FILE,
                new int[] {1, 7, 7}, data.classNames(), new double[] {meanStd[0]}, new double[] {meanStd[1]}, null,
                null, null, null, new ModelCard.Provenance(null, 0L, null, null, null, null, MU, null, null, null,
                        null, null, null, null), null);
        double[] figures = TestSupport.compute(() -> {
            try (BuiltinClassifier model = BuiltinClassifier.create(card, Device.cpu(), 1);
                    AutogradBridge bridge = AutogradBridge.load()) {
                trainToStationarity(model, data);
                KktDiagnostic.Report check = KktDiagnostic.run(model, bridge, data, MU, f -> { }, () -> false);
                KktConfig config = new KktConfig("test", 600, 1e-3, 1, 0, 0, 0, Distance.L2_SQUARED, List.of("all"),
                        0, 0.1, 0.05, 0.05, 0.9, 0.999, Augmentation.NONE, 1, 100, 600);
                KktRequest request = new KktRequest(KktRequest.hardTargets(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                        5, 10), null, "noise", 3, config);
                KktResult result = new KktJob(model, bridge, request).run(p -> { }, () -> false);
                return new double[] {check.overall().residual(), Math.sqrt(result.last().stationarityRatio()),
                        result.kept().size(), result.primalFeasibility()};
            }
        });
        System.out.printf("linear softmax: residual with true multipliers %.2e; DeepKKT from noise: residual %.4f of "
                + "its λ = 0 value, %d of 50 kept, feasibility %.2f%n", figures[0], figures[1], (int) figures[2], figures[3]);
        assertTrue(figures[0] < 1e-3, "true multipliers leave a residual of " + figures[0]);
        assertTrue(figures[1] <= 0.1, "DeepKKT from noise reduced the residual only to " + figures[1] + " of ‖θ*‖");
    }
}
