package org.dsvstudio.explain;

import org.dsvstudio.model.Probabilities;
import org.dsvstudio.model.Classifier;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * The model's decisions on the 2-D plane through three images (in the model's normalized input space): origin
 * A, first axis along B − A, second axis along the part of C − A orthogonal to it (Gram–Schmidt), so plane
 * coordinates are Euclidean distances in input space. A square window of the plane is sampled on an R×R grid of
 * cell centres and classified in batches, without gradients. Compute thread only (rendering is plain AWT and
 * may run anywhere).
 */
public final class DecisionPlane {

    /** Images per forward pass. */
    public static final int BATCH = 256;

    /** Default window side as a multiple of the anchors' larger bounding-box side. */
    public static final double DEFAULT_EXTENT = 1.5;

    /** The widest window: 1000 × the anchors' span already reaches inputs far outside any image's range. */
    public static final double MAX_EXTENT = 1000;

    /** Largest accepted grid resolution (R² forward passes). */
    public static final int MAX_RESOLUTION = 2048;

    /** Anchors with sin(angle between B − A and C − A) below this are rejected as collinear. */
    static final double MIN_SINE = 1e-3;

    private static final String[] NAMES = {"A", "B", "C"};

    private final Classifier model;
    private final float[][] anchors;
    private final float[] origin;
    private final double[] e1;
    private final double[] e2;
    private final double[][] coordinates;

    private DecisionPlane(Classifier model, float[][] anchors, double[] e1, double[] e2, double[][] coordinates) {
        this.model = model;
        this.anchors = anchors;
        this.origin = anchors[0];
        this.e1 = e1;
        this.e2 = e2;
        this.coordinates = coordinates;
    }

