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

class CifarReaderTest {

    @TempDir
    Path dir;

    @Test
    void cifar10BatchesAreConcatenatedWithPlanesInRgbOrder() throws IOException {
        Path first = DataFiles.write(dir.resolve("data_batch_1.bin"),
                DataFiles.cifarRecords(new int[][] {{6}, {9}}, 0), false);
        Path second = DataFiles.write(dir.resolve("data_batch_2.bin"),
                DataFiles.cifarRecords(new int[][] {{1}}, 2), false);

        ImageDataset data = CifarReader.readCifar10(List.of(first, second), "c10", null);

        assertEquals(3, data.size());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(32, data.width());
        assertArrayEquals(new int[] {6, 9, 1}, data.labels());
        assertEquals(CifarReader.CIFAR10_CLASSES, data.classNames());
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        assertEquals(DataFiles.cifarPixel(i, c, y, x),
                                data.pixels()[i * 3072 + c * 1024 + y * 32 + x]);
                    }
                }
            }
        }
    }

    @Test
    void cifar100UsesTheFineLabel() throws IOException {
        Path file = DataFiles.write(dir.resolve("train.bin"),
                DataFiles.cifarRecords(new int[][] {{4, 87}, {19, 2}}, 0), false);

        ImageDataset data = CifarReader.readCifar100(List.of(file), "c100", null);

        assertArrayEquals(new int[] {87, 2}, data.labels());
        assertEquals(100, data.numClasses());
        assertEquals(DataFiles.cifarPixel(1, 2, 31, 31), data.pixels()[2 * 3072 - 1]);
    }

    @Test
    void lengthThatIsNotAWholeNumberOfRecordsIsRejected() throws IOException {
        byte[] records = DataFiles.cifarRecords(new int[][] {{1}, {2}}, 0);
        Path file = DataFiles.write(dir.resolve("broken.bin"), Arrays.copyOf(records, records.length - 1), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.readCifar10(List.of(file), "c10", null));
        assertTrue(e.getMessage().contains("broken.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("3073"), e.getMessage());
        assertTrue(e.getMessage().contains("6145"), e.getMessage());
    }

    @Test
    void cifar10FileReadAsCifar100IsRejectedByLength() throws IOException {
        Path file = DataFiles.write(dir.resolve("c10.bin"), DataFiles.cifarRecords(new int[][] {{1}}, 0), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.readCifar100(List.of(file), "c100", null));
        assertTrue(e.getMessage().contains("3074"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        Path file = DataFiles.write(dir.resolve("bad-label.bin"),
                DataFiles.cifarRecords(new int[][] {{1}, {10}}, 0), false);

        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CifarReader.readCifar10(List.of(file), "c10", null));
        assertTrue(e.getMessage().contains("bad-label.bin") && e.getMessage().contains("record 1"), e.getMessage());
    }
}
