package org.dsvstudio.report;

import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.kkt.LossTerms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A run's loss curves as a figure: the total loss (log scale when it stays positive) and the stationarity ratio
 * (stationarity over its λ = 0 value; below 0.5 the KKT stationarity condition counts as approximately met).
 */
public final class LossFigure {

    private static final double W = 300;
    private static final double H = 150;
    private static final double LEFT = 48;
    private static final double TOP = 28;

    private LossFigure() {
    }

    public static Figure of(KktResult result, boolean dark) {
        int text = dark ? 0xe8e8e8 : 0x1e1e1e;
        int muted = dark ? 0x9a9a9a : 0x777777;
        List<Figure.Op> ops = new ArrayList<>();
        List<LossTerms> h = result.history();
        panel(ops, 0, "Total loss", h, LossTerms::total, true, result.stepsDone(), text, muted, 0x1f77b4, Double.NaN);
        panel(ops, W + LEFT + 24, "Stationarity ÷ its λ = 0 value", h, LossTerms::stationarityRatio, false,
                result.stepsDone(), text, muted, 0xd62728, KktResult.STATIONARITY_NOT_MET);
        return new Figure(2 * (W + LEFT) + 24 + 16, TOP + H + 40, dark ? 0x1e1f22 : 0xffffff, ops);
    }

    private static void panel(List<Figure.Op> ops, double x0, String title, List<LossTerms> h,
            ToDoubleFunction<LossTerms> value, boolean logIfPositive, int steps, int text, int muted, int colour,
            double guide) {
        double left = x0 + LEFT;
        ops.add(new Figure.Text(left, 18, title, 11, true, text));
        ops.add(new Figure.Box(left, TOP, W, H, -1, muted, 0.6));
        double[] v = h.stream().mapToDouble(value).toArray();
        boolean positive = java.util.Arrays.stream(v).filter(Double::isFinite).allMatch(d -> d > 0);
        boolean log = logIfPositive && positive && v.length > 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d)) {
                double t = log ? Math.log10(d) : d;
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
        }
        if (Double.isFinite(guide)) {
            lo = Math.min(lo, guide);
            hi = Math.max(hi, guide);
            lo = Math.min(lo, 0);
        }
        if (!(lo < hi)) {
            lo = Double.isFinite(lo) ? lo - 1 : 0;
            hi = lo + 2;
        }
        double pad = (hi - lo) * 0.05;
        lo -= lo == 0 ? 0 : pad; // a ratio's axis starts at 0
        hi += pad;
        ops.add(new Figure.Text(x0 + 4, TOP + 8, label(log ? Math.pow(10, hi) : hi), 8.5, false, muted));
        ops.add(new Figure.Text(x0 + 4, TOP + H, label(log ? Math.pow(10, lo) : lo), 8.5, false, muted));
        ops.add(new Figure.Text(left, TOP + H + 14, "0", 8.5, false, muted));
        String last = "step " + steps + (log ? " · log scale" : "");
        ops.add(new Figure.Text(left + W - Figure.textWidth(last, 8.5, false), TOP + H + 14, last, 8.5, false, muted));
        if (Double.isFinite(guide)) {
            double gy = TOP + H * (hi - guide) / (hi - lo);
            ops.add(new Figure.Line(new double[] {left, gy, left + W, gy}, muted, 0.6));
            ops.add(new Figure.Text(left + 4, gy < TOP + 12 ? gy + 10 : gy - 3, String.format(Locale.ROOT, "%.1f: condition met below", guide),
                    8.5, false, muted));
        }
        List<Double> xy = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i]) || (log && v[i] <= 0)) {
                continue;
            }
            double t = log ? Math.log10(v[i]) : v[i];
            xy.add(left + W * (v.length == 1 ? 0 : i / (double) (v.length - 1)));
            xy.add(TOP + H * (hi - t) / (hi - lo));
        }
        if (xy.size() >= 4) {
            ops.add(new Figure.Line(xy.stream().mapToDouble(Double::doubleValue).toArray(), colour, 1.4));
        } else {
            ops.add(new Figure.Text(left + 8, TOP + H / 2, "no history recorded", 10, false, muted));
        }
    }

    private static String label(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v != 0) ? "%.1e" : "%.3g", v);
    }
}
