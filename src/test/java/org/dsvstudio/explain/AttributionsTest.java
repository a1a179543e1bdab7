package org.dsvstudio.explain;

import ai.djl.Device;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attributions checked against what they must satisfy: float64 finite differences, IG completeness. */
class AttributionsTest {

    private static final CardOverrides DIGITS = new CardOverrides(new int[] {1, 28, 28},
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
            new double[] {0.3530}, null);

    /** The input gradient of a float64 TorchScript model equals central finite differences. */
    @Test
    void theGradientMatchesFloat64FiniteDifferences() throws Exception {
        compute(() -> {
            try (Classifier model = ModelLoader.load(TestSupport.resource("torchscript/tiny_convnet_f64.pt"), DIGITS,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                Attributions a = new Attributions(model, bridge);
                java.util.Random r = new java.util.Random(7);
                float[] x = new float[784];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                float[] g = a.gradient(x, 3);
                double eps = 1e-3;
                for (int i : new int[] {100, 300, 406, 555, 700}) {
                    float[] up = x.clone();
                    float[] down = x.clone();
                    up[i] += (float) eps;
                    down[i] -= (float) eps;
                    double fd = (a.score(up, 3) - a.score(down, 3)) / ((double) up[i] - down[i]);
                    assertEquals(fd, g[i], 1e-5 * Math.max(1e-3, Math.abs(fd)) + 1e-9, "pixel " + i);
                }
            }
            return null;
        });
    }

    /**
     * The model-randomization sanity check (Adebayo et al. 2018): the same image's map from the trained ConvNet
     * and from the same architecture with freshly initialized weights must differ clearly (rank correlation of
     * magnitudes < 0.5) for the gradient, SmoothGrad and gradient × input (measured 0.08, 0.02, 0.11). Printed
     * for every method: occlusion and IG against a black baseline measured 0.93 and 0.97 — on a mostly black
     * image, wherever the input equals the baseline both maps are 0 for any weights, so their magnitudes follow
     * the input more than the model (the dependence the sanity check is designed to expose); only reported.
     * With other baselines (measured on this image): IG from uniform noise 0.37 (asserted), occlusion with the
     * blurred image 0.46 (asserted), IG from the blurred image 0.64 (reported: it still fails the check).
     */
    @Test
    void aReinitializedModelGivesClearlyDifferentMaps() throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        compute(() -> {
            try (Classifier trained = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load();
                    Classifier random = org.dsvstudio.model.BuiltinClassifier.create(trained.card(), Device.cpu(), 1)) {
                Attributions a = new Attributions(trained, bridge);
                Attributions r = new Attributions(random, bridge);
                ModelCard c = trained.card();
                float[] x = new float[784];
                test.normalizedInto(0, c.mean(), c.std(), x, 0);
                int t = test.label(0);
                float[] black = a.blackBaseline();
                double grad = Attributions.rankCorrelationOfMagnitudes(a.gradient(x, t), r.gradient(x, t));
                double smooth = Attributions.rankCorrelationOfMagnitudes(a.smoothGrad(x, t, 16, 0.4, 1),
                        r.smoothGrad(x, t, 16, 0.4, 1));
                double occl = Attributions.rankCorrelationOfMagnitudes(a.occlusion(x, black, t, 4, 2),
                        r.occlusion(x, black, t, 4, 2));
                double gxi = Attributions.rankCorrelationOfMagnitudes(a.gradientTimesInput(x, t),
                        r.gradientTimesInput(x, t));
                double ig = Attributions.rankCorrelationOfMagnitudes(a.integratedGradients(x, black, t, 64),
                        r.integratedGradients(x, black, t, 64));
                float[] blurred = Baseline.blurred(Baseline.defaultBlurSigma(c)).normalized(x, c);
                float[] noise = Baseline.noise(1).normalized(x, c);
                double igBlur = Attributions.rankCorrelationOfMagnitudes(a.integratedGradients(x, blurred, t, 64),
                        r.integratedGradients(x, blurred, t, 64));
                double igNoise = Attributions.rankCorrelationOfMagnitudes(a.integratedGradients(x, noise, t, 64),
                        r.integratedGradients(x, noise, t, 64));
                double occlBlur = Attributions.rankCorrelationOfMagnitudes(a.occlusion(x, blurred, t, 4, 2),
                        r.occlusion(x, blurred, t, 4, 2));
                System.out.printf(java.util.Locale.ROOT, "randomization check, rank correlation trained vs"
                        + " re-initialized: gradient %.3f, SmoothGrad %.3f, occlusion %.3f, gradient×input %.3f,"
                        + " IG %.3f; blurred baseline: IG %.3f, occlusion %.3f; noise baseline: IG %.3f%n", grad,
                        smooth, occl, gxi, ig, igBlur, occlBlur, igNoise);
                assertTrue(grad < 0.5, "gradient " + grad);
                assertTrue(smooth < 0.5, "SmoothGrad " + smooth);
                assertTrue(gxi < 0.5, "gradient × input " + gxi);
                assertTrue(igNoise < 0.5, "IG from noise " + igNoise);
                assertTrue(occlBlur < 0.5, "occlusion with the blurred image " + occlBlur);
            }
            return null;
        });
    }

