package org.dsvstudio.teach;

import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A 2-D data set of the Teach tab: points and their classes. Generated (blobs, moons, circles, XOR, spiral; noise,
 * size and seed as a teacher sets them) or read from a CSV file {@code x,y,class}. Points live in
 * [-{@value #RANGE}, {@value #RANGE}]²; as "images" for the engine they are 2×1×1 pixels in [0, 1].
 */
public record ToyData(String name, double[][] points, int[] labels, int classes) {

    /** Half the side of the square the points live in. */
    public static final double RANGE = 3;
    public static final List<String> KINDS = List.of("blobs", "moons", "circles", "xor", "spiral");
    static final int MAX_POINTS = 100_000;

    public ToyData {
        if (points.length != labels.length) {
            throw new IllegalArgumentException(points.length + " points but " + labels.length + " labels");
        }
    }

    public int size() {
        return points.length;
    }

    /** Class names for the engine: "class 0", "class 1", … */
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class " + c);
        }
        return names;
    }

    /**
     * A generated data set.
     *
     * @param kind blobs, moons, circles, xor or spiral
     * @param n points in all (split evenly between the classes)
     * @param noise standard deviation of the Gaussian noise added to each coordinate
     * @param classes 2 or 3 (blobs only; the others have 2)
     */
    public static ToyData generate(String kind, int n, double noise, long seed, int classes) {
        if (n < 4 || n > MAX_POINTS) {
            throw new IllegalArgumentException("the number of points must be 4.." + MAX_POINTS + ", got " + n);
        }
        if (!(noise >= 0 && noise <= 2)) {
            throw new IllegalArgumentException("noise must be 0..2, got " + noise);
        }
        int k = kind.equals("blobs") ? classes : 2;
        if (k < 2 || k > 3) {
            throw new IllegalArgumentException("2 or 3 classes, got " + classes);
        }
        Random r = new Random(seed);
        double[][] p = new double[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % k;
            y[i] = c;
            double u = r.nextDouble();
            double a;
            double b;
            switch (kind) {
                case "blobs" -> {
                    double angle = 2 * Math.PI * c / k + Math.PI / 4;
                    a = 1.4 * Math.cos(angle);
                    b = 1.4 * Math.sin(angle);
                }
                case "moons" -> {
                    double t = Math.PI * u;
                    a = c == 0 ? Math.cos(t) - 0.5 : 0.5 - Math.cos(t);
                    b = c == 0 ? Math.sin(t) - 0.25 : 0.25 - Math.sin(t);
                }
                case "circles" -> {
                    double t = 2 * Math.PI * u;
                    double radius = c == 0 ? 1.8 : 0.8;
                    a = radius * Math.cos(t);
                    b = radius * Math.sin(t);
                }
                case "xor" -> {
                    a = (r.nextDouble() * 2 - 1) * 2;
                    b = (r.nextDouble() * 0.9 + 0.1) * 2 * (r.nextBoolean() ? 1 : -1);
                    a = Math.copySign(Math.max(Math.abs(a), 0.2), a);
                    y[i] = (a > 0) == (b > 0) ? 0 : 1;
                }
                case "spiral" -> {
                    double t = 0.25 + 2.5 * u;
                    double turn = t * Math.PI + c * Math.PI;
                    a = 0.8 * t * Math.cos(turn);
                    b = 0.8 * t * Math.sin(turn);
                }
                default -> throw new IllegalArgumentException("unknown data '" + kind + "' (choose one of " + KINDS
                        + " or a CSV file)");
            }
            p[i] = new double[] {clamp(a + noise * r.nextGaussian()), clamp(b + noise * r.nextGaussian())};
        }
        return new ToyData(kind, p, y, k);
    }

    private static double clamp(double v) {
        return Math.max(-RANGE, Math.min(RANGE, v));
    }

    /** Reads {@code x,y,class} lines (a header line and # comments are skipped); classes 0..2. */
    public static ToyData readCsv(Path file) throws IOException {
        if (Files.size(file) > 16L << 20) {
            throw new DataFormatException(file, "larger than 16 MB: not a 2-D data set of the Teach tab");
        }
        List<double[]> points = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || (lineNo == 1 && !Character.isDigit(t.charAt(0)) && t.charAt(0) != '-'
                    && t.charAt(0) != '.')) {
                continue;
            }
            String[] f = t.split("[,;\\s]+");
            try {
                if (f.length != 3) {
                    throw new NumberFormatException();
                }
                double x = Double.parseDouble(f[0]);
                double yv = Double.parseDouble(f[1]);
                int c = Integer.parseInt(f[2]);
                if (!Double.isFinite(x) || !Double.isFinite(yv) || Math.abs(x) > RANGE || Math.abs(yv) > RANGE
                        || c < 0 || c > 2) {
                    throw new DataFormatException(file, "line " + lineNo + ": x and y must be in [-3, 3] and the class"
                            + " 0, 1 or 2, got '" + t + "'");
                }
                points.add(new double[] {x, yv});
                labels.add(c);
            } catch (NumberFormatException e) {
                throw new DataFormatException(file, "line " + lineNo + " is not 'x,y,class': " + t);
            }
            if (points.size() > MAX_POINTS) {
                throw new DataFormatException(file, "more than " + MAX_POINTS + " points");
            }
        }
        int k = labels.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (points.size() < 4 || k < 2) {
            throw new DataFormatException(file, "needs at least 4 points of at least 2 classes");
        }
        return new ToyData(file.getFileName().toString(), points.toArray(double[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), k);
    }

    public void writeCsv(Path file) throws IOException {
        StringBuilder s = new StringBuilder("x,y,class\n");
        for (int i = 0; i < size(); i++) {
            s.append(String.format(Locale.ROOT, "%.6f,%.6f,%d%n", points[i][0], points[i][1], labels[i]));
        }
        org.dsvstudio.model.AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A point as the engine's pixels (2×1×1 in [0, 1]). */
    public static float[] toPixels(double x, double y) {
        return new float[] {(float) ((x + RANGE) / (2 * RANGE)), (float) ((y + RANGE) / (2 * RANGE))};
    }

    /** Pixels back to the plane. */
    public static double[] fromPixels(float[] p) {
        return new double[] {p[0] * 2 * RANGE - RANGE, p[1] * 2 * RANGE - RANGE};
    }

    /** A pixel-space distance in the plane's units. */
    public static double toPlaneDistance(double pixelDistance) {
        return pixelDistance * 2 * RANGE;
    }

    /**
     * The data as the engine's training set: 2-channel 1×1 "images" of 8-bit pixels (steps of 6/255 ≈ 0.024 in
     * the plane, far below the noise of any data set worth teaching with).
     */
    public ImageDataset toImageDataset() {
        byte[] pixels = new byte[2 * size()];
        for (int i = 0; i < size(); i++) {
            float[] p = toPixels(points[i][0], points[i][1]);
            pixels[2 * i] = (byte) Math.round(255 * p[0]);
            pixels[2 * i + 1] = (byte) Math.round(255 * p[1]);
        }
        return new ImageDataset(name, pixels, labels.clone(), 2, 1, 1, classNames());
    }
}
