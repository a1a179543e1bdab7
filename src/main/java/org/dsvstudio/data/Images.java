package org.dsvstudio.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads image files safely; converts images between the C·H·W float layout (pixels in [0,1]) and AWT images. */
public final class Images {

    /** The largest image read (pixels): 8 192²; a classifier's input is far smaller, and decoding costs 4 B/pixel. */
    public static final long MAX_PIXELS = 8192L * 8192L;

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 'B', '`', (byte) 0x82};

    private Images() {
    }

    /**
     * Decodes an image file, refusing what ImageIO would silently get wrong or choke on: a PNG or JPEG cut off
     * before its end (ImageIO returns the missing rows black, without an error) and images whose header
     * declares more than {@link #MAX_PIXELS} (read from the header, before any pixel is decoded).
     *
     * @throws DataFormatException naming the file and what is wrong with it
     */
    public static BufferedImage read(Path file) throws IOException {
        checkComplete(file);
        return withReader(file, reader -> {
            long w = reader.getWidth(0);
            long h = reader.getHeight(0);
            if (w <= 0 || h <= 0 || w * h > MAX_PIXELS) {
                throw new DataFormatException(file, "an image of " + w + "×" + h + " pixels (at most " + MAX_PIXELS
                        + " pixels are read)");
            }
            return reader.read(0);
        });
    }

    /** Width and height from the file's header, without decoding its pixels. */
    public static int[] dimensions(Path file) throws IOException {
        return withReader(file, reader -> new int[] {reader.getWidth(0), reader.getHeight(0)});
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /** Runs work on an ImageIO reader of file; what fails is a DataFormatException naming the file. */
    private static <T> T withReader(Path file, ReaderWork<T> work) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator()
                    : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataFormatException("not an image: " + file);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return work.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "cannot decode image (" + e.getMessage() + ")", e);
        }
    }

    /** A PNG must end with its IEND chunk, a JPEG with its end-of-image marker (trailing zeros allowed). */
    private static void checkComplete(Path file) throws IOException {
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] head = new byte[4];
            if (size < 4 || f.read(head) < 4) {
                return; // too short to be either; the decoder says what it is
            }
            int tailLength = (int) Math.min(size, 4096);
            byte[] tail = new byte[tailLength];
            f.seek(size - tailLength);
            f.readFully(tail);
            int end = tailLength;
            while (end > 0 && tail[end - 1] == 0) {
                end--; // some writers pad JPEGs with zeros
            }
            if (java.util.Arrays.equals(head, PNG_MAGIC)) {
                if (!endsWith(tail, tailLength, PNG_END)) {
                    throw new DataFormatException(file, "a PNG cut off before its end (no IEND chunk): the file is"
                            + " incomplete");
                }
            } else if ((head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
                if (!endsWith(tail, end, new byte[] {(byte) 0xFF, (byte) 0xD9})) {
                    throw new DataFormatException(file, "a JPEG cut off before its end (no end-of-image marker):"
                            + " the file is incomplete");
                }
            }
        }
    }

    private static boolean endsWith(byte[] data, int length, byte[] suffix) {
        if (length < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (data[length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A gray (C = 1) or RGB (C = 3) image; values are clamped to [0,1] and rounded to 8 bits. */
    public static BufferedImage toBufferedImage(float[] image01, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel images can be written, not " + channels);
        }
        if (image01.length != channels * height * width) {
            throw new IllegalArgumentException("image has " + image01.length + " values, expected "
                    + channels * height * width);
        }
        int plane = height * width;
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, to8(image01[p]));
                } else {
                    int rgb = to8(image01[p]) << 16 | to8(image01[plane + p]) << 8 | to8(image01[2 * plane + p]);
                    img.setRGB(x, y, rgb);
                }
            }
        }
        return img;
    }

    static int to8(float v) {
        float c = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        return Math.round(c * 255f);
    }
}
