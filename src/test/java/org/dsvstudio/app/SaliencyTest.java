package org.dsvstudio.app;

import ai.djl.Device;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.Baseline;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;

import static org.dsvstudio.TestSupport.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The saliency views' maps on the Fashion-MNIST ConvNet and a real test image, checked against computations that
 * do not share their code path: Attributions' per-class methods, the logits themselves (IG completeness).
 */
class SaliencyTest {

    private static float[] image(int i) throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        return test.image01(i);
    }

    /** "A rather than B" for the gradient is ∇z_A − ∇z_B, each from Attributions.gradient. */
    @Test
    void theContrastGradientIsTheDifferenceOfTheClassGradients() throws Exception {
        float[] pixels = image(0);
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                Saliency.Prepared p = Saliency.prepare(Saliency.Source.image("test image 0", pixels, model.card()),
                        model, bridge, 1);
                Attributions a = new Attributions(model, bridge);
                int classA = p.predicted();
                int classB = (classA + 1) % 10;
                Saliency.MapResult m = Saliency.compute(model, bridge, p,
                        new Saliency.Request(Saliency.Method.GRADIENT, classA, classB, Saliency.Settings.defaults()),
                        () -> false);
                float[] ga = a.gradient(p.x(), classA);
                float[] gb = a.gradient(p.x(), classB);
                double scale = 0;
                for (int i = 0; i < ga.length; i++) {
                    scale = Math.max(scale, Math.abs(ga[i] - gb[i]));
                }
                for (int i = 0; i < ga.length; i++) {
                    assertEquals(ga[i] - gb[i], m.map()[i], 1e-5 * scale, "pixel " + i);
                }
                assertEquals(classB, m.request().classB());
            }
            return null;
        });
    }

    /**
     * Integrated Gradients of z_A − z_B (blurred baseline, 64 steps) is complete: the map sums to the logit
     * difference at the image minus that at the baseline, within 1 %; and for A alone it equals
     * Attributions.integratedGradients.
     */
    @Test
    void contrastIntegratedGradientsAreCompleteAndPlainOnesMatchAttributions() throws Exception {
        float[] pixels = image(1);
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                Saliency.Prepared p = Saliency.prepare(Saliency.Source.image("test image 1", pixels, model.card()),
                        model, bridge, 1);
                Attributions a = new Attributions(model, bridge);
                int classA = p.predicted();
                int classB = (classA + 3) % 10;
                Saliency.Settings s = Saliency.Settings.defaults().withBaseline(Baseline.Kind.BLURRED).withIgSteps(64);
                Saliency.MapResult m = Saliency.compute(model, bridge, p,
                        new Saliency.Request(Saliency.Method.INTEGRATED_GRADIENTS, classA, classB, s), () -> false);
                float[] b = a.baseline(s.baselineFor(model.card()), p.x());
                double[] lx = a.logits(p.x());
                double[] lb = a.logits(b);
                double delta = (lx[classA] - lx[classB]) - (lb[classA] - lb[classB]);
                double sum = 0;
                for (float v : m.map()) {
                    sum += v;
                }
                System.out.printf(java.util.Locale.ROOT, "contrast IG: sum %.5f, logit difference change %.5f%n",
                        sum, delta);
                assertTrue(Math.abs(sum - delta) <= 0.01 * Math.abs(delta), sum + " vs " + delta);

                Saliency.MapResult plain = Saliency.compute(model, bridge, p,
                        new Saliency.Request(Saliency.Method.INTEGRATED_GRADIENTS, classA, -1, s), () -> false);
                float[] reference = a.integratedGradients(p.x(), b, classA, 64);
                for (int i = 0; i < reference.length; i++) {
                    assertEquals(reference[i], plain.map()[i], 1e-5 * (Math.abs(plain.max()) + Math.abs(plain.min())));
                }
            }
            return null;
        });
    }

    /** A cancelled request stops before its first batch; A = B is refused with a message. */
    @Test
    void cancelledAndSelfContrastRequestsStop() throws Exception {
        float[] pixels = image(2);
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu()); AutogradBridge bridge = AutogradBridge.load()) {
                Saliency.Prepared p = Saliency.prepare(Saliency.Source.image("x", pixels, model.card()), model,
                        bridge, 1);
                assertThrows(CancellationException.class, () -> Saliency.compute(model, bridge, p,
                        new Saliency.Request(Saliency.Method.SMOOTHGRAD, 0, -1, Saliency.Settings.defaults()),
                        () -> true));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Saliency.compute(model,
                        bridge, p, new Saliency.Request(Saliency.Method.GRADIENT, 4, 4, Saliency.Settings.defaults()),
                        () -> false));
                assertTrue(e.getMessage().contains("same class"), e.getMessage());
            }
            return null;
        });
    }
}
