package org.dsvstudio.model;

import ai.djl.Device;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.train.EvalResult;
import org.dsvstudio.train.Evaluator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed sample models are what their cards say: accuracy, size, provenance. */
class SampleModelsTest {

    @ParameterizedTest
    @CsvSource({"convnet-fashion, fashion-mnist, 0.90", "resnet-fashion, fashion-mnist, 0.89",
            "convnet-mnist, mnist, 0.985", "robust-fashion, fashion-mnist, 0.78", "judges/fashion-mlp, fashion-mnist, 0.85",
            "judges/fashion-vgg, fashion-mnist, 0.88", "judges/mnist-mlp, mnist, 0.97", "judges/mnist-vgg, mnist, 0.98"})
    void eachSampleModelMatchesItsCardOn2000TestImages(String name, String data, double target) throws Exception {
        Path folder = TestSupport.sampleModel(name);
        ModelCard card = ModelLoader.readCard(folder.resolve(ModelCard.FILE_NAME));
        assertNotNull(card.provenance(), "card records how the model was trained");
        assertTrue(card.provenance().command().startsWith("dsv-studio train "), card.provenance().command());
        assertTrue(card.provenance().weightDecay() > 0, "trained with explicit weight decay");
        assertEquals(10_000, card.testSamples(), "card accuracy is measured on the full test split");
        assertTrue(card.testAccuracy() >= target, name + " card accuracy " + card.testAccuracy() + " < " + target);
        long bytes;
        try (var files = Files.list(folder)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(bytes < 5_000_000, name + " is " + bytes + " bytes");

        ImageDataset test = DatasetLoader.load(TestSupport.realData(data), Split.TEST).firstPerClass(200);
        EvalResult result = TestSupport.compute(() -> {
            try (Classifier c = ModelLoader.load(folder, CardOverrides.NONE, Device.cpu())) {
                return Evaluator.evaluate(c, test);
            }
        });
        assertEquals(2000, result.samples());
        System.out.printf("%s: %.2f %% on 2000 test images, card %.2f %%%n", name, 100 * result.accuracy(),
                100 * card.testAccuracy());
        // 2000 images measure an accuracy near 90 % to ±0.7 points (one standard error): 1.5 points is about 2σ
        assertEquals(card.testAccuracy(), result.accuracy(), 0.015, name + " accuracy on 2000 test images");
    }

    /**
     * The robust sample is robust: under the attack its card names (PGD L2 ε 1.5, 4 steps), on 500 test images it
     * keeps most of its card's robust accuracy, while the standard ConvNet of the same data collapses.
     */
    @org.junit.jupiter.api.Test
    void theRobustSampleKeepsItsRobustAccuracyAndTheStandardOneDoesNot() throws Exception {
        ModelCard card = ModelLoader.readCard(TestSupport.sampleModel("robust-fashion").resolve(ModelCard.FILE_NAME));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> robust = (java.util.Map<String, Object>) card.extra().get("robustAccuracy");
        assertEquals("PGD L2 ε 1.5, 4 steps of 0.9375", robust.get("attack"));
        double cardRobust = ((Number) robust.get("accuracy")).doubleValue();
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST).firstPerClass(50);
        org.dsvstudio.train.Adversary attack = org.dsvstudio.train.Adversary.of("l2", 1.5, 4);
        double[] acc = TestSupport.compute(() -> {
            double[] out = new double[2];
            String[] names = {"robust-fashion", "convnet-fashion"};
            for (int i = 0; i < 2; i++) {
                try (Classifier c = ModelLoader.load(TestSupport.sampleModel(names[i]), CardOverrides.NONE,
                        Device.cpu())) {
                    out[i] = Evaluator.robust(c, test, attack, 1, f -> { }, () -> false).accuracy();
                }
            }
            return out;
        });
        System.out.printf("robust accuracy on 500 test images: robust-fashion %.3f (card %.3f), convnet-fashion %.3f%n",
                acc[0], cardRobust, acc[1]);
        assertEquals(cardRobust, acc[0], 0.06, "robust-fashion under its card's attack");
        assertTrue(acc[1] < 0.5 * acc[0], "the standard model should fall far lower: " + acc[1]);
    }
}
