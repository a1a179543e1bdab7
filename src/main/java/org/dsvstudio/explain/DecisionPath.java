package org.dsvstudio.explain;

import org.dsvstudio.model.Probabilities;
import org.dsvstudio.model.Classifier;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * The model's class probabilities along the straight path x(t) = (1 − t)·P + t·Q, t ∈ [0, 1], in the model's
 * normalized input space: K evenly spaced samples (both ends included), and every place where the predicted
 * class changes between two neighbouring samples, narrowed by bisection to an interval of width ≤
 * {@link #TOLERANCE}. Compute thread only (the chart is plain AWT).
 */
public final class DecisionPath {

    /** Width of the t interval a crossing is narrowed to. */
    public static final double TOLERANCE = 1e-4;

    /** Images per forward pass. */
    public static final int BATCH = 256;

    /** Largest accepted number of samples. */
    public static final int MAX_POINTS = 100_000;

    private DecisionPath() {
    }

    /**
     * A change of the predicted class: argmax is {@code from} at {@code before} and {@code to} at {@code after}
     * (after − before ≤ TOLERANCE); {@code t} is their midpoint, {@code image} the normalized image there and
     * {@code probabilities} the model's softmax of it.
     */
    public record Crossing(double t, double before, double after, int from, int to, float[] image,
            double[] probabilities) {
    }

    /**
     * The samples ({@code t}, softmax {@code probabilities} and argmax {@code classes}, one row per sample),
     * the crossings in order of t, and the input-space distance |Q − P|.
     */
    public record Result(double[] t, double[][] probabilities, int[] classes, List<Crossing> crossings,
            double distance) {
    }

    /** The normalized image at t on the path: (1 − t)·P + t·Q (exactly P at 0 and Q at 1). */
    public static float[] pointAt(float[] p, float[] q, double t) {
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = (float) ((1 - t) * p[i] + t * q[i]);
        }
        return x;
    }

    /**
     * Samples {@code points} (≥ 2) evenly spaced t, then bisects every change of class. {@code progress}
     * receives a fraction after each forward pass; {@code cancelled} is read before each one and ends the work
     * with a CancellationException.
     */
    public static Result compute(Classifier model, float[] p, float[] q, int points, DoubleConsumer progress,
            BooleanSupplier cancelled) {
        Forward.checkSize(model, p, "image P");
        Forward.checkSize(model, q, "image Q");
        if (points < 2 || points > MAX_POINTS) {
            throw new IllegalArgumentException("the path needs between 2 and " + MAX_POINTS + " points, got " + points);
        }
        double[] t = new double[points];
        double[][] probs = new double[points][];
        int[] classes = new int[points];
        for (int from = 0; from < points; from += BATCH) {
            check(cancelled, "path stopped after " + from + " of " + points + " points");
            int m = Math.min(BATCH, points - from);
            float[][] xs = new float[m][];
            for (int j = 0; j < m; j++) {
                int i = from + j;
                t[i] = i == points - 1 ? 1.0 : (double) i / (points - 1);
                xs[j] = pointAt(p, q, t[i]);
            }
            double[][] pr = Forward.probabilities(model, xs, BATCH);
            for (int j = 0; j < m; j++) {
                probs[from + j] = pr[j];
                classes[from + j] = Probabilities.argMax(pr[j]);
            }
            report(progress, 0.9 * (from + m) / points);
        }
        // bisection, all crossings at once: one forward pass per halving
        List<int[]> changes = new ArrayList<>();
        for (int i = 0; i + 1 < points; i++) {
            if (classes[i] != classes[i + 1]) {
                changes.add(new int[] {i});
            }
        }
        int n = changes.size();
        double[] lo = new double[n];
        double[] hi = new double[n];
        int[] fromClass = new int[n];
        int[] toClass = new int[n];
        for (int c = 0; c < n; c++) {
            int i = changes.get(c)[0];
            lo[c] = t[i];
            hi[c] = t[i + 1];
            fromClass[c] = classes[i];
            toClass[c] = classes[i + 1];
        }
        int halvings = n == 0 ? 0 : (int) Math.ceil(Math.log((1.0 / (points - 1)) / TOLERANCE) / Math.log(2));
        for (int step = 0; step < halvings; step++) {
            check(cancelled, "path stopped while narrowing the crossings");
            float[][] xs = new float[n][];
            double[] mid = new double[n];
            for (int c = 0; c < n; c++) {
                mid[c] = (lo[c] + hi[c]) / 2;
                xs[c] = pointAt(p, q, mid[c]);
            }
            double[][] pr = Forward.probabilities(model, xs, BATCH);
            for (int c = 0; c < n; c++) {
                int cls = Probabilities.argMax(pr[c]);
                if (cls == fromClass[c]) {
                    lo[c] = mid[c];
                } else {
                    hi[c] = mid[c];
                    toClass[c] = cls;
                }
            }
            report(progress, 0.9 + 0.1 * (step + 1) / halvings);
        }
        List<Crossing> crossings = new ArrayList<>();
        if (n > 0) {
            check(cancelled, "path stopped before its crossing images");
            float[][] xs = new float[n][];
            for (int c = 0; c < n; c++) {
                xs[c] = pointAt(p, q, (lo[c] + hi[c]) / 2);
            }
            double[][] pr = Forward.probabilities(model, xs, BATCH);
            for (int c = 0; c < n; c++) {
                crossings.add(new Crossing((lo[c] + hi[c]) / 2, lo[c], hi[c], fromClass[c], toClass[c], xs[c], pr[c]));
            }
        }
        report(progress, 1);
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            d += ((double) q[i] - p[i]) * ((double) q[i] - p[i]);
        }
        return new Result(t, probs, classes, List.copyOf(crossings), Math.sqrt(d));
    }

    private static void check(BooleanSupplier cancelled, String message) {
        if (cancelled != null && cancelled.getAsBoolean()) {
            throw new CancellationException(message);
        }
    }

    private static void report(DoubleConsumer progress, double fraction) {
        if (progress != null) {
            progress.accept(fraction);
        }
    }

    /**
     * A line chart of every class's probability along t (class colours as in {@link DecisionPlane#colourOf}),
     * the crossings as dashed vertical lines numbered 1, 2, …, a legend of the classes that reach 1 % and of the
     * crossings (t, from → to).
     */
    public static BufferedImage chart(Result r, List<String> classNames, int width, int height) {
        int left = 56;
        int right = 190;
        int top = 46;
        int bottom = 46;
        int pw = width - left - right;
        int ph = height - top - bottom;
        if (pw < 50 || ph < 50) {
            throw new IllegalArgumentException("chart too small: " + width + "×" + height);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(font);
        // grid and axes
        for (int k = 0; k <= 4; k++) {
            double f = k / 4.0;
            int y = top + (int) Math.round((1 - f) * ph);
            int x = left + (int) Math.round(f * pw);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, left + pw, y);
            g.drawLine(x, top, x, top + ph);
            g.setColor(Color.DARK_GRAY);
            String yl = String.format(Locale.ROOT, "%.2f", f);
            g.drawString(yl, left - 8 - g.getFontMetrics().stringWidth(yl), y + 4);
            String xl = String.format(Locale.ROOT, "%.2f", f);
            g.drawString(xl, x - g.getFontMetrics().stringWidth(xl) / 2, top + ph + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.drawString("t  (0 = P, 1 = Q)", left + pw / 2 - 40, top + ph + 34);
        g.drawString("probability", 6, top - 16);
        g.setFont(font.deriveFont(Font.BOLD, 13f));
        g.drawString(String.format(Locale.ROOT, "class probabilities along the path P → Q (|Q − P| = %.3g)",
                r.distance()), left, 18);
        g.setFont(font);
        // crossings
        float[] dash = {5f, 4f};
        for (int c = 0; c < r.crossings().size(); c++) {
            int x = left + (int) Math.round(r.crossings().get(c).t() * pw);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
            g.drawLine(x, top, x, top + ph);
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            String label = Integer.toString(c + 1);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top - 3);
        }
        // curves: faint classes first so the important ones are on top
        int k = r.probabilities()[0].length;
        double[] peak = new double[k];
        for (double[] row : r.probabilities()) {
            for (int j = 0; j < k; j++) {
                peak[j] = Math.max(peak[j], row[j]);
            }
        }
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(peak[a], peak[b]));
        for (int j : order) {
            Path2D.Double line = new Path2D.Double();
            for (int i = 0; i < r.t().length; i++) {
                double x = left + r.t()[i] * pw;
                double y = top + (1 - r.probabilities()[i][j]) * ph;
                if (i == 0) {
                    line.moveTo(x, y);
                } else {
                    line.lineTo(x, y);
                }
            }
            g.setColor(new Color(DecisionPlane.colourOf(j)));
            g.setStroke(new BasicStroke(peak[j] >= 0.01 ? 2f : 1f));
            g.draw(line);
        }
        // legend
        int lx = left + pw + 14;
        int ly = top + 10;
        g.setStroke(new BasicStroke(1f));
        for (int j = 0; j < k; j++) {
            if (peak[j] < 0.01) {
                continue;
            }
            g.setColor(new Color(DecisionPlane.colourOf(j)));
            g.fillRect(lx, ly - 9, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(DecisionPlane.name(classNames, j), lx + 24, ly - 3);
            ly += 18;
        }
        // the crossings, numbered as on the chart
        ly += 10;
        for (int c = 0; c < r.crossings().size() && ly < height - 10; c++) {
            Crossing x = r.crossings().get(c);
            g.drawString(String.format(Locale.ROOT, "%d: t = %.4f", c + 1, x.t()), lx, ly);
            g.drawString(DecisionPlane.name(classNames, x.from()) + " → " + DecisionPlane.name(classNames, x.to()),
                    lx + 10, ly + 15);
            ly += 36;
        }
        g.dispose();
        return img;
    }
}