    /**
     * The plane through anchors a, b and c (normalized images of the model's input size).
     *
     * @throws IllegalArgumentException when two anchors are identical or the three lie (nearly) on one line
     */
    public static DecisionPlane through(Classifier model, float[] a, float[] b, float[] c) {
        Forward.checkSize(model, a, "anchor A");
        Forward.checkSize(model, b, "anchor B");
        Forward.checkSize(model, c, "anchor C");
        float[][] anchors = {a.clone(), b.clone(), c.clone()};
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                if (java.util.Arrays.equals(anchors[i], anchors[j])) {
                    throw new IllegalArgumentException("anchors " + NAMES[i] + " and " + NAMES[j]
                            + " are identical images; three different images are needed to span a plane");
                }
            }
        }
        int n = a.length;
        double[] d1 = new double[n];
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d1[i] = (double) b[i] - a[i];
            d2[i] = (double) c[i] - a[i];
        }
        double n1 = norm(d1);
        double n2 = norm(d2);
        double[] e1 = scaled(d1, 1 / n1);
        double along = dot(d2, e1);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = d2[i] - along * e1[i];
        }
        double across = norm(r);
        if (!(across > MIN_SINE * n2)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "anchors A, B and C lie on one line (the"
                    + " angle between B − A and C − A is %.3g°), so they span no plane; pick three images that differ"
                    + " in different ways", Math.toDegrees(Math.asin(Math.min(1, across / n2)))));
        }
        double[] e2 = scaled(r, 1 / across);
        double[][] coords = {{0, 0}, {n1, 0}, {along, across}};
        return new DecisionPlane(model, anchors, e1, e2, coords);
    }

    /** The anchors' plane coordinates (u, v): A = (0, 0), B = (|B − A|, 0), C = (·, > 0). */
    public double[][] anchorCoordinates() {
        return new double[][] {coordinates[0].clone(), coordinates[1].clone(), coordinates[2].clone()};
    }

    /** The normalized image at plane coordinates (u, v): A + u·e₁ + v·e₂. */
    public float[] point(double u, double v) {
        float[] x = new float[origin.length];
        pointInto(u, v, x, 0);
        return x;
    }

    private void pointInto(double u, double v, float[] dst, int offset) {
        for (int i = 0; i < origin.length; i++) {
            dst[offset + i] = (float) (origin[i] + u * e1[i] + v * e2[i]);
        }
    }

    /** The square window around the anchors' bounding box, its side {@code extent} × the box's larger side. */
    public Window defaultWindow(double extent) {
        return Window.around(coordinates, extent);
    }

    /**
     * Classifies the R×R cell centres of the window, {@link #BATCH} images per forward pass, and the anchors
     * themselves. {@code progress} receives the fraction of cells done after each batch; {@code cancelled} is
     * read before each batch and ends the work with a CancellationException.
     */
    public Result compute(int resolution, Window window, DoubleConsumer progress, BooleanSupplier cancelled) {
        if (resolution < 2 || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("resolution must be between 2 and " + MAX_RESOLUTION + ", got "
                    + resolution);
        }
        int k = model.card().numClasses();
        int size = origin.length;
        // the anchors: directly, and rebuilt from their plane coordinates the way the grid's points are
        float[] flat = new float[6 * size];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(anchors[i], 0, flat, i * size, size);
            pointInto(coordinates[i][0], coordinates[i][1], flat, (3 + i) * size);
        }
        double[] l = Forward.logits(model, flat, 6);
        double[][] anchorProbabilities = new double[3][];
        int[] anchorClasses = new int[3];
        int[] anchorPlaneClasses = new int[3];
        for (int i = 0; i < 3; i++) {
            anchorProbabilities[i] = Probabilities.softmax(l, i * k, k);
            anchorClasses[i] = Probabilities.argMax(anchorProbabilities[i]);
            anchorPlaneClasses[i] = Probabilities.argMax(Probabilities.softmax(l, (3 + i) * k, k));
        }
        int cells = resolution * resolution;
        int[] classes = new int[cells];
        float[] confidence = new float[cells];
        float[] batch = new float[Math.min(BATCH, cells) * size];
        for (int from = 0; from < cells; from += BATCH) {
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new CancellationException("decision plane stopped after " + from + " of " + cells + " cells");
            }
            int m = Math.min(BATCH, cells - from);
            for (int j = 0; j < m; j++) {
                int cell = from + j;
                pointInto(window.cellU(cell % resolution, resolution), window.cellV(cell / resolution, resolution),
                        batch, j * size);
            }
            double[] logits = Forward.logits(model, m * size == batch.length ? batch
                    : java.util.Arrays.copyOf(batch, m * size), m);
            for (int j = 0; j < m * k; j++) {
                if (!Double.isFinite(logits[j])) {
                    // a plane of NaN logits would read as one class everywhere
                    throw new IllegalArgumentException("the model's logits are NaN or infinite at plane point ("
                            + String.format(java.util.Locale.ROOT, "%.3g, %.3g",
                                    window.cellU((from + j / k) % resolution, resolution),
                                    window.cellV((from + j / k) / resolution, resolution))
                            + "), an input far outside the images' range: zoom in or use a smaller extent");
                }
            }
            for (int j = 0; j < m; j++) {
                double[] p = Probabilities.softmax(logits, j * k, k);
                int best = Probabilities.argMax(p);
                classes[from + j] = best;
                confidence[from + j] = (float) p[best];
            }
            if (progress != null) {
                progress.accept((double) (from + m) / cells);
            }
        }
        return new Result(resolution, window, k, classes, confidence, anchorCoordinates(), anchorClasses,
                anchorProbabilities, anchorPlaneClasses);
    }

    /**
     * A square window of the plane: centre (u, v) and half its side, in plane units (input-space distance).
     * Pan with {@link #centredAt}, zoom with {@link #zoomed}.
     */
    public record Window(double centerU, double centerV, double halfSize) {

        public Window {
            if (!(halfSize > 0) || !Double.isFinite(halfSize) || !Double.isFinite(centerU)
                    || !Double.isFinite(centerV)) {
                throw new IllegalArgumentException("a window needs a finite centre and a positive size, got centre ("
                        + centerU + ", " + centerV + "), half size " + halfSize);
            }
        }

        /** The square around the points' bounding box, its side {@code extent} × the box's larger side. */
        public static Window around(double[][] points, double extent) {
            if (!(extent > 0) || !(extent <= MAX_EXTENT)) {
                throw new IllegalArgumentException("extent must be a number in (0, " + (int) MAX_EXTENT + "], got "
                        + extent);
            }
            double uMin = Double.POSITIVE_INFINITY;
            double uMax = Double.NEGATIVE_INFINITY;
            double vMin = Double.POSITIVE_INFINITY;
            double vMax = Double.NEGATIVE_INFINITY;
            for (double[] p : points) {
                uMin = Math.min(uMin, p[0]);
                uMax = Math.max(uMax, p[0]);
                vMin = Math.min(vMin, p[1]);
                vMax = Math.max(vMax, p[1]);
            }
            double span = Math.max(uMax - uMin, vMax - vMin);
            return new Window((uMin + uMax) / 2, (vMin + vMax) / 2, extent * span / 2);
        }

        /** Zoomed in by {@code factor} (> 1 shows less of the plane, < 1 more), same centre. */
        public Window zoomed(double factor) {
            return new Window(centerU, centerV, halfSize / factor);
        }

        /** The same size, centred elsewhere. */
        public Window centredAt(double u, double v) {
            return new Window(u, v, halfSize);
        }

        public double uMin() {
            return centerU - halfSize;
        }

        public double uMax() {
            return centerU + halfSize;
        }

        public double vMin() {
            return centerV - halfSize;
        }

        public double vMax() {
            return centerV + halfSize;
        }

        /** u of the centre of grid column {@code col} (0 at the left). */
        public double cellU(int col, int resolution) {
            return uMin() + (col + 0.5) * 2 * halfSize / resolution;
        }

        /** v of the centre of grid row {@code row} (0 at the top, the largest v). */
        public double cellV(int row, int resolution) {
            return vMax() - (row + 0.5) * 2 * halfSize / resolution;
        }

        public boolean contains(double u, double v) {
            return u >= uMin() && u <= uMax() && v >= vMin() && v <= vMax();
        }
    }

    /**
     * A computed plane. {@code classes} and {@code confidence} (max softmax probability) are R×R, row-major,
     * row 0 at the top (largest v). {@code anchorClasses}/{@code anchorProbabilities}: a direct forward pass of
     * each anchor image; {@code anchorPlaneClasses}: of the anchor rebuilt from its plane coordinates, as the
     * grid's points are built (equal unless an anchor sits on a boundary within float rounding).
     */
    public record Result(int resolution, Window window, int numClasses, int[] classes, float[] confidence,
            double[][] anchors, int[] anchorClasses, double[][] anchorProbabilities, int[] anchorPlaneClasses) {

        public int classAt(int row, int col) {
            return classes[row * resolution + col];
        }

        public float confidenceAt(int row, int col) {
            return confidence[row * resolution + col];
        }

        /** The {row, col} of the cell that holds (u, v), or null outside the window. */
        public int[] cellOf(double u, double v) {
            if (!window.contains(u, v)) {
                return null;
            }
            double side = 2 * window.halfSize();
            int col = (int) Math.min(resolution - 1, Math.floor((u - window.uMin()) / side * resolution));
            int row = (int) Math.min(resolution - 1, Math.floor((window.vMax() - v) / side * resolution));
            return new int[] {row, col};
        }

        /** The share of cells predicted as each class. */
        public double[] classFractions() {
            long[] counts = new long[numClasses];
            for (int c : classes) {
                counts[c]++;
            }
            double[] f = new double[numClasses];
            for (int c = 0; c < numClasses; c++) {
                f[c] = (double) counts[c] / classes.length;
            }
            return f;
        }
    }

    // ---------------------------------------------------------------- rendering

    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf, 0x393b79, 0x637939, 0xe7ba52, 0xad494a, 0xa55194, 0x6b6ecf, 0xb5cf6b, 0xfd8d3c,
        0x31a354, 0x9c9ede};

    private static final int BOUNDARY = 0x1a1a1a;

    /** A fixed colour per class (RGB): 20 distinguishable ones, then hues spaced by the golden angle. */
    public static int colourOf(int cls) {
        if (cls >= 0 && cls < PALETTE.length) {
            return PALETTE[cls];
        }
        float hue = (float) ((cls * 0.6180339887498949) % 1.0);
        return Color.HSBtoRGB(hue, 0.65f, 0.8f) & 0xffffff;
    }

    /** The class colour faded towards white for low confidence: full colour at 1, pale at chance (1/K). */
    static int shade(int cls, double confidence, int numClasses) {
        double chance = 1.0 / numClasses;
        double s = Math.max(0, Math.min(1, (confidence - chance) / (1 - chance)));
        double w = 0.3 + 0.7 * s;
        int rgb = colourOf(cls);
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int ch = (rgb >> shift) & 0xff;
            out |= (int) Math.round(255 + w * (ch - 255)) << shift;
        }
        return out;
    }

    /**
     * The plane as an image, each cell {@code scale}×{@code scale} pixels: colour = predicted class, paler where
     * the confidence is lower, dark lines between cells of different classes, the anchors as white circles
     * with a dot in their own predicted class's colour, labelled A, B, C.
     */
    public static BufferedImage render(Result r, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        int res = r.resolution();
        int size = res * scale;
        int line = Math.max(1, scale / 4);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            int row = y / scale;
            int dy = y % scale;
            for (int x = 0; x < size; x++) {
                int col = x / scale;
                int dx = x % scale;
                int cls = r.classAt(row, col);
                boolean edge = (dx < line && col > 0 && r.classAt(row, col - 1) != cls)
                        || (dx >= scale - line && col < res - 1 && r.classAt(row, col + 1) != cls)
                        || (dy < line && row > 0 && r.classAt(row - 1, col) != cls)
                        || (dy >= scale - line && row < res - 1 && r.classAt(row + 1, col) != cls);
                img.setRGB(x, y, edge ? BOUNDARY : shade(cls, r.confidenceAt(row, col), r.numClasses()));
            }
        }
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        double radius = Math.max(5, Math.min(12, size / 60.0));
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, (int) Math.round(radius * 2.2));
        Window w = r.window();
        for (int i = 0; i < 3; i++) {
            double[] a = r.anchors()[i];
            if (!w.contains(a[0], a[1])) {
                continue;
            }
            double px = (a[0] - w.uMin()) / (2 * w.halfSize()) * size;
            double py = (w.vMax() - a[1]) / (2 * w.halfSize()) * size;
            // a white disc with a black rim and, inside, a dot in the anchor's own predicted class colour
            Ellipse2D circle = new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius);
            g.setColor(Color.WHITE);
            g.fill(circle);
            g.setStroke(new BasicStroke(1.5f));
            g.setColor(Color.BLACK);
            g.draw(circle);
            double dot = radius * 0.55;
            g.setColor(new Color(colourOf(r.anchorClasses()[i])));
            g.fill(new Ellipse2D.Double(px - dot, py - dot, 2 * dot, 2 * dot));
            // the letter beside the circle, away from the image's edges, with a white halo
            FontMetrics fm = g.getFontMetrics(font);
            String label = NAMES[i];
            double tx = px + radius + 2;
            if (tx + fm.stringWidth(label) > size) {
                tx = px - radius - 2 - fm.stringWidth(label);
            }
            double ty = py - radius - 1;
            if (ty - fm.getAscent() < 0) {
                ty = py + radius + fm.getAscent();
            }
            java.awt.Shape text = new TextLayout(label, font, g.getFontRenderContext())
                    .getOutline(AffineTransform.getTranslateInstance(tx, ty));
            g.setStroke(new BasicStroke(3.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.setColor(Color.WHITE);
            g.draw(text);
            g.setColor(Color.BLACK);
            g.fill(text);
        }
        g.dispose();
        return img;
    }

    /**
     * {@link #render} with a legend to its right: the colour, name and share of the grid of every class seen
     * in the grid or at an anchor, and each anchor's predicted class and confidence.
     */
    public static BufferedImage renderWithLegend(Result r, List<String> classNames, int scale) {
        BufferedImage plane = render(r, scale);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font bold = font.deriveFont(Font.BOLD);
        double[] fractions = r.classFractions();
        List<Integer> shown = new java.util.ArrayList<>();
        for (int c = 0; c < r.numClasses(); c++) {
            int cls = c;
            if (fractions[c] > 0 || java.util.Arrays.stream(r.anchorClasses()).anyMatch(a -> a == cls)) {
                shown.add(c);
            }
        }
        int lineHeight = 20;
        int legendWidth = 250;
        int pad = 10;
        int height = Math.max(plane.getHeight(), pad * 2 + lineHeight * (shown.size() + 6));
        BufferedImage out = new BufferedImage(plane.getWidth() + legendWidth, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(plane, 0, 0, null);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int x = plane.getWidth() + pad;
        int y = pad + 14;
        g.setColor(Color.BLACK);
        g.setFont(bold);
        g.drawString("predicted class (share of grid)", x, y);
        g.setFont(font);
        for (int c : shown) {
            y += lineHeight;
            g.setColor(new Color(colourOf(c)));
            g.fillRect(x, y - 12, 14, 14);
            g.setColor(Color.BLACK);
            g.drawRect(x, y - 12, 14, 14);
            g.drawString(String.format(Locale.ROOT, "%s  %.1f %%", name(classNames, c), 100 * fractions[c]), x + 22, y);
        }
        y += lineHeight + 6;
        g.setFont(bold);
        g.drawString("anchors", x, y);
        g.setFont(font);
        for (int i = 0; i < 3; i++) {
            y += lineHeight;
            int c = r.anchorClasses()[i];
            g.drawString(String.format(Locale.ROOT, "%s: %s (%.2f)", NAMES[i], name(classNames, c),
                    r.anchorProbabilities()[i][c]), x, y);
        }
        y += lineHeight;
        g.setColor(Color.DARK_GRAY);
        g.drawString("paler = less confident", x, y);
        g.dispose();
        return out;
    }

    static String name(List<String> classNames, int c) {
        return classNames != null && c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] scaled(double[] a, double f) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * f;
        }
        return out;
    }
}
