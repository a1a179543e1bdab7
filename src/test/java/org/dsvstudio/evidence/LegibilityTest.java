package org.dsvstudio.evidence;

import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.train.Evaluator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LegibilityTest {

    private static ImageDataset images(List<float[]> images01, int[] labels, int side) {
        byte[] pixels = new byte[images01.size() * side * side];
        for (int i = 0; i < images01.size(); i++) {
            for (int p = 0; p < side * side; p++) {
                pixels[i * side * side + p] = (byte) Math.round(images01.get(i)[p] * 255);
            }
        }
        return new ImageDataset("t", pixels, labels, 1, side, side, List.of("a", "b"));
    }

    /** A cosine of 7 cycles across the image puts all its power on the ring of radius 7 (exact DFT). */
    @Test
    void aCosineHasItsPowerAtItsFrequencyAndACheckerboardAtTheCorner() {
        int n = 28;
        double[] wave = new double[n * n];
        double[] checker = new double[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                wave[y * n + x] = 0.5 + 0.4 * Math.cos(2 * Math.PI * 7 * x / n);
                checker[y * n + x] = (x + y) % 2 == 0 ? 1 : 0;
            }
        }
        double[] p = Legibility.powerByRadius(wave, n, n, 21);
        double total = java.util.Arrays.stream(p).sum();
        assertEquals(1.0, p[7] / total, 1e-9);
        // Parseval: Σ|F|² = N² Σ (x − mean)², here N²·N²·0.4²/2
        assertEquals(n * n * (n * n * 0.16 / 2), total, 1e-6 * total);
        double[] q = Legibility.powerByRadius(checker, n, n, 21);
        assertEquals(1.0, q[20] / java.util.Arrays.stream(q).sum(), 1e-9, "(14, 14) is at radius 19.8 → 20");
    }

    @Test
    void contrastBrightnessAndWithinClassDistanceAreThePlainFigures() {
        float[] flat = new float[16];
        java.util.Arrays.fill(flat, 0.2f);
        float[] half = new float[16];
        for (int p = 0; p < 16; p++) {
            half[p] = p < 8 ? 0f : 1f;
        }
        float[] other = half.clone();
        for (int p = 0; p < 16; p++) {
            other[p] = 1 - half[p];
        }
        Legibility.Stats s = Legibility.stats(images(List.of(flat, half, other), new int[] {0, 1, 1}, 4));
        assertEquals((0 + 0.5 + 0.5) / 3, s.contrast(), 1e-6);
        assertEquals((51 / 255.0 + 0.5 + 0.5) / 3, s.brightness(), 1e-6);
        // class a has one image (no pair); class b: the two halves differ by 1 in all 16 pixels
        assertEquals(4.0, s.withinClassDistance(), 1e-6);
    }

    /** A judge's agreement on real images is its accuracy on them, as evaluate measures it. */
    @Test
    void agreementOnRealImagesIsTheJudgesAccuracy() throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST).samplePerClass(20, 3);
        double[] both = TestSupport.compute(() -> {
            try (Classifier judge = ModelLoader.load(TestSupport.sampleModel("resnet-fashion"), CardOverrides.NONE,
                    ai.djl.Device.cpu())) {
                Legibility.Verdict v = Legibility.judge(judge, test);
                return new double[] {v.agreement(), Evaluator.evaluate(judge, test).accuracy(), v.meanOwnProbability()};
            }
        });
        assertEquals(both[1], both[0], 1e-12);
        assertTrue(both[2] > 0.7 && both[2] <= 1, "mean own-class probability " + both[2]);
    }
}
