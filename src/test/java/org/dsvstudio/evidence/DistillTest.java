package org.dsvstudio.evidence;

import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Images;
import org.dsvstudio.data.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** distill's image sets and its training on real images. */
class DistillTest {

    static ImageDataset fashionTrain;
    static ImageDataset fashionTest;

    @BeforeAll
    static void load() throws Exception {
        fashionTrain = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TRAIN);
        fashionTest = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
    }

    @Test
    void randomKDrawsExactlyKPerClassReproducibly() throws Exception {
        ImageDataset a = DistillSet.resolve("random:3", fashionTrain, 7, null);
        ImageDataset b = DistillSet.resolve("random:3", fashionTrain, 7, null);
        ImageDataset c = DistillSet.resolve("random:3", fashionTrain, 8, null);
        assertEquals(30, a.size());
        int[] counts = a.classCounts();
        for (int count : counts) {
            assertEquals(3, count);
        }
        assertArrayEquals(a.pixels(), b.pixels(), "same seed, same images");
        assertFalse(Arrays.equals(a.pixels(), c.pixels()), "another seed, other images");
        // every drawn image is a real training image of its class
        int[] idx = fashionTrain.samplePerClassIndices(3, 7);
        for (int j = 0; j < idx.length; j++) {
            assertEquals(fashionTrain.label(idx[j]), a.label(j));
            assertArrayEquals(fashionTrain.image01(idx[j]), a.image01(j));
        }
        assertThrows(IllegalArgumentException.class, () -> DistillSet.resolve("random:0", fashionTrain, 1, null));
        assertThrows(IllegalArgumentException.class, () -> DistillSet.resolve("random:x", fashionTrain, 1, null));
        assertThrows(IllegalArgumentException.class, () -> DistillSet.resolve("random:7000", fashionTrain, 1, null));
    }

    @Test
    void rankingRoundTripsAndGivesTheTopLambdaPerClass(@TempDir Path dir) throws Exception {
        List<LambdaRanking.Entry> entries = List.of(new LambdaRanking.Entry(5, 1, 0.2),
                new LambdaRanking.Entry(9, 0, 0.9), new LambdaRanking.Entry(2, 0, 0.1),
                new LambdaRanking.Entry(4, 1, 0.7), new LambdaRanking.Entry(3, 0, 0.5));
        LambdaRanking r = new LambdaRanking("m", "d", 10, "COSINE", List.of("last:4"), entries);
        Path file = dir.resolve("ranking.json");
        r.write(file);
        LambdaRanking back = LambdaRanking.read(file);
        assertEquals(r, back);
        assertEquals(List.of(9, 3, 2, 4, 5), back.entries().stream().map(LambdaRanking.Entry::index).toList());
        assertArrayEquals(new int[] {4, 9}, back.topPerClass(1, 2));
        assertArrayEquals(new int[] {3, 4, 5, 9}, back.topPerClass(2, 2));
        assertThrows(IllegalArgumentException.class, () -> back.topPerClass(4, 2));
        Files.writeString(dir.resolve("bad.json"), "{\"entries\": [");
        assertThrows(org.dsvstudio.data.DataFormatException.class, () -> LambdaRanking.read(dir.resolve("bad.json")));
    }

    @Test
    void aGenerateFolderGivesItsKeptDsvsWithTheirClasses(@TempDir Path dir) throws Exception {
        // a folder in generate's layout, made of real test images: two kept, one removed
        int[] picks = {0, 1, 2};
        StringBuilder json = new StringBuilder("{\"dsvs\": [");
        for (int j = 0; j < picks.length; j++) {
            String file = "dsv-" + j + ".png";
            ImageIO.write(Images.toBufferedImage(fashionTest.image01(picks[j]), 1, 28, 28), "png",
                    dir.resolve(file).toFile());
            json.append(j > 0 ? "," : "").append(String.format("{\"class\": %d, \"removed\": %b, \"image\": \"%s\"}",
                    fashionTest.label(picks[j]), j == 1, file));
        }
        Files.writeString(dir.resolve("dsvs.json"), json.append("]}").toString());
        ImageDataset set = DistillSet.resolve(dir.toString(), fashionTrain, 0, null);
        assertEquals(2, set.size());
        assertEquals(fashionTest.label(0), set.label(0));
        assertEquals(fashionTest.label(2), set.label(1));
        assertArrayEquals(fashionTest.image01(2), set.image01(1), "8-bit PNG pixels come back exactly");
        assertThrows(IllegalArgumentException.class,
                () -> DistillSet.resolve(dir.resolve("missing").toString(), fashionTrain, 0, null));
    }

    @Test
    void aFreshNetworkTrainedOnTenRealImagesOfTwoClassesBeatsChance(@TempDir Path dir) throws Exception {
        // two well separated classes (Trouser, Bag), 5 training images each, 200 test images each
        Path data = dir.resolve("two-classes");
        writeClasses(data.resolve("train"), fashionTrain, Map.of(1, "trouser", 8, "bag"), 5);
        writeClasses(data.resolve("test"), fashionTest, Map.of(1, "trouser", 8, "bag"), 200);
        ImageDataset train = DatasetLoader.load(data, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(data, Split.TEST);
        Distiller.Recipe recipe = new Distiller.Recipe("convnet", 16, 60, 256, 1e-3, 0, 2);
        Distiller.Report report = TestSupport.compute(() -> Distiller.run("random:5", train, test, null, recipe, 2, 0,
                "two-classes", TestSupport.engine().device(), Map.of(), (i, n, f) -> { }, () -> false, r -> { }));
        assertEquals(2, report.seeds().size());
        assertEquals(400, report.testImages());
        for (Distiller.SeedResult s : report.seeds()) {
            assertEquals(10, s.trainImages());
            assertTrue(s.accuracy() > 0.8, "chance is 0.5, got " + s.accuracy());
        }
        assertTrue(report.std() >= 0);
    }

    private static void writeClasses(Path root, ImageDataset source, Map<Integer, String> classes, int perClass)
            throws Exception {
        for (var e : classes.entrySet()) {
            Path dir = Files.createDirectories(root.resolve(e.getValue()));
            int written = 0;
            for (int i = 0; i < source.size() && written < perClass; i++) {
                if (source.label(i) == e.getKey()) {
                    ImageIO.write(Images.toBufferedImage(source.image01(i), 1, 28, 28), "png",
                            dir.resolve(String.format("%04d.png", written++)).toFile());
                }
            }
        }
    }
}
