package org.dsvstudio.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100: fixed-size records of label byte(s) followed by a
 * 32×32 RGB image stored as three planes (R, G, B), which is already the C×H×W layout of {@link ImageDataset}.
 */
public final class CifarReader {

    /** The CIFAR-10 class names, in label order. */
    public static final List<String> CIFAR10_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private static final int SIDE = 32;
    private static final int IMAGE_BYTES = 3 * SIDE * SIDE;

    private CifarReader() {
    }

    /**
     * CIFAR-10 binary: records of 1 label byte + 3072 pixel bytes. The batches are concatenated in the given
     * order.
     *
     * @param classNames the class names, or null for {@link #CIFAR10_CLASSES}
     */
    public static ImageDataset readCifar10(List<Path> batches, String name, List<String> classNames)
            throws IOException {
        return read(batches, name, classNames != null ? classNames : CIFAR10_CLASSES, 1);
    }

    /**
     * CIFAR-100 binary: records of 1 coarse label byte + 1 fine label byte + 3072 pixel bytes; the fine label
     * (100 classes) is used.
     *
     * @param classNames the fine class names, or null for "0".."99"
     */
    public static ImageDataset readCifar100(List<Path> files, String name, List<String> classNames)
            throws IOException {
        return read(files, name, classNames != null ? classNames : IdxReader.digits(100), 2);
    }

    /** The label used is the last of the {@code labelBytes} leading bytes of each record. */
    private static ImageDataset read(List<Path> files, String name, List<String> classNames, int labelBytes)
            throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR files given");
        }
        int record = labelBytes + IMAGE_BYTES;
        // Sizes first, so the result can be allocated once and only one file is in memory at a time.
        long[] lengths = new long[files.size()];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            lengths[f] = Files.size(files.get(f));
            if (lengths[f] == 0 || lengths[f] % record != 0) {
                throw new DataFormatException(files.get(f), "length " + lengths[f] + " is not a positive multiple of"
                        + " the " + record + "-byte record size (" + labelBytes + " label byte"
                        + (labelBytes > 1 ? "s" : "") + " + " + IMAGE_BYTES + " pixel bytes)");
            }
            total += lengths[f] / record;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(total + " CIFAR images are too many to hold in one data set");
        }
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int n = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] bytes = Files.readAllBytes(files.get(f));
            if (bytes.length != lengths[f]) {
                throw new DataFormatException(files.get(f), "changed while being read");
            }
            for (int r = 0; r < bytes.length / record; r++) {
                int at = r * record;
                int label = bytes[at + labelBytes - 1] & 0xFF;
                if (label >= classNames.size()) {
                    throw new DataFormatException(files.get(f), "record " + r + " has label " + label
                            + ", out of range for " + classNames.size() + " classes");
                }
                labels[n] = label;
                System.arraycopy(bytes, at + labelBytes, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
                n++;
            }
        }
        return new ImageDataset(name, pixels, labels, 3, SIDE, SIDE, classNames);
    }
}
