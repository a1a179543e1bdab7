package org.dsvstudio.evidence;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.Margins;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.LambdaOnReal;
import org.dsvstudio.kkt.ParameterSelection;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** λ on real images and the boundary distance, each checked by an independent computation. */
class FaithfulnessTest {

    @Test
    void lambdaOnRealImagesMatchesOneWeightedBackwardAndLowersStationarity() throws Exception {
        ImageDataset train = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TRAIN);
        ImageDataset scored = train.samplePerClass(3, 1);
        TestSupport.compute(() -> {
            try (Classifier model = ModelLoader.load(TestSupport.sampleModel("convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                ModelCard card = model.card();
                int size = scored.imageSize();
                float[] images = new float[scored.size() * size];
                for (int i = 0; i < scored.size(); i++) {
                    scored.normalizedInto(i, card.mean(), card.std(), images, i * size);
                }
                KktConfig config = KktPresets.get("quick");
                LambdaOnReal.Result r = LambdaOnReal.run(model, bridge, images, scored.labels(), config, 1.0, 100,
                        0.05, f -> { }, () -> false);
                for (double l : r.lambda()) {
                    assertTrue(l >= 0, "dual feasibility");
                }
                assertTrue(r.stationarity() < r.stationarityAtStart(),
                        r.stationarityAtStart() + " → " + r.stationarity());
                // independent: Σ λᵢ ∇θ ℓᵢ from ONE backward of the λ-weighted loss, cosine in float64 here
                double independent = cosineDistance(model, config, images, scored.labels(), r.lambda());
                assertEquals(independent, r.stationarity(), 1e-4);
                return null;
            }
        });
    }

    private static double cosineDistance(Classifier model, KktConfig config, float[] images, int[] labels,
            double[] lambda) {
        ModelCard card = model.card();
        List<Pair<String, NDArray>> selected = ParameterSelection.select(model.namedParameters(), config.parameters());
        try (NDManager scope = model.manager().newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            for (Pair<String, NDArray> p : selected) {
                p.getValue().setRequiresGradient(true);
            }
            NDArray x = scope.create(images, new Shape(labels.length, card.channels(), card.height(), card.imageWidth()));
            NDArray ce = model.logits(x, true).logSoftmax(1).mul(scope.create(labels).oneHot(card.numClasses()))
                    .sum(new int[] {1}).neg();
            NDArray weighted = ce.mul(scope.create(lambda).toType(DataType.FLOAT32, false)).sum();
            collector.backward(weighted);
            double dot = 0;
            double gg = 0;
            double tt = 0;
            for (Pair<String, NDArray> p : selected) {
                double[] g = p.getValue().getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
                double[] t = p.getValue().toType(DataType.FLOAT64, false).toDoubleArray();
                for (int i = 0; i < g.length; i++) {
                    dot += -g[i] * t[i];
                    gg += g[i] * g[i];
                    tt += t[i] * t[i];
                }
                p.getValue().getGradient().subi(p.getValue().getGradient());
            }
            return 1 - dot / Math.sqrt(gg * tt);
        }
    }

    @Test
    void theBoundaryDistanceIsWhereThePredictionFlipsAlongTheGradient() throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        TestSupport.compute(() -> {
            try (Classifier model = ModelLoader.load(TestSupport.sampleModel("convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                ModelCard card = model.card();
                Attributions a = new Attributions(model, bridge);
                float[][] xs = new float[4][test.imageSize()];
                for (int i = 0; i < xs.length; i++) {
                    test.normalizedInto(i, card.mean(), card.std(), xs[i], 0);
                }
                double[] m = Margins.alongGradient(a, card, xs, 64, 30);
                for (int i = 0; i < xs.length; i++) {
                    assertTrue(Double.isFinite(m[i]) && m[i] > 0, "margin " + m[i]);
                    double[] logits = a.logits(xs[i]);
                    int c = argMax(logits, -1);
                    int k = argMax(logits, c);
                    // the direction from two single-class gradients (another code path than the margin's)
                    float[] gc = a.gradient(xs[i], c);
                    float[] gk = a.gradient(xs[i], k);
                    double[] d = new double[gc.length];
                    double norm = 0;
                    for (int j = 0; j < d.length; j++) {
                        d[j] = -(gc[j] - gk[j]) / card.stdOf(0);
                        norm += d[j] * d[j];
                    }
                    norm = Math.sqrt(norm);
                    assertEquals(c, argMax(a.logits(step(xs[i], d, norm, 0.999 * m[i], card)), -1), "before the margin");
                    assertNotEquals(c, argMax(a.logits(step(xs[i], d, norm, 1.001 * m[i], card)), -1), "after it");
                }
                return null;
            }
        });
    }

    @Test
    void pearsonOfKnownSeries() {
        assertEquals(1.0, Faithfulness.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, Faithfulness.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        assertEquals(0.5291502622129182, Faithfulness.pearson(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 2.5}),
                1e-12); // numpy.corrcoef
        assertTrue(Double.isNaN(Faithfulness.pearson(new double[] {1, 1}, new double[] {1, 2})));
    }

    private static float[] step(float[] x, double[] d, double norm, double t, ModelCard card) {
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) (x[j] + t * d[j] / norm / card.stdOf(0));
        }
        return out;
    }

    private static int argMax(double[] v, int skip) {
        int best = -1;
        for (int j = 0; j < v.length; j++) {
            if (j != skip && (best < 0 || v[j] > v[best])) {
                best = j;
            }
        }
        return best;
    }
}
