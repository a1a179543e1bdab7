package org.dsvstudio.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageConversionTest {

    private static ImageDataset one(byte[] pixels, int c, int h, int w) {
        return new ImageDataset("d/train", pixels, new int[] {1}, c, h, w, List.of("a", "b"));
    }

    /**
     * Pixel centres aligned, edges clamped (PIL, torch.nn.functional.interpolate with align_corners=False): a row
     * 0, 100 widened to 4 pixels is 0, 25, 75, 100.
     */
    @Test
    void greyToRgbRepeatsTheLevelAndTheResizeIsBilinearWithAlignedCentres() throws Exception {
        ImageDataset grey = one(new byte[] {0, 100}, 1, 1, 2);
        ImageDataset rgb = ImageConversion.toShape(grey, 3, 1, 4);
        byte[] expected = {0, 25, 75, 100, 0, 25, 75, 100, 0, 25, 75, 100};
        assertArrayEquals(expected, rgb.pixels());
        assertEquals("images of d/train (1×1×2) converted to the model's 3×1×4: grey repeated in R, G and B,"
                + " resized bilinearly", ImageConversion.describe(grey, 3, 1, 4));
        assertEquals(List.of("a", "b"), rgb.classNames());
        assertEquals(1, rgb.label(0));
    }

    @Test
    void rgbToGreyIsTheLuminanceAndTheSameShapeIsTheSameObject() throws Exception {
        ImageDataset rgb = one(new byte[] {(byte) 200, 0, 0, (byte) 255, 0, 100}, 3, 1, 2);
        ImageDataset grey = ImageConversion.toShape(rgb, 1, 1, 2);
        assertEquals(Math.round(0.299 * 200 + 0.114 * 0), grey.pixels()[0] & 0xFF);
        assertEquals(Math.round(0.587 * 255 + 0.114 * 100), grey.pixels()[1] & 0xFF);
        assertSame(rgb, ImageConversion.toShape(rgb, 3, 1, 2));
        assertNull(ImageConversion.describe(rgb, 3, 1, 2));
        assertThrows(DataFormatException.class, () -> ImageConversion.toShape(rgb, 4, 1, 2));
    }
}
