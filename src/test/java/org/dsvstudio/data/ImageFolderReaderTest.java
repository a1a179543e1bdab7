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

class ImageFolderReaderTest {

    @TempDir
    Path root;

    @Test
    void grayImagesGiveOneChannelWithExactLevels() throws IOException {
        DataFiles.png(root.resolve("b/x.png"), DataFiles.gray(3, 2, 200));
        DataFiles.png(root.resolve("a/2.png"), DataFiles.gray(3, 2, 100));
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(3, 2, 7));

        ImageDataset data = ImageFolderReader.read(root, "f");

        assertEquals(List.of("a", "b"), data.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, data.labels());
        assertEquals(1, data.channels());
        assertEquals(2, data.height());
        assertEquals(3, data.width());
        assertEquals(7, data.pixels()[0] & 0xFF);
        assertEquals(100, data.pixels()[6] & 0xFF);
        assertEquals(200, data.pixels()[17] & 0xFF);
    }

    @Test
    void oneRgbImageMakesThreeChannelsAndGrayIsExpanded() throws IOException {
        DataFiles.png(root.resolve("a/gray.png"), DataFiles.gray(2, 2, 50));
        DataFiles.png(root.resolve("b/color.png"), DataFiles.rgb(2, 2, 0x102030));

        ImageDataset data = ImageFolderReader.read(root, "f");

        assertEquals(3, data.channels());
        byte[] p = data.pixels();
        for (int c = 0; c < 3; c++) {
            assertEquals(50, p[c * 4] & 0xFF, "gray channel " + c);
        }
        assertEquals(0x10, p[12] & 0xFF);
        assertEquals(0x20, p[12 + 4] & 0xFF);
        assertEquals(0x30, p[12 + 8] & 0xFF);
    }

    /** A stray 1×1 image sorted first once shrank every image of the folder to one pixel. */
    @Test
    void imagesOfAnotherSizeAreResizedToTheSizeMostImagesHave() throws IOException {
        DataFiles.png(root.resolve("a/0.png"), DataFiles.gray(1, 1, 10));
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(4, 3, 50));
        DataFiles.png(root.resolve("b/2.png"), DataFiles.gray(4, 3, 90));

        ImageDataset data = ImageFolderReader.read(root, "f");

        assertEquals(3, data.height());
        assertEquals(4, data.width());
        assertEquals(3 * 12, data.pixels().length);
        for (int k = 0; k < 12; k++) {
            assertEquals(10, data.pixels()[k] & 0xFF, "the 1×1 image, enlarged");
            assertEquals(90, data.pixels()[24 + k] & 0xFF);
        }
    }

    @Test
    void whenSizesAreEquallyCommonTheLargerWins() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(4, 3, 10));
        DataFiles.png(root.resolve("a/2.png"), DataFiles.gray(8, 6, 90));

        ImageDataset data = ImageFolderReader.read(root, "f");

        assertEquals(6, data.height());
        assertEquals(8, data.width());
    }

    @Test
    void aTruncatedPngIsRefusedInsteadOfReadAsBlackRows() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(16, 16, 120));
        byte[] whole = Files.readAllBytes(root.resolve("a/1.png"));
        Files.write(root.resolve("a/1.png"), java.util.Arrays.copyOf(whole, whole.length - 16));

        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, "f"));
        assertTrue(e.getMessage().contains("a PNG cut off before its end"), e.getMessage());
    }

    @Test
    void imageFoldersAreMarkedAsNamedByTheirFolders() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(2, 2, 1));
        assertTrue(ImageFolderReader.read(root, "f").namedByFolders());
    }

    @Test
    void hiddenFilesAndFoldersAreIgnored() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(2, 2, 1));
        Files.writeString(root.resolve("a/.DS_Store"), "junk");
        Files.createDirectories(root.resolve(".cache"));

        ImageDataset data = ImageFolderReader.read(root, "f");

        assertEquals(1, data.size());
        assertEquals(List.of("a"), data.classNames());
    }

    @Test
    void nonImageFileIsRejectedByName() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(2, 2, 1));
        Files.writeString(root.resolve("a/notes.txt"), "hello");

        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, "f"));
        assertTrue(e.getMessage().startsWith("not an image: ") && e.getMessage().contains("notes.txt"),
                e.getMessage());
    }

    @Test
    void emptyClassFolderIsRejectedByName() throws IOException {
        DataFiles.png(root.resolve("a/1.png"), DataFiles.gray(2, 2, 1));
        Files.createDirectories(root.resolve("lonely"));

        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, "f"));
        assertTrue(e.getMessage().contains("'lonely'"), e.getMessage());
    }

    @Test
    void folderWithoutClassFoldersIsRejected() throws IOException {
        DataFiles.png(root.resolve("1.png"), DataFiles.gray(2, 2, 1));

        assertThrows(DataFormatException.class, () -> ImageFolderReader.read(root, "f"));
    }
}
