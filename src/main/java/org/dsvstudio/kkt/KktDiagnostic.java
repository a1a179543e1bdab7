package org.dsvstudio.kkt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.train.Batches;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * How close a trained model is to the stationary point DeepKKT assumes. With G = Σᵢ ∇_θ ℓᵢ over the
 * training set (eval mode, cross-entropy), a model trained to convergence with weight decay μ satisfies
 * θ* ≈ −G/(μN). Reported per parameter tensor and overall: cos(θ*, −G) and ‖θ* + G/(μN)‖ / ‖θ*‖.
 */
public final class KktDiagnostic {

    /**
     * One row.
     *
     * @param name parameter tensor name, or "all"
     * @param size number of weights
     * @param cosine cos(θ*, −G) (NaN when G = 0, e.g. a bias before a normalization)
     * @param residual ‖θ* + G/(μN)‖ / ‖θ*‖ (NaN without μ)
     * @param thetaNorm ‖θ*‖
     * @param gradientNorm ‖G/(μN)‖ (NaN without μ)
     */
    public record Row(String name, long size, double cosine, double residual, double thetaNorm, double gradientNorm) {
    }

    /** The whole diagnostic. */
    public record Report(String model, String data, int samples, Double weightDecay, List<Row> rows) {
        public Row overall() {
            return rows.get(rows.size() - 1);
        }
    }

    private KktDiagnostic() {
    }

    public static Report run(Classifier model, AutogradBridge bridge, ImageDataset data, Double weightDecay,
            DoubleConsumer progress, BooleanSupplier cancelled) {
        List<Pair<String, NDArray>> params = model.namedParameters();
        List<NDArray> theta = new ArrayList<>();
        double[][] g = new double[params.size()][];
        for (int l = 0; l < params.size(); l++) {
            NDArray p = params.get(l).getValue();
            p.setRequiresGradient(true);
            theta.add(p);
            g[l] = new double[(int) p.size()];
        }
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int batch = 200;
        Engine engine = Engine.getEngine("PyTorch");
        int done = 0;
        for (int from = 0; from < order.length; from += batch) {
            if (cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("KKT check cancelled");
            }
            int to = Math.min(order.length, from + batch);
            try (NDManager scope = model.manager().newSubManager();
                    GradientCollector collector = engine.newGradientCollector()) {
                NDArray x = Batches.images(data, order, from, to, model.card(), scope).toType(model.dataType(), false);
                NDArray y = Batches.labels(data, order, from, to, scope).oneHot(model.card().numClasses())
                        .toType(model.dataType(), false);
                NDArray loss = model.logits(x, true).logSoftmax(1).mul(y).sum().neg();
                NDList grads = bridge.gradRetain(List.of(loss), theta, List.of(scope.ones(loss.getShape(),
                        loss.getDataType())));
                grads.attach(scope);
                for (int l = 0; l < grads.size(); l++) {
                    double[] gl = grads.get(l).toType(DataType.FLOAT64, false).toDoubleArray();
                    for (int k = 0; k < gl.length; k++) {
                        g[l][k] += gl[k];
                    }
                }
            }
            done = to;
            progress.accept((double) done / order.length);
        }
        double scale = weightDecay == null || weightDecay <= 0 ? Double.NaN : 1.0 / (weightDecay * data.size());
        List<Row> rows = new ArrayList<>();
        double dotAll = 0;
        double tAll = 0;
        double gAll = 0;
        double rAll = 0;
        long sizeAll = 0;
        for (int l = 0; l < params.size(); l++) {
            double[] t = params.get(l).getValue().toType(DataType.FLOAT64, false).toDoubleArray();
            double dot = 0;
            double tt = 0;
            double gg = 0;
            double rr = 0;
            for (int k = 0; k < t.length; k++) {
                dot += t[k] * -g[l][k];
                tt += t[k] * t[k];
                gg += g[l][k] * g[l][k];
                double r = t[k] + g[l][k] * scale;
                rr += r * r;
            }
            rows.add(row(params.get(l).getKey(), t.length, dot, tt, gg, rr, scale));
            dotAll += dot;
            tAll += tt;
            gAll += gg;
            rAll += rr;
            sizeAll += t.length;
        }
        rows.add(row("all", sizeAll, dotAll, tAll, gAll, rAll, scale));
        return new Report(model.card().name(), data.name(), data.size(), weightDecay, rows);
    }

    private static Row row(String name, long size, double dot, double tt, double gg, double rr, double scale) {
        double cos = gg == 0 || tt == 0 ? Double.NaN : dot / Math.sqrt(tt * gg);
        double residual = Double.isNaN(scale) || tt == 0 ? Double.NaN : Math.sqrt(rr / tt);
        return new Row(name, size, cos, residual, Math.sqrt(tt), Double.isNaN(scale) ? Double.NaN : Math.sqrt(gg) * scale);
    }
}
