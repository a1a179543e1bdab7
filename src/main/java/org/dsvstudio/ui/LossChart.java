package org.dsvstudio.ui;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.CheckBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The loss curves of a run: total objective, primal term, stationarity and priors, against the step, with a
 * log-scale toggle (JavaFX has no log axis, so log mode plots log₁₀ of each value and labels ticks as powers
 * of ten; values ≤ 0, e.g. a primal term that reached 0, are left out there).
 */
public final class LossChart extends VBox {

    /** More points than pixels only costs FX time: long runs are thinned to about this many. */
    private static final int MAX_POINTS = 400;

    private final NumberAxis xAxis = new NumberAxis();
    private final NumberAxis yAxis = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(xAxis, yAxis);
    private final CheckBox log = new CheckBox("log scale");
    private final List<Curve> curves = List.of(
            new Curve("total", JobViewModel.LossPoint::total),
            new Curve("primal", JobViewModel.LossPoint::primal),
            new Curve("stationarity", JobViewModel.LossPoint::stationarity),
            new Curve("priors (TV + norm)", JobViewModel.LossPoint::priors));
    private final ListChangeListener<JobViewModel.LossPoint> onChange = c -> redraw();
    private final List<XYChart.Series<Number, Number>> series = new java.util.ArrayList<>();
    private ObservableList<JobViewModel.LossPoint> points;
    private boolean showPriors;

    private record Curve(String name, ToDoubleFunction<JobViewModel.LossPoint> value) {
    }

    public LossChart() {
        setId("lossChart");
        javafx.scene.control.Tooltip.install(this, HelpTexts.tip(HelpTexts.LOSS_TIP));
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setTitle("Loss terms");
        chart.setPrefHeight(240);
        chart.setMinHeight(180);
        xAxis.setLabel("step");
        // steps are whole numbers: set the range and a round tick unit ourselves (auto-ranging picked 2.5s)
        xAxis.setAutoRanging(false);
        xAxis.setMinorTickVisible(false);
        xAxis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number n) {
                return Long.toString(Math.round(n.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                return Double.parseDouble(s);
            }
        });
        yAxis.setForceZeroInRange(false);
        for (Curve curve : curves) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(curve.name());
            series.add(s);
            chart.getData().add(s);
        }
        log.setId("lossLogScale");
        log.selectedProperty().addListener((obs, was, on) -> {
            yAxis.setTickLabelFormatter(on ? POWERS_OF_TEN : null);
            redraw();
        });
        VBox.setVgrow(chart, Priority.ALWAYS);
        getChildren().addAll(chart, log);
        redraw(); // sets the step axis's range and ticks before there is any point
    }

    /**
     * Follows a job's loss list (null clears the chart). The priors are drawn only when they are part of the
     * objective: at weight 0 they are still measured, and their large raw values would only flatten the rest.
     */
    public void follow(ObservableList<JobViewModel.LossPoint> list, boolean priorsWeighted) {
        if (points != null) {
            points.removeListener(onChange);
        }
        showPriors = priorsWeighted;
        XYChart.Series<Number, Number> priors = series.get(curves.size() - 1);
        if (priorsWeighted && !chart.getData().contains(priors)) {
            chart.getData().add(priors);
        } else if (!priorsWeighted) {
            chart.getData().remove(priors);
        }
        points = list;
        if (points != null) {
            points.addListener(onChange);
        }
        redraw();
    }

    /** Points currently plotted in the first curve (for tests). */
    public int plottedPoints() {
        return series.get(0).getData().size();
    }

    private void redraw() {
        boolean logScale = log.isSelected();
        int n = points == null ? 0 : points.size();
        int stride = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int lastStep = n == 0 ? 10 : Math.max(10, points.get(n - 1).step());
        double unit = niceUnit(lastStep / 5.0);
        xAxis.setLowerBound(0);
        xAxis.setUpperBound(Math.ceil(lastStep / unit) * unit);
        xAxis.setTickUnit(unit);
        for (int k = 0; k < curves.size(); k++) {
            if (k == curves.size() - 1 && !showPriors) {
                series.get(k).getData().clear();
                continue;
            }
            Curve curve = curves.get(k);
            ObservableList<XYChart.Data<Number, Number>> data = series.get(k).getData();
            java.util.ArrayList<XYChart.Data<Number, Number>> fresh = new java.util.ArrayList<>();
            for (int i = 0; i < n; i += stride) {
                add(fresh, points.get(i), curve, logScale);
            }
            if (n > 0 && (n - 1) % stride != 0) {
                add(fresh, points.get(n - 1), curve, logScale);
            }
            data.setAll(fresh);
        }
    }

    /** 1, 2 or 5 times a power of ten, at least raw. */
    static double niceUnit(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static void add(List<XYChart.Data<Number, Number>> out, JobViewModel.LossPoint p, Curve curve,
            boolean logScale) {
        double v = curve.value().applyAsDouble(p);
        if (!Double.isFinite(v) || (logScale && v <= 0)) {
            return;
        }
        out.add(new XYChart.Data<>(p.step(), logScale ? Math.log10(v) : v));
    }

    private static final StringConverter<Number> POWERS_OF_TEN = new StringConverter<>() {
        @Override
        public String toString(Number exponent) {
            return String.format(Locale.ROOT, "%.2g", Math.pow(10, exponent.doubleValue()));
        }

        @Override
        public Number fromString(String s) {
            return Math.log10(Double.parseDouble(s));
        }
    };
}
