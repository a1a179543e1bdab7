package org.dsvstudio.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {

    @TempDir
    Path tmp;

    @Test
    void idxFolderIsDetectedForBothSplits() throws IOException {
        Path dir = tmp.resolve("mnist");
        DataFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), DataFiles.idxImages(3, 4, 3), true);
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), DataFiles.idxLabels(1, 2, 3), true);
        DataFiles.write(dir.resolve("t10k-images-idx3-ubyte"), DataFiles.idxImages(2, 4, 3), false);
        DataFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), DataFiles.idxLabels(4, 5), false);

        ImageDataset train = DatasetLoader.load(dir, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(dir, Split.TEST);

        assertEquals("mnist/train", train.name());
        assertArrayEquals(new int[] {1, 2, 3}, train.labels());
        assertEquals("mnist/test", test.name());
        assertArrayEquals(new int[] {4, 5}, test.labels());
        assertEquals(IdxReader.digits(10), train.classNames());
    }

    @Test
    void idxFolderMissingTheRequestedSplitSaysSo() throws IOException {
        Path dir = tmp.resolve("mnist");
        DataFiles.write(dir.resolve("train-images-idx3-ubyte"), DataFiles.idxImages(1, 2, 2), false);
        DataFiles.write(dir.resolve("train-labels-idx1-ubyte"), DataFiles.idxLabels(1), false);

        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(dir, Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void fashionInTheFolderOrParentNameGivesFashionMnistNames() throws IOException {
        Path direct = tmp.resolve("Fashion-MNIST");
        DataFiles.idxFolder(direct, true, 0, 9);
        Path nested = tmp.resolve("fashion").resolve("raw");
        DataFiles.idxFolder(nested, false, 0, 9);

        assertEquals(DatasetLoader.FASHION_MNIST_CLASSES, DatasetLoader.load(direct, Split.TRAIN).classNames());
        assertEquals("Ankle boot", DatasetLoader.load(nested, Split.TEST).classNames().get(9));
    }

    @Test
    void classesTxtOverridesTheNameHeuristic() throws IOException {
        Path dir = tmp.resolve("fashion-mnist");
        DataFiles.idxFolder(dir, false, 0, 1);
        Files.writeString(dir.resolve("classes.txt"), "zero\n\n one \r\n");

        assertEquals(List.of("zero", "one"), DatasetLoader.load(dir, Split.TRAIN).classNames());
    }

    @Test
    void cifar10InsideItsArchiveFolderIsDetectedWithMetaNames() throws IOException {
        Path dir = tmp.resolve("cifar10");
        Path bin = dir.resolve("cifar-10-batches-bin");
        DataFiles.write(bin.resolve("data_batch_2.bin"), DataFiles.cifarRecords(new int[][] {{2}}, 0), false);
        DataFiles.write(bin.resolve("data_batch_1.bin"), DataFiles.cifarRecords(new int[][] {{1}}, 0), false);
        DataFiles.write(bin.resolve("test_batch.bin"), DataFiles.cifarRecords(new int[][] {{0}, {3}}, 0), false);
        Files.writeString(bin.resolve("batches.meta.txt"), "a\nb\nc\nd\n\n");

        ImageDataset train = DatasetLoader.load(dir, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(dir, Split.TEST);

        assertEquals("cifar10/train", train.name());
        assertArrayEquals(new int[] {1, 2}, train.labels());
        assertEquals(List.of("a", "b", "c", "d"), train.classNames());
        assertArrayEquals(new int[] {0, 3}, test.labels());
    }

    @Test
    void cifar10WithoutNamesFileUsesTheStandardNamesAndClassesTxtWins() throws IOException {
        Path dir = tmp.resolve("c");
        DataFiles.write(dir.resolve("test_batch.bin"), DataFiles.cifarRecords(new int[][] {{1}}, 0), false);
        assertEquals(CifarReader.CIFAR10_CLASSES, DatasetLoader.load(dir, Split.TEST).classNames());

        Files.writeString(dir.resolve("batches.meta.txt"), "x\ny\n");
        Files.writeString(dir.resolve("classes.txt"), "p\nq\n");
        assertEquals(List.of("p", "q"), DatasetLoader.load(dir, Split.TEST).classNames());
    }

    @Test
    void cifar100IsDetectedWithFineLabelNames() throws IOException {
        Path dir = tmp.resolve("c100");
        Path bin = dir.resolve("cifar-100-binary");
        DataFiles.write(bin.resolve("train.bin"), DataFiles.cifarRecords(new int[][] {{0, 1}}, 0), false);
        DataFiles.write(bin.resolve("test.bin"), DataFiles.cifarRecords(new int[][] {{0, 99}}, 0), false);

        ImageDataset test = DatasetLoader.load(dir, Split.TEST);
        assertArrayEquals(new int[] {99}, test.labels());
        assertEquals("99", test.classNames().get(99));

        Files.writeString(bin.resolve("fine_label_names.txt"), "apple\nbaby\n");
        assertEquals(List.of("apple", "baby"), DatasetLoader.load(dir, Split.TRAIN).classNames());
    }

    @Test
    void imageFolderWithTrainAndTestSubfoldersReadsTheSplit() throws IOException {
        Path dir = tmp.resolve("pets");
        DataFiles.png(dir.resolve("train/cat/1.png"), DataFiles.gray(2, 2, 1));
        DataFiles.png(dir.resolve("train/dog/1.png"), DataFiles.gray(2, 2, 2));
        DataFiles.png(dir.resolve("test/cat/1.png"), DataFiles.gray(2, 2, 3));

        ImageDataset train = DatasetLoader.load(dir, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(dir, Split.TEST);

        assertEquals("pets/train", train.name());
        assertEquals(List.of("cat", "dog"), train.classNames());
        assertEquals(List.of("cat"), test.classNames());
        assertEquals(3, test.pixels()[0]);
    }

    @Test
    void plainImageFolderServesBothSplits() throws IOException {
        Path dir = tmp.resolve("shapes");
        DataFiles.png(dir.resolve("circle/1.png"), DataFiles.gray(2, 2, 1));
        DataFiles.png(dir.resolve("square/1.png"), DataFiles.gray(2, 2, 2));

        ImageDataset train = DatasetLoader.load(dir, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(dir, Split.TEST);

        assertEquals(List.of("circle", "square"), train.classNames());
        assertEquals("shapes/test", test.name());
        assertArrayEquals(train.pixels(), test.pixels());
    }

    @Test
    void folderWithNothingRecognizableGivesOneClearLine() throws IOException {
        Files.writeString(tmp.resolve("readme.txt"), "hi");

        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(tmp, Split.TRAIN));
        assertTrue(e.getMessage().startsWith("no IDX, CIFAR binary or image-folder data found in " + tmp),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingFolderOrFileIsRejected() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThrows(DataFormatException.class, () -> DatasetLoader.load(tmp.resolve("nope"), Split.TRAIN));
        assertThrows(DataFormatException.class, () -> DatasetLoader.load(file, Split.TRAIN));
    }

    @Test
    void defaultDataDirEndsWithTheDataSetName() {
        Path dir = DatasetLoader.defaultDataDir("fashion-mnist");

        assertEquals("fashion-mnist", dir.getFileName().toString());
        String env = System.getenv("DSV_DATA");
        Path base = env == null || env.isBlank() ? Path.of("data") : Path.of(env);
        assertEquals(base, dir.getParent());
    }
}
