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
            "convnet-mnist, mnist, 0.985"})
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
        assertEquals(card.testAccuracy(), result.accuracy(), 0.01, name + " accuracy on 2000 test images");
    }
}
