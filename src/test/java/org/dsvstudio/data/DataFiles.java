package org.dsvstudio.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writes small files in the real on-disk formats, so reader tests need no downloaded data. */
final class DataFiles {

    private DataFiles() {
    }

    /** Pixel value of image {@code i} at {@code k}; distinct enough to catch any layout mix-up. */
    static byte pixel(int i, int k) {
        return (byte) (i * 31 + k * 7);
    }

    static byte[] idxImages(int count, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < rows * cols; k++) {
                out.writeByte(pixel(i, k));
            }
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(labels.length);
        for (int label : labels) {
            out.writeByte(label);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        if (!gzip) {
            return Files.write(file, content);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    /** An MNIST-style folder: {@code labels.length} 4×3 images for both splits, raw or gzipped. */
    static void idxFolder(Path dir, boolean gzip, int... labels) throws IOException {
        String gz = gzip ? ".gz" : "";
        for (String prefix : new String[] {"train", "t10k"}) {
            write(dir.resolve(prefix + "-images-idx3-ubyte" + gz), idxImages(labels.length, 4, 3), gzip);
            write(dir.resolve(prefix + "-labels-idx1-ubyte" + gz), idxLabels(labels), gzip);
        }
    }

    /** CIFAR records: {@code prefix} label bytes per record, then 3072 bytes where byte c*1024+y*32+x = f(c,y,x). */
    static byte[] cifarRecords(int[][] labelBytes, int imageSeed) {
        int record = labelBytes[0].length + 3072;
        byte[] out = new byte[labelBytes.length * record];
        for (int r = 0; r < labelBytes.length; r++) {
            int at = r * record;
            for (int b = 0; b < labelBytes[r].length; b++) {
                out[at++] = (byte) labelBytes[r][b];
            }
            for (int k = 0; k < 3072; k++) {
                out[at + k] = cifarPixel(imageSeed + r, k / 1024, k % 1024 / 32, k % 32);
            }
        }
        return out;
    }

    static byte cifarPixel(int image, int c, int y, int x) {
        return (byte) (image * 13 + c * 85 + y * 3 + x);
    }

    static BufferedImage gray(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, level);
            }
        }
        return image;
    }

    static BufferedImage rgb(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    static Path png(Path file, BufferedImage image) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
