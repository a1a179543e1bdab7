package org.dsvstudio.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * An in-memory 8-bit image set, N×C×H×W, row-major, pixels 0..255 stored as unsigned bytes. Immutable.
 *
 * <p>Pixels stay bytes (not floats) so that a 60 000-image set costs 47 MB rather than 188 MB; callers convert
 * one image at a time with {@link #normalizedInto} or {@link #image01}.
 */
public final class ImageDataset {

    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final boolean namedByFolders;

    /**
     * Takes ownership of {@code pixels} (not copied, to avoid doubling the memory of large sets): the caller
     * must not modify it afterwards. {@code labels} and {@code classNames} are copied.
     *
     * @throws IllegalArgumentException if the sizes disagree, a dimension is not positive, there are no class
     *     names, or a label is outside {@code [0, classNames.size())}
     */
    public ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
            List<String> classNames) {
        this(name, pixels, labels, channels, height, width, classNames, false);
    }

    /**
     * @param namedByFolders the class names are the user's folder names (an image folder), so they say which
     *     class each image is; otherwise (IDX, CIFAR) the labels are numbers and the names only a convention
     */
    public ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
            List<String> classNames, boolean namedByFolders) {
        this.namedByFolders = namedByFolders;
        this.name = Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        this.classNames = List.copyOf(Objects.requireNonNull(classNames, "classNames"));
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image dimensions must be positive, got C×H×W = " + channels + "×" + height + "×" + width);
        }
        if (this.classNames.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one class name");
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel array has " + pixels.length + " bytes but " + labels.length
                    + " images of " + channels + "×" + height + "×" + width + " need " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + this.classNames.size() + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels.clone();
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Bytes per image: C*H*W. */
    public int imageSize() {
        return channels * height * width;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * The backing array itself, N×C×H×W; read pixel values with {@code & 0xFF}. Not copied because it may be
     * tens of megabytes: do not modify it.
     */
    public byte[] pixels() {
        return pixels;
    }

    /**
     * Fills {@code dst[offset .. offset+C*H*W)} with image {@code i} as floats {@code (p/255 - mean[c]) / std[c]}.
     * {@code mean} and {@code std} have length 1 (same for every channel) or C.
     */
    public void normalizedInto(int i, double[] mean, double[] std, float[] dst, int offset) {
        Objects.checkIndex(i, labels.length);
        checkPerChannel("mean", mean);
        checkPerChannel("std", std);
        Objects.checkFromIndexSize(offset, imageSize(), dst.length);
        int plane = height * width;
        int src = i * imageSize();
        for (int c = 0; c < channels; c++) {
            double m = mean.length == 1 ? mean[0] : mean[c];
            double s = std.length == 1 ? std[0] : std[c];
            if (s == 0) {
                throw new IllegalArgumentException("std of channel " + c + " is zero");
            }
            int base = offset + c * plane;
            int from = src + c * plane;
            for (int k = 0; k < plane; k++) {
                dst[base + k] = (float) (((pixels[from + k] & 0xFF) / 255.0 - m) / s);
            }
        }
    }

    private void checkPerChannel(String what, double[] values) {
        if (values.length != 1 && values.length != channels) {
            throw new IllegalArgumentException(
                    what + " must have 1 or " + channels + " values, got " + values.length);
        }
    }

    /** Image {@code i} as floats in [0,1], C*H*W. */
    public float[] image01(int i) {
        Objects.checkIndex(i, labels.length);
        int n = imageSize();
        int src = i * n;
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = (pixels[src + k] & 0xFF) / 255f;
        }
        return out;
    }

    /** A new data set (same name and classes) holding copies of the images at {@code indices}, in that order. */
    public ImageDataset subset(int[] indices) {
        int n = imageSize();
        byte[] px = new byte[Math.multiplyExact(indices.length, n)];
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = Objects.checkIndex(indices[j], labels.length);
            System.arraycopy(pixels, i * n, px, j * n, n);
            lb[j] = labels[i];
        }
        return new ImageDataset(name, px, lb, channels, height, width, classNames, namedByFolders);
    }

    /** Images of the class that has the fewest (0 when a class has none). */
    public int smallestClassCount() {
        int min = Integer.MAX_VALUE;
        for (int c : classCounts()) {
            min = Math.min(min, c);
        }
        return min;
    }

    /** Whether the class names come from the user's folders (see the constructor). */
    public boolean namedByFolders() {
        return namedByFolders;
    }

    /** The same images (shared, not copied) with labels and class names replaced. */
    ImageDataset relabelled(int[] newLabels, List<String> newClassNames) {
        return new ImageDataset(name, pixels, newLabels, channels, height, width, newClassNames, namedByFolders);
    }

    /** The first {@code perClass} images of each class in index order (or fewer if a class has fewer). */
    public ImageDataset firstPerClass(int perClass) {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass must be >= 0, got " + perClass);
        }
        int[] taken = new int[numClasses()];
        int[] picked = new int[labels.length];
        int count = 0;
        for (int i = 0; i < labels.length; i++) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                picked[count++] = i;
            }
        }
        return subset(Arrays.copyOf(picked, count));
    }

    /**
     * {@code n} images drawn without replacement with a {@code java.util.Random(seed)}, class-stratified as
     * evenly as possible: every class gets {@code n / numClasses} images (a class with fewer gives all it has and
     * the shortfall is spread over the others); the remainder goes to randomly chosen classes. The result is in
     * index order, so the same seed always gives the same set in the same order.
     */
    public ImageDataset sample(int n, long seed) {
        if (n < 0 || n > labels.length) {
            throw new IllegalArgumentException("cannot sample " + n + " of " + labels.length + " images");
        }
        Random random = new Random(seed);
        int[][] byClass = indicesByClass();
        for (int[] members : byClass) {
            shuffle(members, random);
        }
        int[] quota = evenQuotas(n, classCounts(), random);
        int[] picked = new int[n];
        int count = 0;
        for (int c = 0; c < byClass.length; c++) {
            System.arraycopy(byClass[c], 0, picked, count, quota[c]);
            count += quota[c];
        }
        Arrays.sort(picked);
        return subset(picked);
    }

    /**
     * Exactly {@code k} images of every class, drawn without replacement with a {@code java.util.Random(seed)},
     * in index order.
     *
     * @throws IllegalArgumentException if a class has fewer than k images
     */
    public ImageDataset samplePerClass(int k, long seed) {
        return subset(samplePerClassIndices(k, seed));
    }

    /** The indices {@link #samplePerClass} takes, ascending. */
    public int[] samplePerClassIndices(int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("images per class must be at least 1, got " + k);
        }
        Random random = new Random(seed);
        int[][] byClass = indicesByClass();
        int[] picked = new int[k * byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            if (byClass[c].length < k) {
                throw new IllegalArgumentException("class '" + classNames.get(c) + "' has " + byClass[c].length
                        + " images, fewer than " + k);
            }
            shuffle(byClass[c], random);
            System.arraycopy(byClass[c], 0, picked, c * k, k);
        }
        Arrays.sort(picked);
        return picked;
    }

    private int[][] indicesByClass() {
        int[] counts = classCounts();
        int[][] byClass = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Splits {@code n} over the classes as evenly as their sizes allow (water filling). */
    private static int[] evenQuotas(int n, int[] available, Random random) {
        int[] quota = new int[available.length];
        int left = n;
        while (left > 0) {
            List<Integer> open = new ArrayList<>();
            for (int c = 0; c < available.length; c++) {
                if (quota[c] < available[c]) {
                    open.add(c);
                }
            }
            int share = left / open.size();
            if (share == 0) {
                Collections.shuffle(open, random);
                for (int c : open.subList(0, left)) {
                    quota[c]++;
                }
                left = 0;
            } else {
                for (int c : open) {
                    int add = Math.min(share, available[c] - quota[c]);
                    quota[c] += add;
                    left -= add;
                }
            }
        }
        return quota;
    }

    /** Number of images per class, length {@link #numClasses()}. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Per-channel mean and (population) standard deviation of pixels/255 over the whole set: {@code [0]} is the
     * means, {@code [1]} the stds, length C each. Sums are exact integers, so there is no drift on large sets.
     *
     * @throws IllegalStateException if the set is empty
     */
    public double[][] channelMeanStd() {
        if (labels.length == 0) {
            throw new IllegalStateException("data set '" + name + "' is empty");
        }
        int plane = height * width;
        long[] sum = new long[channels];
        long[] sumSq = new long[channels];
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < channels; c++) {
                int from = i * imageSize() + c * plane;
                long s = 0;
                long sq = 0;
                for (int k = 0; k < plane; k++) {
                    int p = pixels[from + k] & 0xFF;
                    s += p;
                    sq += p * p;
                }
                sum[c] += s;
                sumSq[c] += sq;
            }
        }
        double count = (double) labels.length * plane;
        double[][] out = new double[2][channels];
        for (int c = 0; c < channels; c++) {
            double mean = sum[c] / count;
            double variance = Math.max(0, sumSq[c] / count - mean * mean);
            out[0][c] = mean / 255.0;
            out[1][c] = Math.sqrt(variance) / 255.0;
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ": " + size() + " images " + channels + "×" + height + "×" + width + ", " + numClasses()
                + " classes";
    }
}
