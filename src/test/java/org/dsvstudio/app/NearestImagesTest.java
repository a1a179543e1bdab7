package org.dsvstudio.app;

import org.dsvstudio.data.ImageDataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Top-k by Euclidean distance, checked against a brute-force computation in doubles. */
class NearestImagesTest {

    private static final int C = 2;
    private static final int H = 5;
    private static final int W = 4;

    private static ImageDataset randomData(int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * C * H * W];
        random.nextBytes(pixels);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(3);
        }
        return new ImageDataset("synthetic", pixels, labels, C, H, W, List.of("a", "b", "c"));
    }

    private static float[] randomQuery(long seed) {
        Random random = new Random(seed);
        float[] q = new float[C * H * W];
        for (int j = 0; j < q.length; j++) {
            q[j] = random.nextFloat();
        }
        return q;
    }

    private static double bruteDistance(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = (double) a[j] - b[j];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Indices of the k nearest by brute force, ties by index, restricted to a label unless it is -1. */
    private static List<Integer> bruteForce(ImageDataset data, float[] query, int k, int onlyLabel) {
        return IntStream.range(0, data.size()).boxed()
                .filter(i -> onlyLabel < 0 || data.label(i) == onlyLabel)
                .sorted(Comparator.<Integer>comparingDouble(i -> bruteDistance(query, data.image01(i)))
                        .thenComparingInt(i -> i))
                .limit(k).toList();
    }

    @Test
    void pixelSpaceMatchesBruteForce() {
        ImageDataset data = randomData(500, 1);
        for (long seed = 10; seed < 15; seed++) {
            float[] query = randomQuery(seed);
            List<NearestImages.Match> got = NearestImages.inPixelSpace(data, query, 7, NearestImages.ANY_LABEL);
            List<Integer> want = bruteForce(data, query, 7, -1);
            assertEquals(want, got.stream().map(NearestImages.Match::index).toList());
            for (NearestImages.Match m : got) {
                assertEquals(bruteDistance(query, data.image01(m.index())), m.distance(), 1e-12);
                assertEquals(data.label(m.index()), m.label());
                assertArrayEquals(data.image01(m.index()), m.image01());
            }
            for (int j = 1; j < got.size(); j++) {
                assertTrue(got.get(j - 1).distance() <= got.get(j).distance(), "sorted ascending");
            }
        }
    }

    /** Fashion-MNIST size: the result is the brute-force one; the time is reported, not asserted. */
    @Test
    void sixtyThousandImagesOf28x28() {
        Random random = new Random(11);
        int n = 60_000;
        int size = 28 * 28;
        byte[] pixels = new byte[n * size];
        random.nextBytes(pixels);
        int[] labels = new int[n];
        ImageDataset data = new ImageDataset("big", pixels, labels, 1, 28, 28, List.of("only"));
        float[] query = data.image01(4242);
        query[0] = 0.5f;
        NearestImages.inPixelSpace(data, query, 10, NearestImages.ANY_LABEL); // warm-up for the timing
        long start = System.nanoTime();
        List<NearestImages.Match> got = NearestImages.inPixelSpace(data, query, 10, NearestImages.ANY_LABEL);
        double ms = (System.nanoTime() - start) / 1e6;
        double[] all = new double[n];
        for (int i = 0; i < n; i++) {
            all[i] = bruteDistance(query, data.image01(i));
        }
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        assertEquals(4242, got.get(0).index());
        for (int j = 0; j < 10; j++) {
            assertEquals(sorted[j], got.get(j).distance(), 1e-12);
            assertEquals(all[got.get(j).index()], got.get(j).distance(), 1e-12);
        }
        System.out.printf(Locale.ROOT, "NearestImages: top-10 of 60 000 images of 28×28 in %.1f ms%n", ms);
    }

    @Test
    void anImageOfTheSetIsItsOwnNearestAtDistanceZero() {
        ImageDataset data = randomData(200, 2);
        List<NearestImages.Match> got = NearestImages.inPixelSpace(data, data.image01(123), 1, NearestImages.ANY_LABEL);
        assertEquals(123, got.get(0).index());
        assertEquals(0.0, got.get(0).distance());
    }

    @Test
    void theClassFilterKeepsOnlyThatClass() {
        ImageDataset data = randomData(300, 3);
        float[] query = randomQuery(4);
        List<NearestImages.Match> got = NearestImages.inPixelSpace(data, query, 5, 2);
        assertEquals(bruteForce(data, query, 5, 2), got.stream().map(NearestImages.Match::index).toList());
        assertTrue(got.stream().allMatch(m -> m.label() == 2));
    }

    @Test
    void kLargerThanTheDataReturnsEverythingSorted() {
        ImageDataset data = randomData(9, 5);
        float[] query = randomQuery(6);
        List<NearestImages.Match> got = NearestImages.inPixelSpace(data, query, 50, NearestImages.ANY_LABEL);
        assertEquals(bruteForce(data, query, 50, -1), got.stream().map(NearestImages.Match::index).toList());
        assertEquals(9, got.size());
        int inClass = (int) IntStream.range(0, 9).filter(i -> data.label(i) == 1).count();
        assertEquals(inClass, NearestImages.inPixelSpace(data, query, 50, 1).size());
    }

    @Test
    void featureSpaceMatchesBruteForce() {
        ImageDataset data = randomData(400, 7);
        Random random = new Random(8);
        float[][] features = new float[data.size()][];
        for (int i = 0; i < features.length; i++) {
            features[i] = new float[130]; // longer than one early-abandon block
            for (int j = 0; j < features[i].length; j++) {
                features[i][j] = (float) random.nextGaussian();
            }
        }
        float[] query = features[17].clone();
        query[0] += 0.5f;
        List<NearestImages.Match> got = NearestImages.inFeatureSpace(data, features, query, 6, NearestImages.ANY_LABEL);
        List<Integer> want = IntStream.range(0, features.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> bruteDistance(query, features[i]))
                        .thenComparingInt(i -> i))
                .limit(6).toList();
        assertEquals(want, got.stream().map(NearestImages.Match::index).toList());
        assertEquals(17, got.get(0).index());
        assertEquals(0.5, got.get(0).distance(), 1e-6);
        for (NearestImages.Match m : got) {
            assertEquals(bruteDistance(query, features[m.index()]), m.distance(), 1e-9);
        }
        int label = data.label(17);
        assertTrue(NearestImages.inFeatureSpace(data, features, query, 6, label).stream()
                .allMatch(m -> m.label() == label));
    }

    @Test
    void shapeMismatchesAreExplained() {
        ImageDataset data = randomData(10, 9);
        IllegalArgumentException wrongImage = assertThrows(IllegalArgumentException.class,
                () -> NearestImages.inPixelSpace(data, new float[28 * 28], 3, NearestImages.ANY_LABEL));
        assertEquals("query image has 784 values but the images of 'synthetic' are 2×5×4 = 40",
                wrongImage.getMessage());

        float[][] features = new float[10][8];
        features[4] = new float[7];
        IllegalArgumentException wrongFeature = assertThrows(IllegalArgumentException.class,
                () -> NearestImages.inFeatureSpace(data, features, new float[8], 3, NearestImages.ANY_LABEL));
        assertEquals("feature vector 4 has 7 values but the query feature has 8", wrongFeature.getMessage());

        IllegalArgumentException wrongCount = assertThrows(IllegalArgumentException.class,
                () -> NearestImages.inFeatureSpace(data, new float[9][8], new float[8], 3, NearestImages.ANY_LABEL));
        assertEquals("got 9 feature vectors for the 10 images of 'synthetic'", wrongCount.getMessage());

        assertThrows(IllegalArgumentException.class, () -> NearestImages.inPixelSpace(data, randomQuery(1), 0, -1));
        IllegalArgumentException badClass = assertThrows(IllegalArgumentException.class,
                () -> NearestImages.inPixelSpace(data, randomQuery(1), 3, 3));
        assertTrue(badClass.getMessage().contains("class 3 is not one of the 3 classes"), badClass.getMessage());
    }
}
