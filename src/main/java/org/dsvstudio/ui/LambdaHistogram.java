package org.dsvstudio.ui;

import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Histogram of the multipliers λ of the kept candidates; the title counts the removed ones. */
public final class LambdaHistogram extends BarChart<String, Number> {

    private static final int BINS = 10;

    private final XYChart.Series<String, Number> series = new XYChart.Series<>();

    public LambdaHistogram() {
        super(new CategoryAxis(), new NumberAxis());
        setId("lambdaHistogram");
        javafx.scene.control.Tooltip.install(this, HelpTexts.tip(HelpTexts.LAMBDA_TIP));
        setAnimated(false);
        setLegendVisible(false);
        setTitle("λ of the candidates");
        setPrefHeight(240);
        setMinHeight(180);
        setBarGap(1);
        setCategoryGap(2);
        getXAxis().setLabel("λ");
        getYAxis().setLabel("candidates");
        ((NumberAxis) getYAxis()).setMinorTickVisible(false);
        getData().add(series);
    }

    /** Shows λ (removed[i] = true leaves candidate i out); null clears. */
    public void show(double[] lambda, boolean[] removed) {
        if (lambda == null) {
            series.getData().clear();
            setTitle("λ of the candidates");
            return;
        }
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < lambda.length; i++) {
            if (!removed[i] && Double.isFinite(lambda[i])) {
                kept.add(lambda[i]);
            }
        }
        int gone = lambda.length - kept.size();
        setTitle(String.format(Locale.ROOT, "λ of %d kept candidate%s%s", kept.size(), kept.size() == 1 ? "" : "s",
                gone == 0 ? "" : " (" + gone + " removed)"));
        int[] counts = new int[BINS];
        double lo = kept.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = kept.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
            // all equal (e.g. at step 0): one visible bin around the value
            lo = lo - 0.5 * Math.max(Math.abs(lo), 1e-6);
            hi = hi + 0.5 * Math.max(Math.abs(hi), 1e-6);
        }
        double width = (hi - lo) / BINS;
        for (double v : kept) {
            counts[Math.min(BINS - 1, (int) ((v - lo) / width))]++;
        }
        List<XYChart.Data<String, Number>> bars = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            bars.add(new XYChart.Data<>(String.format(Locale.ROOT, "%.3g", lo + (b + 0.5) * width), counts[b]));
        }
        // The bars are replaced, not updated in place: changing the X values of live bars while the category
        // axis re-ranged drew wrong heights (2.5 candidates) at wrong places, seen on screen.
        series.getData().setAll(bars);
    }
}
