package org.dsvstudio.data;

import org.dsvstudio.TestSupport;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.train.Evaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassMatchTest {

    private static ImageDataset data(List<String> names, int[] labels, boolean byFolders) {
        return new ImageDataset("d", new byte[labels.length], labels, 1, 1, 1, names, byFolders);
    }

    @Test
    void folderNamesAreMatchedByNameIgnoringCaseAndSlashes() throws IOException {
        // sorted folder order: Bag, T-shirt_top, trouser; the model's: T-shirt/top, Trouser, Pullover, Bag
        ImageDataset folders = data(List.of("Bag", "T-shirt_top", "trouser"), new int[] {0, 1, 2, 2}, true);
        ImageDataset aligned = ClassMatch.toModel(folders, List.of("T-shirt/top", "Trouser", "Pullover", "Bag"),
                Map.of());
        assertArrayEquals(new int[] {3, 0, 1, 1}, aligned.labels());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Bag"), aligned.classNames());
    }

    @Test
    void unmatchedFoldersAreRefusedWithBothLists() {
        ImageDataset folders = data(List.of("cat", "Trouser"), new int[] {0, 1}, true);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ClassMatch.toModel(folders, List.of("T-shirt/top", "Trouser"), Map.of()));
        assertEquals("the data's classes do not match the model's: no model class for 'cat'. The data has 'cat',"
                + " 'Trouser'; the model has 'T-shirt/top', 'Trouser'. Name each class folder after a model class, or"
                + " map them with --class-map FILE (one 'folder = model class' per line)", e.getMessage());
    }

    @Test
    void aMappingNamesTheModelClassOfEachFolder(@TempDir Path dir) throws IOException {
        Path map = dir.resolve("map.txt");
        Files.writeString(map, "# mine\nkitty = B\n\n doggy=A \n");
        ImageDataset folders = data(List.of("doggy", "kitty"), new int[] {0, 1}, true);
        ImageDataset aligned = ClassMatch.toModel(folders, List.of("A", "B"), ClassMatch.readMapping(map));
        assertArrayEquals(new int[] {0, 1}, aligned.labels());
        Files.writeString(map, "kitty = B\nkitty = A\n");
        assertTrue(assertThrows(DataFormatException.class, () -> ClassMatch.readMapping(map)).getMessage()
                .contains("line 2 maps 'kitty' a second time"));
    }

    @Test
    void numberedLabelsKeepTheirPositionAndInOrderNamesAreUntouched() throws IOException {
        ImageDataset idx = data(List.of("0", "1"), new int[] {1, 0}, false);
        assertSame(idx, ClassMatch.toModel(idx, List.of("cat", "dog"), Map.of()));
        ImageDataset folders = data(List.of("cat", "dog"), new int[] {1, 0}, true);
        assertSame(folders, ClassMatch.toModel(folders, List.of("cat", "dog"), Map.of()));
        assertTrue(assertThrows(DataFormatException.class, () -> ClassMatch.toModel(
                data(List.of("0", "1", "2"), new int[] {2}, false), List.of("a", "b"), Map.of())).getMessage()
                .contains("the data has 3 classes but the model only 2"));
    }

    /**
     * Real Fashion-MNIST test images in folders named after the model's classes: matched by position (the sorted
     * folder order), a 91 % model once scored 37.5 %; matched by name it scores its own accuracy.
     */
    @Test
    void realImagesInNamedFoldersEvaluateAtTheModelsAccuracy(@TempDir Path dir) throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST).firstPerClass(40);
        for (int i = 0; i < test.size(); i++) {
            String folder = test.classNames().get(test.label(i)).replace('/', '_');
            DataFiles.png(dir.resolve(folder).resolve(i + ".png"), Images.toBufferedImage(test.image01(i), 1, 28, 28));
        }
        ImageDataset folders = DatasetLoader.load(dir, Split.TEST);
        assertTrue(folders.namedByFolders());
        double[] accuracy = TestSupport.compute(() -> {
            try (Classifier c = ModelLoader.load(TestSupport.sampleModel("convnet-fashion"), CardOverrides.NONE,
                    ai.djl.Device.cpu())) {
                return new double[] {
                    Evaluator.evaluate(c, ClassMatch.toModel(folders, c.card().classNames(), Map.of())).accuracy(),
                    Evaluator.evaluate(c, test).accuracy()};
            }
        });
        assertEquals(accuracy[1], accuracy[0], 1e-9, "by name = the IDX figure");
        assertTrue(accuracy[0] > 0.85, "accuracy " + accuracy[0]);
    }
}
