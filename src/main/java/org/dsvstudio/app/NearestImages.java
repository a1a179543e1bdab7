package org.dsvstudio.app;

import org.dsvstudio.data.ImageDataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The training images closest to a query image, to show which real images a DSV resembles: either in pixel
 * space (Euclidean distance on pixels in [0,1]) or in a feature space the caller computed with the model.
 *
 * <p>Both scans are linear with a bounded max-heap of size k, allocate nothing per scanned image and stop summing
 * an image's distance as soon as it can no longer enter the top k. Ties keep the lower index first, so results
 * are deterministic.
 */
public final class NearestImages {

    /** Used for {@code onlyLabel} to search every class. */
    public static final int ANY_LABEL = -1;

    /**
     * Byte value → the float {@link ImageDataset#image01} gives for it, so a query taken from the data set is at
     * distance exactly 0 from its source and the scan reads bytes without a division.
     */
    private static final double[] PIXEL01 = new double[256];

    static {
        for (int p = 0; p < 256; p++) {
            PIXEL01[p] = p / 255f;
        }
    }

    /** Squared distances are compared against the current k-th best after every block of this many values. */
    private static final int ABANDON_BLOCK = 64;

    /**
     * One neighbour.
     *
     * @param index its index in the data set
     * @param label its class
     * @param distance Euclidean distance to the query (pixels in [0,1], or feature units)
     * @param image01 the image as floats in [0,1], C·H·W
     */
    public record Match(int index, int label, double distance, float[] image01) {
    }

    private NearestImages() {
    }

