package org.dsvstudio.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads the common "one folder per class" layout: {@code root/<class>/<image files>}. Classes are the
 * subfolders sorted by name (label = position); images are read with ImageIO (PNG, JPEG, BMP, GIF, ...).
 */
public final class ImageFolderReader {

    private ImageFolderReader() {
    }

    /** One decoded image at the target size: H*W gray bytes, or 3*H*W bytes as R, G, B planes. */
    private record Decoded(boolean gray, byte[] planes) {
    }

    /**
     * Reads every image under {@code root/<class>/}. Hidden files and folders (name starting with '.') and
     * folders nested inside a class folder are ignored.
     *
     * <p>Channels: 1 if every image is grayscale, else 3 (gray images are expanded to RGB; alpha is dropped).
     * Size: the one most images have (read from the headers first); other sizes are resized to it bilinearly.
     *
     * @throws DataFormatException if there are no class folders, a class folder is empty, or a file cannot be
     *     decoded as an image
     */
    public static ImageDataset read(Path root, String name) throws IOException {
        List<Path> classDirs = sortedChildren(root, true);
        if (classDirs.isEmpty()) {
            throw new DataFormatException(root, "no class folders (expected one subfolder of images per class)");
        }
        List<String> classNames = new ArrayList<>();
        List<Decoded> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int width = 0;
        int height = 0;
        boolean allGray = true;
        List<List<Path>> filesByClass = new ArrayList<>();
        java.util.Map<Long, Integer> sizeCounts = new java.util.HashMap<>();
        for (Path classDir : classDirs) {
            List<Path> files = sortedChildren(classDir, false);
            if (files.isEmpty()) {
                throw new DataFormatException(classDir, "class '" + classDir.getFileName() + "' has no images");
            }
            filesByClass.add(files);
            for (Path file : files) {
                int[] wh = Images.dimensions(file);
                sizeCounts.merge(((long) wh[0] << 32) | wh[1], 1, Integer::sum);
            }
        }
        // the size most images have (ties: the larger), not the first file's: one stray 1×1 image must not
        // shrink all the others
        long common = sizeCounts.entrySet().stream().max(java.util.Map.Entry.<Long, Integer>comparingByValue()
                .thenComparing(java.util.Map.Entry.comparingByKey())).orElseThrow().getKey();
        width = (int) (common >>> 32);
        height = (int) common;
        for (int c = 0; c < classDirs.size(); c++) {
            String className = classDirs.get(c).getFileName().toString();
            for (Path file : filesByClass.get(c)) {
                BufferedImage image = decode(file);
                Decoded decoded = toPlanes(image, width, height);
                allGray &= decoded.gray();
                images.add(decoded);
                labels.add(classNames.size());
            }
            classNames.add(className);
        }
        int plane = width * height;
        int channels = allGray ? 1 : 3;
        int imageSize = channels * plane;
        byte[] pixels = new byte[Math.multiplyExact(images.size(), imageSize)];
        for (int i = 0; i < images.size(); i++) {
            Decoded d = images.get(i);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(d.planes(), d.gray() ? 0 : c * plane, pixels, i * imageSize + c * plane, plane);
            }
            images.set(i, null); // free each image as soon as it is copied
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageDataset(name, pixels, labelArray, channels, height, width, classNames, true);
    }

    /**
     * One image file as 8-bit planes of {@code channels}×{@code height}×{@code width} (resized if needed; a gray
     * file gives three equal planes when three channels are asked for).
     *
     * @throws DataFormatException if it is not an image, or a colour image is read for a one-channel model
     */
    public static byte[] pixels(Path file, int channels, int height, int width) throws IOException {
        Decoded d = toPlanes(decode(file), width, height);
        int plane = width * height;
        if (d.gray()) {
            byte[] out = new byte[channels * plane];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(d.planes(), 0, out, c * plane, plane);
            }
            return out;
        }
        if (channels != 3) {
            throw new DataFormatException(file, "a colour image, but the model takes " + channels + " channel(s)");
        }
        return d.planes();
    }

    /** Non-hidden subfolders ({@code dirs}) or regular files of {@code dir}, sorted by name. */
    private static List<Path> sortedChildren(Path dir, boolean dirs) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> dirs ? Files.isDirectory(p) : Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .collect(Collectors.toList());
        }
    }

    private static BufferedImage decode(Path file) throws IOException {
        return Images.read(file);
    }

    /**
     * Converts to exact 8-bit values first (gray via the raster, since {@code getRGB} would gamma-convert
     * linear gray), then resizes that canonical image if needed.
     */
    private static Decoded toPlanes(BufferedImage image, int width, int height) {
        boolean gray = isGray(image.getColorModel());
        BufferedImage canonical = gray ? toByteGray(image) : toIntRgb(image);
        if (canonical.getWidth() != width || canonical.getHeight() != height) {
            canonical = resize(canonical, width, height);
        }
        int plane = width * height;
        if (gray) {
            byte[] planes = new byte[plane];
            canonical.getRaster().getDataElements(0, 0, width, height, planes);
            return new Decoded(true, planes);
        }
        int[] rgb = canonical.getRGB(0, 0, width, height, null, 0, width);
        byte[] planes = new byte[3 * plane];
        for (int k = 0; k < plane; k++) {
            planes[k] = (byte) (rgb[k] >> 16);
            planes[plane + k] = (byte) (rgb[k] >> 8);
            planes[2 * plane + k] = (byte) rgb[k];
        }
        return new Decoded(false, planes);
    }

    /** Gray color space, or a palette whose every entry is gray (typical of 8-bit BMP and GIF). */
    private static boolean isGray(ColorModel model) {
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            return true;
        }
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int r = palette.getRed(i);
                if (r != palette.getGreen(i) || r != palette.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static BufferedImage toByteGray(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        if (image.getColorModel() instanceof IndexColorModel) {
            int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int k = 0; k < rgb.length; k++) {
                rgb[k] &= 0xFF; // the palette is gray, so blue is the gray level
            }
            out.getRaster().setSamples(0, 0, w, h, 0, rgb);
            return out;
        }
        Raster raster = image.getRaster();
        int[] samples = raster.getSamples(0, 0, w, h, 0, (int[]) null);
        int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
        if (max != 255) {
            for (int k = 0; k < samples.length; k++) {
                samples[k] = (int) Math.round(samples[k] * 255.0 / max);
            }
        }
        out.getRaster().setSamples(0, 0, w, h, 0, samples);
        return out;
    }

    private static BufferedImage toIntRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, image.getRGB(0, 0, w, h, null, 0, w), 0, w);
        return out;
    }

    /** Bilinear resize into a new image of the same (canonical) type, so gray levels are not re-encoded. */
    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, image.getType());
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
