package org.dsvstudio.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.ModelCard;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdversaryTest {

    private static final double MEAN = 0.3;
    private static final double STD = 0.35;

    private static ModelCard card() {
        return new ModelCard("t", "convnet-bn", 8, BuiltinClassifier.WEIGHTS_FILE, new int[] {1, 28, 28},
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {MEAN},
                new double[] {STD}, null, null, null, null, null, null);
    }

    /** Pixels in [0,1]: a mid-grey band (where a small step never meets the range) plus some 0 and 1 pixels. */
    private static float[] pixels(int n, long seed) {
        Random random = new Random(seed);
        float[] p = new float[n * 784];
        for (int i = 0; i < p.length; i++) {
            int col = i % 28;
            p[i] = col < 3 ? 0f : col > 24 ? 1f : (float) (0.3 + 0.4 * random.nextDouble());
        }
        return p;
    }

    private static NDArray normalized(NDManager m, float[] pixels, int n) {
        return m.create(pixels, new Shape(n, 1, 28, 28)).sub((float) MEAN).div((float) STD);
    }

    private static float[] toPixels(NDArray normalized) {
        return normalized.mul((float) STD).add((float) MEAN).toFloatArray();
    }

    @Test
    void l2AndLinfStayInsideTheirBallAndThePixelRangeAndRaiseTheLoss() throws Exception {
        int n = 4;
        float[] clean = pixels(n, 1);
        compute(() -> {
            try (BuiltinClassifier model = BuiltinClassifier.create(card(), Device.cpu(), 5);
                    AutogradBridge bridge = AutogradBridge.load();
                    NDManager m = model.manager().newSubManager()) {
                NDArray x = normalized(m, clean, n);
                NDArray y = m.create(new int[] {0, 3, 5, 9});
                float cleanLoss = loss(model, x, y);
                for (Adversary attack : new Adversary[] {Adversary.of("l2", 1.5, 5), Adversary.of("linf", 0.1, 5)}) {
                    float[] adv = toPixels(attack.perturb(model, bridge, x, y, new Random(2), m));
                    for (int k = 0; k < n; k++) {
                        double sq = 0;
                        double max = 0;
                        for (int i = k * 784; i < (k + 1) * 784; i++) {
                            double d = adv[i] - clean[i];
                            sq += d * d;
                            max = Math.max(max, Math.abs(d));
                            assertTrue(adv[i] >= -1e-5 && adv[i] <= 1 + 1e-5, "pixel " + adv[i] + " outside [0,1]");
                        }
                        if ("l2".equals(attack.norm())) {
                            assertTrue(Math.sqrt(sq) <= 1.5 + 1e-4, "L2 size " + Math.sqrt(sq));
                            assertTrue(Math.sqrt(sq) > 1.0, "the attack should use most of its budget: "
                                    + Math.sqrt(sq));
                        } else {
                            assertTrue(max <= 0.1 + 1e-5, "L∞ size " + max);
                        }
                    }
                    float advLoss = loss(model, normalized(m, adv, n), y);
                    assertTrue(advLoss > cleanLoss, attack.description() + ": loss " + cleanLoss + " → " + advLoss);
                }
            }
            return null;
        });
    }

    /**
     * One L2 step from the clean image goes along the pixel-space gradient of the cross-entropy: compared with
     * central finite differences of the same network in float64 (every grey pixel of one image, h = 1e-4).
     */
    @Test
    void oneL2StepFollowsTheFiniteDifferenceGradientInPixelSpace() throws Exception {
        float[] clean = pixels(1, 7);
        double cosine = compute(() -> {
            try (BuiltinClassifier model = BuiltinClassifier.create(card(), Device.cpu(), 9);
                    BuiltinClassifier exact = model.copy(DataType.FLOAT64);
                    AutogradBridge bridge = AutogradBridge.load();
                    NDManager m = model.manager().newSubManager();
                    NDManager m64 = exact.manager().newSubManager()) {
                NDArray x = normalized(m, clean, 1);
                NDArray y = m.create(new int[] {4});
                // a step far inside the ball and small enough to meet no pixel bound in the grey band
                float[] adv = toPixels(new Adversary("l2", 10, 1, 0.01).perturb(model, bridge, x, y,
                        new Random(1), m));
                double h = 1e-4;
                double[] batch = new double[2 * 784 * 784];
                for (int i = 0; i < 784; i++) {
                    for (int s = 0; s < 2; s++) {
                        int base = (2 * i + s) * 784;
                        for (int j = 0; j < 784; j++) {
                            batch[base + j] = (clean[j] - MEAN) / STD;
                        }
                        batch[base + i] += (s == 0 ? h : -h) / STD;
                    }
                }
                NDArray logits = exact.logits(m64.create(batch, new Shape(2 * 784, 1, 28, 28)), false);
                double[] ce = logits.logSoftmax(1).get(":, 4").neg().toDoubleArray();
                double dot = 0;
                double a2 = 0;
                double g2 = 0;
                for (int i = 0; i < 784; i++) {
                    if (i % 28 < 3 || i % 28 > 24) {
                        continue; // black and white pixels: the range bound clips the step there
                    }
                    double g = (ce[2 * i] - ce[2 * i + 1]) / (2 * h);
                    double d = adv[i] - clean[i];
                    dot += g * d;
                    a2 += d * d;
                    g2 += g * g;
                }
                assertTrue(Math.sqrt(a2) > 0.009 && Math.sqrt(a2) <= 0.01 + 1e-6, "step length " + Math.sqrt(a2));
                return dot / Math.sqrt(a2 * g2);
            }
        });
        assertTrue(cosine > 0.999, "cosine between the PGD step and the finite-difference gradient: " + cosine);
    }

    @Test
    void invalidSettingsAreRefusedWithTheOptionName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adversary.of("l1", 1, 4)).getMessage()
                .contains("--adversarial"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adversary.of("l2", 0, 4)).getMessage()
                .contains("--eps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adversary.of("linf", 1.5, 4)).getMessage()
                .contains("whole pixel range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adversary.of("l2", 1, 0)).getMessage()
                .contains("--pgd-steps"));
        assertEquals("PGD L2 ε 1.5, 4 steps of 0.9375", Adversary.of("L2", 1.5, 4).description());
    }

    private static float loss(BuiltinClassifier model, NDArray x, NDArray y) {
        return model.logits(x, false).logSoftmax(1).mul(y.oneHot(10).toType(DataType.FLOAT32, false)).sum().neg()
                .getFloat();
    }
}