    /**
     * The {@code k} images of {@code data} nearest to {@code query01} in pixel space, nearest first.
     *
     * @param query01 C·H·W floats in [0,1], the layout of {@link ImageDataset#image01}
     * @param k how many to return (fewer when the data, or the class, has fewer images)
     * @param onlyLabel a class index to search only that class, or {@link #ANY_LABEL}
     * @throws IllegalArgumentException if the query does not have the data set's image size or holds a
     *     non-finite value, {@code k < 1}, or {@code onlyLabel} is not a class of the data set
     */
    public static List<Match> inPixelSpace(ImageDataset data, float[] query01, int k, int onlyLabel) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(query01, "query01");
        if (query01.length != data.imageSize()) {
            throw new IllegalArgumentException("query image has " + query01.length + " values but the images of '"
                    + data.name() + "' are " + data.channels() + "×" + data.height() + "×" + data.width() + " = "
                    + data.imageSize());
        }
        checkFinite("query image", query01);
        checkKAndLabel(k, onlyLabel, data);
        int n = query01.length;
        byte[] pixels = data.pixels();
        TopK top = new TopK(k);
        for (int i = 0; i < data.size(); i++) {
            if (onlyLabel != ANY_LABEL && data.label(i) != onlyLabel) {
                continue;
            }
            double bound = top.worst();
            int base = i * n;
            double sum = 0;
            for (int from = 0; from < n && sum <= bound; from += ABANDON_BLOCK) {
                int to = Math.min(n, from + ABANDON_BLOCK);
                for (int j = from; j < to; j++) {
                    double d = query01[j] - PIXEL01[pixels[base + j] & 0xFF];
                    sum += d * d;
                }
            }
            top.offer(sum, i);
        }
        return top.matches(data);
    }

    /**
     * The {@code k} images of {@code data} whose feature vectors are nearest to {@code queryFeature}, nearest
     * first. {@code features[i]} belongs to image {@code i} of {@code data}; the caller computes them (e.g. the
     * model's penultimate activations) with the same function as the query's.
     *
     * @throws IllegalArgumentException if there is not one feature vector per image, a vector's length differs
     *     from the query's, the query holds a non-finite value, {@code k < 1}, or {@code onlyLabel} is not a
     *     class of the data set
     */
    public static List<Match> inFeatureSpace(ImageDataset data, float[][] features, float[] queryFeature, int k,
            int onlyLabel) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(queryFeature, "queryFeature");
        if (features.length != data.size()) {
            throw new IllegalArgumentException("got " + features.length + " feature vectors for the "
                    + data.size() + " images of '" + data.name() + "'");
        }
        for (int i = 0; i < features.length; i++) {
            if (features[i] == null || features[i].length != queryFeature.length) {
                throw new IllegalArgumentException("feature vector " + i + " has "
                        + (features[i] == null ? "no" : String.valueOf(features[i].length))
                        + " values but the query feature has " + queryFeature.length);
            }
        }
        checkFinite("query feature", queryFeature);
        checkKAndLabel(k, onlyLabel, data);
        int n = queryFeature.length;
        TopK top = new TopK(k);
        for (int i = 0; i < features.length; i++) {
            if (onlyLabel != ANY_LABEL && data.label(i) != onlyLabel) {
                continue;
            }
            double bound = top.worst();
            float[] f = features[i];
            double sum = 0;
            for (int from = 0; from < n && sum <= bound; from += ABANDON_BLOCK) {
                int to = Math.min(n, from + ABANDON_BLOCK);
                for (int j = from; j < to; j++) {
                    double d = (double) queryFeature[j] - f[j];
                    sum += d * d;
                }
            }
            top.offer(sum, i);
        }
        return top.matches(data);
    }

    private static void checkFinite(String what, float[] values) {
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException(what + " has a non-finite value (" + values[j] + ") at " + j);
            }
        }
    }

    private static void checkKAndLabel(int k, int onlyLabel, ImageDataset data) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (onlyLabel != ANY_LABEL && (onlyLabel < 0 || onlyLabel >= data.numClasses())) {
            throw new IllegalArgumentException("class " + onlyLabel + " is not one of the " + data.numClasses()
                    + " classes of '" + data.name() + "' (use " + ANY_LABEL + " for any class)");
        }
    }

    /**
     * The k smallest (squared distance, index) pairs seen so far, as a max-heap in two parallel arrays so that
     * offering allocates nothing. The root is the current worst of the best k.
     */
    private static final class TopK {

        private final double[] keys;
        private final int[] indices;
        private int size;

        TopK(int k) {
            keys = new double[k];
            indices = new int[k];
        }

        /** The key an image must beat to enter; infinite until k images are held. */
        double worst() {
            return size < keys.length ? Double.POSITIVE_INFINITY : keys[0];
        }

        /** Indices arrive in increasing order, so a tie with the worst keeps the earlier (lower) index. */
        void offer(double key, int index) {
            if (size < keys.length) {
                int at = size++;
                // sift up
                while (at > 0) {
                    int parent = (at - 1) / 2;
                    if (!worse(key, index, keys[parent], indices[parent])) {
                        break;
                    }
                    keys[at] = keys[parent];
                    indices[at] = indices[parent];
                    at = parent;
                }
                keys[at] = key;
                indices[at] = index;
            } else if (key < keys[0]) {
                siftDownFromRoot(key, index);
            }
        }

        private void siftDownFromRoot(double key, int index) {
            int at = 0;
            while (true) {
                int child = 2 * at + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && worse(keys[child + 1], indices[child + 1], keys[child], indices[child])) {
                    child++;
                }
                if (!worse(keys[child], indices[child], key, index)) {
                    break;
                }
                keys[at] = keys[child];
                indices[at] = indices[child];
                at = child;
            }
            keys[at] = key;
            indices[at] = index;
        }

        private static boolean worse(double keyA, int indexA, double keyB, int indexB) {
            return keyA > keyB || (keyA == keyB && indexA > indexB);
        }

        /** The held pairs nearest first, distances as {@code sqrt(key)}. */
        List<Match> matches(ImageDataset data) {
            Integer[] order = new Integer[size];
            for (int j = 0; j < size; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(j -> keys[j]).thenComparingInt(j -> indices[j]));
            List<Match> out = new ArrayList<>(size);
            for (int j : order) {
                int i = indices[j];
                out.add(new Match(i, data.label(i), Math.sqrt(keys[j]), data.image01(i)));
            }
            return out;
        }
    }
}
