package org.dsvstudio.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The app's chart views as vector figures (SVG, PDF), drawn from the same numbers the views show: the class
 * probabilities along a path between two images, the margins of DSVs against real images, a comparison matrix.
 */
public final class ChartFigures {

    private static final int TEXT = 0x1e1e1e;
    private static final int MUTED = 0x777777;
    /** Ten distinct colours (the usual categorical palette), repeated past ten classes. */
    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf};

    private ChartFigures() {
    }

    /**
     * Class probabilities along the straight path from P (t = 0) to Q (t = 1); the classes that ever lead are drawn
     * and named, the crossings of the leading class are marked.
     */
    public static Figure path(double[] t, double[][] probabilities, List<String> classNames, double[] crossings,
            String title) {
        double left = 56;
        double top = 40;
        double w = 520;
        double h = 240;
        List<Figure.Op> ops = new ArrayList<>();
        ops.add(new Figure.Text(left, 22, title, 12, true, TEXT));
        axes(ops, left, top, w, h, "t (0 = P, 1 = Q)", "probability", 0, 1, 0, 1);
        java.util.Set<Integer> shown = new java.util.TreeSet<>();
        for (double[] p : probabilities) {
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                best = p[k] > p[best] ? k : best;
            }
            shown.add(best);
        }
        double legendY = top + 14;
        for (int k : shown) {
            double[] xy = new double[2 * t.length];
            for (int i = 0; i < t.length; i++) {
                xy[2 * i] = left + w * t[i];
                xy[2 * i + 1] = top + h * (1 - probabilities[i][k]);
            }
            int colour = PALETTE[k % PALETTE.length];
            ops.add(new Figure.Line(xy, colour, 1.6));
            ops.add(new Figure.Line(new double[] {left + w + 14, legendY - 4, left + w + 30, legendY - 4}, colour, 2.5));
            ops.add(new Figure.Text(left + w + 36, legendY, k < classNames.size() ? classNames.get(k) : "class " + k,
                    10, false, TEXT));
            legendY += 15;
        }
        for (int i = 0; i < crossings.length; i++) {
            double x = left + w * crossings[i];
            ops.add(new Figure.Line(new double[] {x, top, x, top + h}, MUTED, 0.8));
            ops.add(new Figure.Text(x + 3, top + 12, Integer.toString(i + 1), 9, true, MUTED));
        }
        return new Figure(left + w + 180, top + h + 44, 0xffffff, ops);
    }

    /** Histograms of the distance to the nearest decision boundary: DSVs against real images, as shares. */
    public static Figure margins(double[] dsv, double[] real, String realSource) {
        double left = 56;
        double top = 40;
        double w = 520;
        double h = 220;
        List<Figure.Op> ops = new ArrayList<>();
        ops.add(new Figure.Text(left, 22, "Distance to the nearest decision boundary (pixel L2)", 12, true, TEXT));
        double max = 0;
        for (double[] a : List.of(dsv, real)) {
            for (double v : a) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = max <= 0 ? 1 : max * 1.0001;
        int bins = 20;
        double[] a = shares(dsv, bins, max);
        double[] b = shares(real, bins, max);
        double top2 = 0;
        for (int i = 0; i < bins; i++) {
            top2 = Math.max(top2, Math.max(a[i], b[i]));
        }
        top2 = top2 <= 0 ? 1 : top2;
        axes(ops, left, top, w, h, "distance", "share", 0, max, 0, top2);
        double bw = w / bins;
        for (int i = 0; i < bins; i++) {
            double x = left + i * bw;
            ops.add(new Figure.Box(x + 1, top + h * (1 - b[i] / top2), bw / 2 - 1, h * b[i] / top2, 0x9ecae1, -1, 0));
            ops.add(new Figure.Box(x + bw / 2, top + h * (1 - a[i] / top2), bw / 2 - 1, h * a[i] / top2, 0xe6550d, -1,
                    0));
        }
        ops.add(new Figure.Box(left + w + 14, top + 6, 12, 10, 0xe6550d, -1, 0));
        ops.add(new Figure.Text(left + w + 32, top + 15, String.format(Locale.ROOT, "DSVs (%d, median %.2f)",
                dsv.length, median(dsv)), 10, false, TEXT));
        ops.add(new Figure.Box(left + w + 14, top + 24, 12, 10, 0x9ecae1, -1, 0));
        ops.add(new Figure.Text(left + w + 32, top + 33, String.format(Locale.ROOT, "real images (%d, median %.2f)",
                real.length, median(real)), 10, false, TEXT));
        if (realSource != null) {
            ops.add(new Figure.Text(left + w + 32, top + 47, realSource, 9, false, MUTED));
        }
        return new Figure(left + w + 230, top + h + 44, 0xffffff, ops);
    }

    /** A confusion matrix: rows = the DSVs' classes, columns = what the other model says; counts in the cells. */
    public static Figure confusion(int[][] counts, List<String> classNames, String title) {
        int k = counts.length;
        double cell = 30;
        double labelW = 0;
        for (String n : classNames) {
            labelW = Math.max(labelW, Figure.textWidth(n, 10, false));
        }
        double left = 20 + labelW + 8;
        double top = 56;
        List<Figure.Op> ops = new ArrayList<>();
        ops.add(new Figure.Text(20, 22, title, 12, true, TEXT));
        int max = 1;
        for (int[] row : counts) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        for (int i = 0; i < k; i++) {
            String name = i < classNames.size() ? classNames.get(i) : "class " + i;
            ops.add(new Figure.Text(left - 6 - Figure.textWidth(name, 10, false), top + i * cell + cell * 0.65, name, 10,
                    false, TEXT));
            for (int j = 0; j < k; j++) {
                double share = counts[i][j] / (double) max;
                int shade = 255 - (int) Math.round(share * 200);
                int fill = i == j ? (shade << 16) | (255 << 8) | shade : (255 << 16) | (shade << 8) | shade;
                ops.add(new Figure.Box(left + j * cell, top + i * cell, cell, cell, counts[i][j] == 0 ? 0xffffff : fill,
                        0xdddddd, 0.5));
                if (counts[i][j] > 0) {
                    String v = Integer.toString(counts[i][j]);
                    ops.add(new Figure.Text(left + j * cell + (cell - Figure.textWidth(v, 10, false)) / 2,
                            top + i * cell + cell * 0.65, v, 10, false, TEXT));
                }
            }
        }
        // column names, short: the first letters, full names are the rows'
        for (int j = 0; j < k; j++) {
            String name = j < classNames.size() ? classNames.get(j) : "class " + j;
            String shortName = name.length() <= 4 ? name : name.substring(0, 3) + "…";
            ops.add(new Figure.Text(left + j * cell + 2, top - 6, shortName, 9, false, MUTED));
        }
        String key = "rows: the DSVs' classes · columns: the other model's answer (green: agrees)";
        ops.add(new Figure.Text(20, top + k * cell + 18, key, 9.5, false, MUTED));
        double width = Math.max(left + k * cell, Math.max(20 + Figure.textWidth(key, 9.5, false),
                20 + Figure.textWidth(title, 12, true))) + 20;
        return new Figure(width, top + k * cell + 32, 0xffffff, ops);
    }

    private static void axes(List<Figure.Op> ops, double left, double top, double w, double h, String xLabel,
            String yLabel, double x0, double x1, double y0, double y1) {
        ops.add(new Figure.Box(left, top, w, h, -1, MUTED, 0.6));
        ops.add(new Figure.Text(left - 30, top + 8, label(y1), 8.5, false, MUTED));
        ops.add(new Figure.Text(left - 30, top + h, label(y0), 8.5, false, MUTED));
        ops.add(new Figure.Text(left, top + h + 14, label(x0), 8.5, false, MUTED));
        String end = label(x1);
        ops.add(new Figure.Text(left + w - Figure.textWidth(end, 8.5, false), top + h + 14, end, 8.5, false, MUTED));
        ops.add(new Figure.Text(left + w / 2 - Figure.textWidth(xLabel, 9.5, false) / 2, top + h + 28, xLabel, 9.5,
                false, TEXT));
        ops.add(new Figure.Text(4, top + h / 2, yLabel, 9.5, false, TEXT));
    }

    private static double[] shares(double[] values, int bins, double max) {
        double[] out = new double[bins];
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                out[Math.min(bins - 1, (int) (v / max * bins))]++;
                n++;
            }
        }
        for (int i = 0; i < bins && n > 0; i++) {
            out[i] /= n;
        }
        return out;
    }

    private static double median(double[] values) {
        double[] s = java.util.Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String label(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v != 0) ? "%.1e" : "%.3g", v);
    }
}
