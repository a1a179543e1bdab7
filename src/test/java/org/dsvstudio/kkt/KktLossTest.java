package org.dsvstudio.kkt;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.TestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stationarity loss and its exact second-order gradients: against PyTorch (a committed fixture made by
 * scripts/make_kkt_fixture.py) in float32, and against float64 central finite differences.
 */
class KktLossTest {

    private static final CardOverrides DIGITS = new CardOverrides(new int[] {1, 28, 28},
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
            new double[] {0.3530}, null);
    private static JsonNode fixture;
    private static AutogradBridge bridge;

    @BeforeAll
    static void setUp() throws Exception {
        fixture = new ObjectMapper().readTree(resource("kkt/stationarity_fixture.json").toFile());
        bridge = compute(AutogradBridge::load);
    }

    @AfterAll
    static void tearDown() throws Exception {
        compute(() -> {
            bridge.close();
            return null;
        });
    }

    static KktConfig stationarityOnly(Distance distance) {
        return new KktConfig("test", 1, 0, 1, 0, 0, 0, distance, List.of("all"), 1, 0, 0.01, 0.01, 0.9, 0.999,
                Augmentation.NONE, 1, 64, 1);
    }

    private static double[] doubles(JsonNode node) {
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    /** S, ∂S/∂x (flattened) and ∂S/∂λ for the fixture's inputs on the given model. */
    private static double[][] evaluate(Classifier model, Distance distance, double[] x, double[] lambda, int[] labels) {
        List<NDArray> theta = new ArrayList<>();
        List<NDArray> star = new ArrayList<>();
        DataType type = model.dataType();
        try (NDManager scope = model.manager().newSubManager()) {
            for (Pair<String, NDArray> p : model.namedParameters()) {
                p.getValue().setRequiresGradient(true);
                theta.add(p.getValue());
                NDArray s = p.getValue().stopGradient();
                s.attach(scope);
                star.add(s);
            }
            KktLoss loss = new KktLoss(model, bridge, theta, star, stationarityOnly(distance));
            NDArray xa = scope.create(x, new Shape(labels.length, 1, 28, 28)).toType(type, false);
            NDArray nu = scope.create(lambda).toType(type, false);
            xa.setRequiresGradient(true);
            nu.setRequiresGradient(true);
            NDArray ones = scope.ones(new Shape(labels.length), type);
            NDArray targets = scope.create(labels).oneHot(10).toType(type, false);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                KktLoss.ChunkResult r = loss.evaluate(xa, nu, ones, targets, true, null, null, null, labels.length,
                        labels.length * 784.0);
                double[] gx = new double[r.gradX().length];
                for (int i = 0; i < gx.length; i++) {
                    gx[i] = r.gradX()[i];
                }
                double[] gl = new double[r.gradNu().length];
                for (int i = 0; i < gl.length; i++) {
                    gl[i] = r.gradNu()[i];
                }
                return new double[][] {{r.stationarity()}, gx, gl};
            }
        }
    }

    private static double relErr(double[] actual, double[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < actual.length; i++) {
            num = Math.max(num, Math.abs(actual[i] - expected[i]));
            den = Math.max(den, Math.abs(expected[i]));
        }
        return num / Math.max(den, 1e-30);
    }

    @ParameterizedTest
    @CsvSource({"tiny_convnet, L1_MEAN", "tiny_convnet, L2_SQUARED", "tiny_convnet, COSINE", "tiny_convnet, LAYER_L1",
            "tiny_convnet, LAYER_L2", "tiny_bn_net, L1_MEAN", "tiny_bn_net, COSINE", "tiny_bn_net, LAYER_L2"})
    void stationarityLossAndGradientsMatchPyTorch(String modelName, Distance distance) throws Exception {
        JsonNode expected = fixture.get(modelName).get(distance.name());
        double[][] got = compute(() -> {
            try (Classifier model = ModelLoader.load(resource("torchscript/" + modelName + ".pt"), DIGITS, Device.cpu())) {
                return evaluate(model, distance, doubles(fixture.get("inputs")), doubles(fixture.get("lambda")),
                        new int[] {0, 1, 2, 3});
            }
        });
        double value = expected.get("value").asDouble();
        double errValue = Math.abs(got[0][0] - value) / Math.abs(value);
        double errX = relErr(got[1], doubles(expected.get("grad_x")));
        double errL = relErr(got[2], doubles(expected.get("grad_lambda")));
        System.out.printf("%s %s: S rel err %.2e, ∂S/∂x %.2e, ∂S/∂λ %.2e%n", modelName, distance, errValue, errX, errL);
        assertTrue(errValue <= 1e-4, "S: " + got[0][0] + " vs PyTorch " + value);
        assertTrue(errX <= 1e-4, "∂S/∂x relative error " + errX);
        assertTrue(errL <= 1e-4, "∂S/∂λ relative error " + errL);
    }

    /** Float64 models: the bridge's gradients against central differences of S itself (h = 1e-6). */
    @ParameterizedTest
    @CsvSource({"tiny_convnet_f64, L1_MEAN", "tiny_convnet_f64, COSINE", "tiny_bn_net_f64, L1_MEAN",
            "tiny_bn_net_f64, L2_SQUARED"})
    void bridgeGradientsMatchFloat64FiniteDifferences(String modelName, Distance distance) throws Exception {
        double[] x = doubles(fixture.get("inputs"));
        double[] lambda = doubles(fixture.get("lambda"));
        int[] labels = {0, 1, 2, 3};
        double[] worst = compute(() -> {
            try (Classifier model = ModelLoader.load(resource("torchscript/" + modelName + ".pt"), DIGITS, Device.cpu())) {
                double[][] analytic = evaluate(model, distance, x, lambda, labels);
                double h = 1e-6;
                Random random = new Random(5);
                double errX = 0;
                double scaleX = 0;
                for (double g : analytic[1]) {
                    scaleX = Math.max(scaleX, Math.abs(g));
                }
                for (int k = 0; k < 12; k++) {
                    int i = random.nextInt(x.length);
                    double[] plus = x.clone();
                    double[] minus = x.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double fd = (evaluate(model, distance, plus, lambda, labels)[0][0]
                            - evaluate(model, distance, minus, lambda, labels)[0][0]) / (2 * h);
                    errX = Math.max(errX, Math.abs(fd - analytic[1][i]) / scaleX);
                }
                double errL = 0;
                double scaleL = 0;
                for (double g : analytic[2]) {
                    scaleL = Math.max(scaleL, Math.abs(g));
                }
                for (int i = 0; i < lambda.length; i++) {
                    double[] plus = lambda.clone();
                    double[] minus = lambda.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double fd = (evaluate(model, distance, x, plus, labels)[0][0]
                            - evaluate(model, distance, x, minus, labels)[0][0]) / (2 * h);
                    errL = Math.max(errL, Math.abs(fd - analytic[2][i]) / scaleL);
                }
                return new double[] {errX, errL};
            }
        });
        System.out.printf("%s %s: finite differences rel err ∂S/∂x %.2e, ∂S/∂λ %.2e%n", modelName, distance,
                worst[0], worst[1]);
        assertTrue(worst[0] <= 1e-6, "∂S/∂x vs finite differences: " + worst[0]);
        assertTrue(worst[1] <= 1e-6, "∂S/∂λ vs finite differences: " + worst[1]);
    }
}