    /**
     * Σ IG = f(x) − f(black) within 1 %, on real test images: the ConvNet sample at 256 steps; the ResNet sample
     * needs more (its ReLU/BatchNorm kinks along the path: one image measured 1.8 % at 256 steps), so 1 024.
     */
    @Test
    void integratedGradientsAreComplete() throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        for (String sample : new String[] {"convnet-fashion", "resnet-fashion"}) {
            int steps = sample.startsWith("convnet") ? 256 : 1024;
            compute(() -> {
                try (Classifier model = ModelLoader.load(Path.of("sample-models", sample), CardOverrides.NONE,
                        Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                    Attributions a = new Attributions(model, bridge);
                    ModelCard c = model.card();
                    for (int idx : new int[] {0, 1, 2}) {
                        float[] x = new float[784];
                        test.normalizedInto(idx, c.mean(), c.std(), x, 0);
                        int target = test.label(idx);
                        float[] b = a.blackBaseline();
                        float[] ig = a.integratedGradients(x, b, target, steps);
                        double sum = 0;
                        for (float v : ig) {
                            sum += v;
                        }
                        double delta = a.score(x, target) - a.score(b, target);
                        System.out.printf(java.util.Locale.ROOT, "IG %s image %d, %d steps: Σ = %.5f, f(x) − f(b) ="
                                + " %.5f, gap %.3f %%%n", sample, idx, steps, sum, delta,
                                100 * Math.abs(sum - delta) / Math.abs(delta));
                        assertTrue(Math.abs(sum - delta) <= 0.01 * Math.abs(delta), sample + " image " + idx
                                + ": Σ IG " + sum + " vs f(x) − f(b) " + delta);
                    }
                }
                return null;
            });
        }
    }

    /**
     * Σ IG = f(x) − f(b) within 1 % at 256 steps for the ConvNet sample on real test images 0–2, with the blurred
     * baseline (default σ = 5 px) and the uniform-noise baseline (seed 1).
     */
    @Test
    void integratedGradientsAreCompleteForBlurredAndNoiseBaselines() throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                Attributions a = new Attributions(model, bridge);
                ModelCard c = model.card();
                for (Baseline baseline : new Baseline[] {Baseline.blurred(Baseline.defaultBlurSigma(c)),
                        Baseline.noise(1)}) {
                    for (int idx : new int[] {0, 1, 2}) {
                        float[] x = new float[784];
                        test.normalizedInto(idx, c.mean(), c.std(), x, 0);
                        int target = test.label(idx);
                        float[] b = a.baseline(baseline, x);
                        float[] ig = a.integratedGradients(x, b, target, 256);
                        double sum = 0;
                        for (float v : ig) {
                            sum += v;
                        }
                        double delta = a.score(x, target) - a.score(b, target);
                        System.out.printf(java.util.Locale.ROOT, "IG convnet-fashion, %s baseline, image %d, 256"
                                + " steps: Σ = %.5f, f(x) − f(b) = %.5f, gap %.3f %%%n", baseline, idx, sum, delta,
                                100 * Math.abs(sum - delta) / Math.abs(delta));
                        assertTrue(Math.abs(sum - delta) <= 0.01 * Math.abs(delta), baseline + " image " + idx
                                + ": Σ IG " + sum + " vs f(x) − f(b) " + delta);
                    }
                }
            }
            return null;
        });
    }

    /** The baselines in pixel space: black is 0, noise is uniform in [0,1] and fixed by its seed, blur keeps a
     * constant image constant, keeps the mean of a symmetric pattern and smooths a point into a Gaussian. */
    @Test
    void baselinesAreWhatTheySay() {
        ModelCard card = new ModelCard("t", "convnet", 8, "weights.params", new int[] {1, 28, 28},
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
                new double[] {0.3530}, null, null, null, null, null, null);
        float[] x = new float[784];
        java.util.Arrays.fill(x, 0.7f);
        float[] black = Baseline.black().normalized(x, card);
        assertEquals((0 - 0.2860) / 0.3530, black[123], 1e-6);
        float[] n1 = Baseline.noise(5).pixels(x, card);
        float[] n2 = Baseline.noise(5).pixels(new float[784], card);
        float[] n3 = Baseline.noise(6).pixels(x, card);
        assertTrue(java.util.Arrays.equals(n1, n2), "noise depends on the seed only");
        assertTrue(!java.util.Arrays.equals(n1, n3), "another seed, another image");
        double mean = 0;
        for (float v : n1) {
            assertTrue(v >= 0 && v < 1);
            mean += v / 784;
        }
        assertEquals(0.5, mean, 0.05);
        assertEquals(5.0, Baseline.defaultBlurSigma(card), 0);
        float[] flat = Baseline.blurred(5).pixels(x, card);
        for (float v : flat) {
            assertEquals(0.7 * 0.3530 + 0.2860, v, 1e-5);
        }
        float[] point = new float[784];
        point[14 * 28 + 14] = 1;
        float[] blurred = Baseline.gaussianBlur(point, 1, 28, 28, 2);
        double total = 0;
        for (float v : blurred) {
            total += v;
        }
        assertEquals(1, total, 1e-5);
        double g = Math.exp(-1 / 8.0);
        assertEquals(g, blurred[14 * 28 + 15] / blurred[14 * 28 + 14], 1e-5);
        assertEquals(g, blurred[15 * 28 + 14] / blurred[14 * 28 + 14], 1e-5);
        assertEquals(g * g, blurred[15 * 28 + 15] / blurred[14 * 28 + 14], 1e-5);
        float[] back = Baseline.normalize(Baseline.toPixels(x, card), card);
        assertEquals(x[0], back[0], 1e-6);
    }
}
