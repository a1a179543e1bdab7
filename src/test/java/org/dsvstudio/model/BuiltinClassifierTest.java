package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuiltinClassifierTest {

    private static ModelCard card(String arch, Integer width) {
        return new ModelCard("t", arch, width, BuiltinClassifier.WEIGHTS_FILE, new int[] {1, 28, 28},
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.5}, new double[] {0.25},
                null, null, null, null, null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"convnet", "convnet-bn", "resnet8", "resnet20", "resnet18", "vgg", "mlp"})
    void aSavedBuiltinModelLoadsBackWithIdenticalLogits(String arch, @TempDir Path dir) throws Exception {
        ModelCard card = card(arch, arch.startsWith("convnet") ? 16 : null);
        float[][] both = compute(() -> {
            float[] before;
            try (BuiltinClassifier c = BuiltinClassifier.create(card, Device.cpu(), 3);
                    NDManager m = c.manager().newSubManager()) {
                NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
                before = c.logits(x, false).toFloatArray();
                c.save(dir, card);
                try (Classifier loaded = ModelLoader.load(dir, CardOverrides.NONE, Device.cpu())) {
                    assertEquals(c.parameterCount(), loaded.parameterCount());
                    return new float[][] {before, loaded.logits(x, false).toFloatArray()};
                }
            }
        });
        assertEquals(20, both[0].length);
        assertArrayEquals(both[0], both[1], 0f);
        assertTrue(Files.isRegularFile(dir.resolve("model.json")));
    }

    /** The ConvNet's size follows from its definition: 3 × (conv 3×3 + bias, norm γ β), then linear. */
    @Test
    void convNetHasTheParameterCountOfItsDefinition() throws Exception {
        long count = compute(() -> {
            try (BuiltinClassifier c = BuiltinClassifier.create(card("convnet", 64), Device.cpu(), 1)) {
                return c.parameterCount();
            }
        });
        long conv1 = 64 * 9 + 64;
        long conv23 = 2 * (64 * 64 * 9 + 64);
        long norms = 3 * 2 * 64;
        long linear = 64 * 3 * 3 * 10 + 10;
        assertEquals(conv1 + conv23 + norms + linear, count);
    }

    @Test
    void anUnknownArchitectureInACardIsAClearError(@TempDir Path dir) throws Exception {
        new ModelCard("x", "vgg99", null, "weights.params", new int[] {1, 28, 28}, List.of("a", "b"),
                new double[] {0}, new double[] {1}, null, null, null, null, null, null).write(dir.resolve("model.json"));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(dir, CardOverrides.NONE, Device.cpu())));
        assertTrue(e.getMessage().contains("unknown architecture 'vgg99'"), e.getMessage());
    }

    @Test
    void aGarbledCardIsAClearError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model.json"), "{ \"name\": \"x\", \"inputShape\": [1, 28");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(dir, CardOverrides.NONE, Device.cpu())));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    @Test
    void truncatedWeightsAreAClearError(@TempDir Path dir) throws Exception {
        ModelCard card = card("convnet", 8);
        compute(() -> {
            try (BuiltinClassifier c = BuiltinClassifier.create(card, Device.cpu(), 1)) {
                c.save(dir, card);
            }
            return null;
        });
        Path weights = dir.resolve(BuiltinClassifier.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(dir, CardOverrides.NONE, Device.cpu())));
        assertTrue(e.getMessage().startsWith("cannot read weights"), e.getMessage());
    }
}
