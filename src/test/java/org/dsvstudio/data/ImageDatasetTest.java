package org.dsvstudio.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

    private static final List<String> ABC = List.of("a", "b", "c");

    /** {@code labels.length} 2-channel 1×2 images; pixel k of image i is 10*i + k. */
    private static ImageDataset twoChannel(int... labels) {
        byte[] pixels = new byte[labels.length * 4];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (10 * (k / 4) + k % 4);
        }
        return new ImageDataset("d", pixels, labels, 2, 1, 2, ABC);
    }

    /** One-pixel gray images whose value is their index, so a subset shows which images it took. */
    private static ImageDataset indexed(int... labels) {
        byte[] pixels = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            pixels[i] = (byte) i;
        }
        return new ImageDataset("d", pixels, labels, 1, 1, 1, ABC);
    }

    private static int[] pickedIndices(ImageDataset subset) {
        int[] out = new int[subset.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = subset.pixels()[i] & 0xFF;
        }
        return out;
    }

    @Test
    void constructorRejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset("d", new byte[5], new int[] {0}, 1, 2, 2, ABC));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset("d", new byte[4], new int[] {3}, 1, 2, 2, ABC));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset("d", new byte[4], new int[] {-1}, 1, 2, 2, ABC));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset("d", new byte[0], new int[0], 1, 0, 2, ABC));
    }

    @Test
    void accessorsDescribeTheShape() {
        ImageDataset data = twoChannel(0, 2, 1);

        assertEquals(3, data.size());
        assertEquals(4, data.imageSize());
        assertEquals(3, data.numClasses());
        assertEquals(2, data.label(1));
        int[] labels = data.labels();
        labels[0] = 2;
        assertEquals(0, data.label(0), "labels() must be a copy");
    }

    @Test
    void normalizedIntoAppliesPerChannelMeanAndStd() {
        byte[] pixels = {(byte) 0, (byte) 255, (byte) 51, (byte) 102};
        ImageDataset data = new ImageDataset("d", pixels, new int[] {0}, 2, 1, 2, ABC);
        float[] dst = new float[6];

        data.normalizedInto(0, new double[] {0.5, 0.1}, new double[] {0.5, 0.2}, dst, 1);

        assertEquals(0f, dst[0]);
        assertEquals(-1f, dst[1], 1e-6);
        assertEquals(1f, dst[2], 1e-6);
        assertEquals(0.5f, dst[3], 1e-6);
        assertEquals(1.5f, dst[4], 1e-6);
        assertEquals(0f, dst[5]);
    }

    @Test
    void normalizedIntoBroadcastsASingleMeanAndStd() {
        ImageDataset data = twoChannel(0);
        float[] dst = new float[4];

        data.normalizedInto(0, new double[] {0}, new double[] {1}, dst, 0);

        assertArrayEquals(data.image01(0), dst, 1e-7f);
        assertThrows(IllegalArgumentException.class,
                () -> data.normalizedInto(0, new double[3], new double[] {1}, dst, 0));
    }

    @Test
    void image01ScalesToTheUnitInterval() {
        byte[] pixels = {(byte) 0, (byte) 255};
        ImageDataset data = new ImageDataset("d", pixels, new int[] {0}, 1, 1, 2, ABC);

        assertArrayEquals(new float[] {0f, 1f}, data.image01(0));
    }

    @Test
    void subsetCopiesTheChosenImagesInOrder() {
        ImageDataset data = twoChannel(0, 1, 2);

        ImageDataset sub = data.subset(new int[] {2, 0});

        assertArrayEquals(new int[] {2, 0}, sub.labels());
        assertArrayEquals(new byte[] {20, 21, 22, 23, 0, 1, 2, 3}, sub.pixels());
        assertEquals(data.classNames(), sub.classNames());
        assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {3}));
    }

    @Test
    void firstPerClassKeepsTheEarliestOfEachClass() {
        ImageDataset data = indexed(0, 1, 0, 0, 2, 1, 1);

        assertArrayEquals(new int[] {0, 1, 2, 4, 5}, pickedIndices(data.firstPerClass(2)));
        assertArrayEquals(new int[] {0, 1, 4}, pickedIndices(data.firstPerClass(1)));
    }

    @Test
    void sampleIsStratifiedAsEvenlyAsPossible() {
        int[] labels = new int[30];
        Arrays.fill(labels, 0, 20, 0);
        Arrays.fill(labels, 20, 28, 1);
        Arrays.fill(labels, 28, 30, 2); // class 2 has only 2 images
        ImageDataset data = indexed(labels);

        ImageDataset sample = data.sample(14, 7);

        assertArrayEquals(new int[] {6, 6, 2}, sample.classCounts());
        int[] picked = pickedIndices(sample);
        assertEquals(14, Arrays.stream(picked).distinct().count(), "drawn without replacement");
        assertTrue(isSorted(picked));
        int[] counts = data.sample(10, 3).classCounts();
        assertEquals(2, counts[2]);
        assertTrue(Math.abs(counts[0] - counts[1]) <= 1, Arrays.toString(counts));
    }

    @Test
    void sampleIsDeterministicPerSeed() {
        int[] labels = new int[60];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        ImageDataset data = indexed(labels);

        assertArrayEquals(pickedIndices(data.sample(9, 42)), pickedIndices(data.sample(9, 42)));
        assertNotEquals(Arrays.toString(pickedIndices(data.sample(9, 42))),
                Arrays.toString(pickedIndices(data.sample(9, 43))));
        assertEquals(60, data.sample(60, 1).size());
        assertThrows(IllegalArgumentException.class, () -> data.sample(61, 1));
    }

    private static boolean isSorted(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] < a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void classCountsCountEachLabel() {
        assertArrayEquals(new int[] {2, 0, 1}, indexed(0, 2, 0).classCounts());
    }

    @Test
    void channelMeanStdIsPerChannelOverPixelsOver255() {
        // Channel 0 holds 0 and 255 (mean 0.5, std 0.5); channel 1 holds 51 twice (mean 0.2, std 0).
        byte[] pixels = {(byte) 0, (byte) 51, (byte) 255, (byte) 51};
        ImageDataset data = new ImageDataset("d", pixels, new int[] {0, 1}, 2, 1, 1, ABC);

        double[][] stats = data.channelMeanStd();

        assertArrayEquals(new double[] {0.5, 0.2}, stats[0], 1e-12);
        assertArrayEquals(new double[] {0.5, 0.0}, stats[1], 1e-12);
    }
}
