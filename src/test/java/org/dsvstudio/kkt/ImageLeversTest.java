package org.dsvstudio.kkt;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.model.ModelCard;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageLeversTest {

    private static final ModelCard RGB = new ModelCard("t", "torchscript", null, "m.pt", new int[] {3, 4, 5},
            List.of("a", "b"), new double[] {0.2, 0.5, 0.7}, new double[] {0.3, 0.25, 0.1}, null, null, null, null,
            null, null);

    private static double[] pixels(float[] x, int image) {
        int size = 60;
        double[] p = new double[size];
        for (int j = 0; j < size; j++) {
            p[j] = x[image * size + j] * RGB.stdOf(j / 20) + RGB.meanOf(j / 20);
        }
        return p;
    }

    /** The step has L2 length `length` in pixel units and points along −∂L/∂p = −g/std (per channel). */
    @Test
    void anL2StepHasItsLengthInPixelsAlongThePixelGradient() {
        Random random = new Random(1);
        float[] x = new float[120];
        float[] g = new float[120];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) random.nextGaussian();
            g[j] = (float) random.nextGaussian();
        }
        float[] before = x.clone();
        ImageLevers.l2Step(x, g, new boolean[] {false, true}, RGB, 0.5);
        double[] a = pixels(before, 0);
        double[] b = pixels(x, 0);
        double len = 0;
        double dot = 0;
        double gn = 0;
        for (int j = 0; j < 60; j++) {
            double d = b[j] - a[j];
            double gp = g[j] / RGB.stdOf(j / 20);
            len += d * d;
            dot += d * gp;
            gn += gp * gp;
        }
        assertEquals(0.5, Math.sqrt(len), 1e-5);
        assertEquals(-1.0, dot / Math.sqrt(len * gn), 1e-5, "cosine with the pixel gradient");
        for (int j = 60; j < 120; j++) {
            assertEquals(before[j], x[j], "a removed candidate does not move");
        }
    }

    @Test
    void contrastBelowTheFloorIsStretchedAboutTheMeanAndAboveItIsLeft() {
        float[] x = new float[120];
        for (int j = 0; j < 60; j++) {
            double p = 0.5 + (j % 2 == 0 ? 0.05 : -0.05); // std 0.05 around 0.5
            x[j] = (float) ((p - RGB.meanOf(j / 20)) / RGB.stdOf(j / 20));
            double q = j % 2 == 0 ? 0.9 : 0.1; // std 0.4
            x[60 + j] = (float) ((q - RGB.meanOf(j / 20)) / RGB.stdOf(j / 20));
        }
        float[] wide = java.util.Arrays.copyOfRange(x, 60, 120);
        ImageLevers.keepContrast(x, new boolean[] {false, false}, RGB, 0.3);
        double[] p = pixels(x, 0);
        for (int j = 0; j < 60; j++) {
            assertEquals(j % 2 == 0 ? 0.8 : 0.2, p[j], 1e-5);
        }
        for (int j = 0; j < 60; j++) {
            assertEquals(wide[j], x[60 + j]);
        }
    }

    @Test
    void blurKeepsAConstantAndSpreadsAnImpulseLikeAGaussian() {
        float[] constant = new float[2 * 9 * 9];
        java.util.Arrays.fill(constant, 3f);
        ImageLevers.blur(constant, 2, 9, 9, 1.5);
        for (float v : constant) {
            assertEquals(3f, v, 1e-5f);
        }
        float[] impulse = new float[15 * 15];
        impulse[7 * 15 + 7] = 1f;
        ImageLevers.blur(impulse, 1, 15, 15, 1.0);
        double sum = 0;
        for (float v : impulse) {
            sum += v;
        }
        // far from the border the blur conserves the total; neighbours fall off as exp(−d²/2σ²)
        assertEquals(1.0, sum, 1e-4);
        assertEquals(Math.exp(-0.5), impulse[7 * 15 + 8] / impulse[7 * 15 + 7], 1e-4);
        assertEquals(Math.exp(-1.0), impulse[8 * 15 + 8] / impulse[7 * 15 + 7], 1e-4);
    }

    @Test
    void leversTravelInTheConfigJsonAndBadValuesNameTheField() throws Exception {
        KktConfig config = KktPresets.get("quick").toBuilder().levers(new Levers("l2", 0.2, 1.0)).build().validate();
        ObjectMapper json = new ObjectMapper();
        KktConfig back = json.readValue(json.writeValueAsString(config), KktConfig.class);
        assertEquals(config, back);
        com.fasterxml.jackson.databind.node.ObjectNode saved = json.valueToTree(KktPresets.get("quick"));
        saved.remove("levers");
        KktConfig old = json.treeToValue(saved, KktConfig.class);
        assertEquals(Levers.NONE, old.leversOrNone(), "a config saved before the levers existed");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Levers("sgd", 0, 0).validate())
                .getMessage().contains("imageStep"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Levers("adam", 0.9, 0).validate())
                .getMessage().contains("contrastFloor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Levers("adam", 0, -1).validate())
                .getMessage().contains("gradientBlur"));
    }
}
