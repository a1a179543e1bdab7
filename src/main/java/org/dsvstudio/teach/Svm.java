package org.dsvstudio.teach;

import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_problem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A support vector machine on 2-D points, trained by LIBSVM (C-SVC; linear or RBF kernel): its decisions, its
 * support vectors with their dual coefficients, and the width of its margin — the classical picture DeepKKT
 * generalizes to deep networks.
 */
public final class Svm {

    /** The kernels the Teach tab offers. */
    public enum Kernel {
        LINEAR, RBF
    }

    /** A support vector: its index in the data, and y·α (LIBSVM's dual coefficient; |α| = C at the bound). */
    public record SupportVector(int index, double[] point, double dualCoefficient) {
    }

    static {
        svm.svm_set_print_string_function(s -> { }); // LIBSVM prints its progress to stdout otherwise
    }

    private final svm_model model;
    private final Kernel kernel;
    private final double c;
    private final double gamma;
    private final ToyData data;

    private Svm(svm_model model, Kernel kernel, double c, double gamma, ToyData data) {
        this.model = model;
        this.kernel = kernel;
        this.c = c;
        this.gamma = gamma;
        this.data = data;
    }

    public static Svm train(ToyData data, Kernel kernel, double c, double gamma) {
        if (!(c > 0 && c <= 1e6)) {
            throw new IllegalArgumentException("C must be in (0, 1e6], got " + c);
        }
        if (!(gamma > 0 && gamma <= 1e4)) {
            throw new IllegalArgumentException("γ must be in (0, 1e4], got " + gamma);
        }
        svm_problem problem = new svm_problem();
        problem.l = data.size();
        problem.y = Arrays.stream(data.labels()).asDoubleStream().toArray();
        problem.x = new svm_node[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            problem.x[i] = nodes(data.points()[i][0], data.points()[i][1]);
        }
        svm_parameter p = new svm_parameter();
        p.svm_type = svm_parameter.C_SVC;
        p.kernel_type = kernel == Kernel.LINEAR ? svm_parameter.LINEAR : svm_parameter.RBF;
        p.C = c;
        p.gamma = gamma;
        p.cache_size = 64;
        p.eps = 1e-4;
        p.shrinking = 1;
        p.probability = 0;
        p.nr_weight = 0;
        p.weight_label = new int[0];
        p.weight = new double[0];
        String problemText = svm.svm_check_parameter(problem, p);
        if (problemText != null) {
            throw new IllegalArgumentException("LIBSVM: " + problemText);
        }
        return new Svm(svm.svm_train(problem, p), kernel, c, gamma, data);
    }

    private static svm_node[] nodes(double x, double y) {
        svm_node a = new svm_node();
        a.index = 1;
        a.value = x;
        svm_node b = new svm_node();
        b.index = 2;
        b.value = y;
        return new svm_node[] {a, b};
    }

    public Kernel kernel() {
        return kernel;
    }

    public double c() {
        return c;
    }

    public double gamma() {
        return gamma;
    }

    /** The SVM's class and decision value at each cell centre of an n×n grid over the plane, rows from the top. */
    public record Regions(int resolution, int[] classes, double[] decision) {
    }

    private Regions regions;

    /**
     * The regions on an n×n grid, computed once per n and kept: the first call belongs off the FX thread (n² LIBSVM
     * predictions), later ones return what it computed.
     */
    public synchronized Regions regions(int n) {
        if (regions == null || regions.resolution() != n) {
            int[] classes = new int[n * n];
            double[] decision = new double[n * n];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double x = -ToyData.RANGE + (c + 0.5) * 2 * ToyData.RANGE / n;
                    double y = ToyData.RANGE - (r + 0.5) * 2 * ToyData.RANGE / n;
                    decision[r * n + c] = decision(x, y);
                    classes[r * n + c] = predict(x, y);
                }
            }
            regions = new Regions(n, classes, decision);
        }
        return regions;
    }

    public int predict(double x, double y) {
        return (int) svm.svm_predict(model, nodes(x, y));
    }

    /**
     * The decision value of the first pair of classes, signed so that it is positive on the side of the larger
     * class label (for two classes: > 0 → class 1); ±1 are the margin lines.
     */
    public double decision(double x, double y) {
        double[] values = new double[model.nr_class * (model.nr_class - 1) / 2];
        svm.svm_predict_values(model, nodes(x, y), values);
        // LIBSVM's value is positive for model.label[0]
        return model.label[0] > model.label[1] ? values[0] : -values[0];
    }

    public List<SupportVector> supportVectors() {
        List<SupportVector> out = new ArrayList<>();
        for (int i = 0; i < model.l; i++) {
            int index = model.sv_indices[i] - 1;
            double coef = 0;
            for (double[] row : model.sv_coef) {
                coef = Math.abs(row[i]) > Math.abs(coef) ? row[i] : coef;
            }
            out.add(new SupportVector(index, data.points()[index].clone(), coef));
        }
        return out;
    }

    /** Fraction of the data classified as its class. */
    public double accuracy() {
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            right += predict(data.points()[i][0], data.points()[i][1]) == data.labels()[i] ? 1 : 0;
        }
        return right / (double) data.size();
    }

    /**
     * Half the margin, in the plane's units: the distance from the decision boundary to a margin line, 1/‖w‖ for a
     * linear kernel; for RBF the median over the free support vectors (0 < |α| < C, on their margin line) of
     * |f|/‖∇f‖, the same quantity measured where the margin is.
     */
    public double marginWidth() {
        List<Double> widths = new ArrayList<>();
        for (SupportVector sv : supportVectors()) {
            if (Math.abs(sv.dualCoefficient()) < c * (1 - 1e-6)) {
                double[] p = sv.point();
                double h = 1e-4;
                double gx = (decision(p[0] + h, p[1]) - decision(p[0] - h, p[1])) / (2 * h);
                double gy = (decision(p[0], p[1] + h) - decision(p[0], p[1] - h)) / (2 * h);
                double norm = Math.hypot(gx, gy);
                if (norm > 0) {
                    widths.add(Math.abs(decision(p[0], p[1])) / norm);
                }
            }
        }
        if (widths.isEmpty()) {
            return Double.NaN;
        }
        widths.sort(Double::compare);
        return widths.get(widths.size() / 2);
    }
}
