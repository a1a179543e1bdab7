package org.dsvstudio.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzipped = {0}")
    @ValueSource(booleans = {false, true})
    void rawAndGzippedFilesRoundTripExactly(boolean gzip) throws IOException {
        int[] labels = {3, 0, 9, 3, 7};
        Path images = DataFiles.write(dir.resolve("imgs"), DataFiles.idxImages(5, 4, 3), gzip);
        Path labelFile = DataFiles.write(dir.resolve("lbls"), DataFiles.idxLabels(labels), gzip);

        ImageDataset data = IdxReader.read(images, labelFile, "t", null);

        assertEquals(5, data.size());
        assertEquals(1, data.channels());
        assertEquals(4, data.height());
        assertEquals(3, data.width());
        assertArrayEquals(labels, data.labels());
        assertEquals(IdxReader.digits(10), data.classNames());
        byte[] expected = Arrays.copyOfRange(DataFiles.idxImages(5, 4, 3), 16, 16 + 5 * 12);
        assertArrayEquals(expected, data.pixels());
    }

    @Test
    void givenClassNamesAreUsed() throws IOException {
        Path images = DataFiles.write(dir.resolve("i"), DataFiles.idxImages(2, 2, 2), false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(1, 0), false);

        ImageDataset data = IdxReader.read(images, labels, "t", List.of("cat", "dog"));

        assertEquals(List.of("cat", "dog"), data.classNames());
        assertEquals(1, data.label(0));
    }

    @Test
    void labelsAboveNineGetMoreDigitNames() throws IOException {
        Path images = DataFiles.write(dir.resolve("i"), DataFiles.idxImages(2, 2, 2), false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(12, 0), false);

        assertEquals(13, IdxReader.read(images, labels, "t", null).numClasses());
    }

    @Test
    void labelBeyondGivenClassNamesIsRejected() throws IOException {
        Path images = DataFiles.write(dir.resolve("i"), DataFiles.idxImages(2, 2, 2), false);
        Path labels = DataFiles.write(dir.resolve("my-labels"), DataFiles.idxLabels(2, 0), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", List.of("a", "b")));
        assertTrue(e.getMessage().contains("my-labels"), e.getMessage());
    }

    @Test
    void wrongMagicNamesTheFile() throws IOException {
        // A label file where the image file should be: magic 0x801 instead of 0x803.
        Path images = DataFiles.write(dir.resolve("swapped.gz"), DataFiles.idxLabels(1, 2), true);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(1, 2), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", null));
        assertTrue(e.getMessage().contains("swapped.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void truncatedBodyNamesTheFile() throws IOException {
        byte[] full = DataFiles.idxImages(3, 4, 4);
        Path images = DataFiles.write(dir.resolve("cut-images"), Arrays.copyOf(full, full.length - 5), false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(1, 2, 3), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", null));
        assertTrue(e.getMessage().contains("cut-images"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        Path images = DataFiles.write(dir.resolve("tiny"), new byte[] {0, 0, 8}, false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(1), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", null));
        assertTrue(e.getMessage().contains("tiny"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = DataFiles.idxImages(2, 2, 2);
        Path images = DataFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 1), false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(1, 2), false);

        assertThrows(DataFormatException.class, () -> IdxReader.read(images, labels, "t", null));
    }

    @Test
    void imageAndLabelCountMismatchIsRejected() throws IOException {
        Path images = DataFiles.write(dir.resolve("i"), DataFiles.idxImages(3, 2, 2), false);
        Path labels = DataFiles.write(dir.resolve("short-labels"), DataFiles.idxLabels(1, 2), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", null));
        assertTrue(e.getMessage().contains("short-labels"), e.getMessage());
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @ParameterizedTest(name = "rows = {0}")
    @ValueSource(ints = {0, 10_001})
    void zeroOrAbsurdDimensionsAreRejected(int rows) throws IOException {
        byte[] header = DataFiles.idxImages(0, 1, 1);
        header[11] = (byte) rows;
        header[10] = (byte) (rows >> 8);
        Path images = DataFiles.write(dir.resolve("dims"), header, false);
        Path labels = DataFiles.write(dir.resolve("l"), DataFiles.idxLabels(), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(images, labels, "t", null));
        assertTrue(e.getMessage().contains("dims"), e.getMessage());
    }
}
