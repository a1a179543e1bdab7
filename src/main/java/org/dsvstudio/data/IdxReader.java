package org.dsvstudio.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads the IDX ubyte format of MNIST and Fashion-MNIST (big-endian header, then raw bytes). */
public final class IdxReader {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;
    private static final int MAX_SIDE = 10_000;
    private static final int BUFFER = 1 << 16;

    private IdxReader() {
    }

    /**
     * Reads an IDX3 ubyte image file and an IDX1 ubyte label file, each raw or gzipped (told apart by the gzip
     * magic {@code 1f 8b}, not by the file name, because downloads are often renamed or already unpacked).
     *
     * @param classNames the class names, or null for the digits "0".."9" (more digits if a label exceeds 9)
     * @throws DataFormatException naming the file if a header is wrong, the body is truncated or too long, the
     *     image and label counts differ, or a label has no class name
     */
    public static ImageDataset read(Path images, Path labels, String name, List<String> classNames)
            throws IOException {
        byte[] pixels;
        int count;
        int rows;
        int cols;
        try (InputStream in = open(images)) {
            ByteBuffer header = header(in, images, 16, IMAGES_MAGIC, "IDX3 image");
            count = header.getInt();
            rows = header.getInt();
            cols = header.getInt();
            if (count < 0 || rows <= 0 || cols <= 0 || rows > MAX_SIDE || cols > MAX_SIDE) {
                throw new DataFormatException(images, "implausible header: " + count + " images of " + rows + "×"
                        + cols + " (expected a non-negative count and 1.." + MAX_SIDE + " pixels per side)");
            }
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(images, "header promises " + size + " bytes of pixels, too many to hold"
                        + " in memory");
            }
            long onDisk = Files.size(images);
            // real image data compresses 2–6 times; a small gzip that promises gigabytes would be read for minutes
            if (size > 100_000_000L && size > 200 * onDisk) {
                throw new DataFormatException(images, String.format(java.util.Locale.ROOT, "header promises %.0f MB"
                        + " of pixels from a %.1f MB file (%.0f:1): more than image data compresses; the file is"
                        + " not a data set", size / 1e6, onDisk / 1e6, (double) size / onDisk));
            }
            long heap = Runtime.getRuntime().maxMemory();
            if (size > heap / 2) {
                throw new DataFormatException(images, String.format(java.util.Locale.ROOT, "%d images of %d×%d need"
                        + " %.1f GB, more than half of the %.1f GB this process may use", count, rows, cols,
                        size / 1e9, heap / 1e9));
            }
            pixels = body(in, images, (int) size, count + " images of " + rows + "×" + cols);
        }
        byte[] labelBytes;
        try (InputStream in = open(labels)) {
            int labelCount = header(in, labels, 8, LABELS_MAGIC, "IDX1 label").getInt();
            if (labelCount != count) {
                throw new DataFormatException(labels, "has " + labelCount + " labels but " + images.getFileName()
                        + " has " + count + " images");
            }
            labelBytes = body(in, labels, count, count + " labels");
        }
        int[] labelValues = new int[count];
        int maxLabel = 0;
        for (int i = 0; i < count; i++) {
            labelValues[i] = labelBytes[i] & 0xFF;
            maxLabel = Math.max(maxLabel, labelValues[i]);
        }
        List<String> names = classNames != null ? classNames : digits(Math.max(10, maxLabel + 1));
        if (maxLabel >= names.size()) {
            throw new DataFormatException(labels, "label " + maxLabel + " is out of range for " + names.size()
                    + " class names");
        }
        return new ImageDataset(name, pixels, labelValues, 1, rows, cols, names);
    }

    /** "0", "1", ... "n-1". */
    static List<String> digits(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }

    private static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (!gzip) {
            return in;
        }
        try {
            return new GZIPInputStream(in, BUFFER);
        } catch (ZipException | EOFException e) {
            in.close();
            throw new DataFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** Checks the magic number before the length, so that a swapped file is reported as such. */
    private static ByteBuffer header(InputStream in, Path file, int length, int magic, String kind)
            throws IOException {
        byte[] bytes = readFully(in, file, length);
        ByteBuffer header = ByteBuffer.wrap(bytes);
        if (bytes.length >= 4) {
            int found = header.getInt();
            if (found != magic) {
                throw new DataFormatException(file, String.format(
                        "not an %s file: magic number 0x%08x, expected 0x%08x", kind, found, magic));
            }
        }
        if (bytes.length < length) {
            throw new DataFormatException(file, "too short for an " + kind + " file (" + bytes.length
                    + " bytes, header needs " + length + ")");
        }
        return header;
    }

    /** Reads exactly {@code length} bytes and insists that nothing follows them. */
    private static byte[] body(InputStream in, Path file, int length, String what) throws IOException {
        byte[] bytes = readFully(in, file, length);
        if (bytes.length < length) {
            throw new DataFormatException(file, "truncated: " + what + " need " + length + " bytes after the header,"
                    + " found " + bytes.length);
        }
        if (readFully(in, file, 1).length != 0) {
            throw new DataFormatException(file, "longer than its header says: " + what + " need " + length
                    + " bytes after the header, but more follow");
        }
        return bytes;
    }

    /** Up to {@code length} bytes; fewer only at end of stream. Gzip damage becomes a DataFormatException. */
    private static byte[] readFully(InputStream in, Path file, int length) throws IOException {
        try {
            return in.readNBytes(length);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }
}
