package org.dsvstudio.kkt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Pair;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.Classifier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * The paper's λ-on-real-images experiment: the inputs are fixed to real training images and only the
 * multipliers are optimized under the stationarity loss D(θ*, −Σ λᵢ ∇_θ ℓᵢ) (same distance and parameter
 * selection as a DeepKKT run). With x fixed, Σ λᵢ ∇_θ ℓᵢ = Gᵀλ is linear in λ, so the per-image gradients G
 * are computed once (one backward per image, through the selected parameters only) and λ is then optimized
 * by Adam on that matrix. Dual feasibility is kept by projection (λ ≥ 0), so every image keeps a score.
 * Compute thread only.
 */
public final class LambdaOnReal {

    /**
     * @param lambda final λ per image (≥ 0)
     * @param stationarity D at the end
     * @param stationarityAtZero D with every λ = 0
     * @param stationarityAtStart D with the initial λ (all equal)
     * @param parameterCount number of selected parameters
     */
    public record Result(double[] lambda, double stationarity, double stationarityAtZero, double stationarityAtStart,
            long parameterCount) {
    }

    private static final int BATCH = 50;

    private LambdaOnReal() {
    }

    /**
     * @param images normalized images, n×C×H×W flattened
     * @param labels class of each image
     * @param lambda0 the scale λ = λ₀·ν (ν starts at 1); for the cosine distance it only sets the units
     * @param steps Adam steps on ν
     * @param lr Adam learning rate of ν
     */
    public static Result run(Classifier model, AutogradBridge bridge, float[] images, int[] labels, KktConfig config,
            double lambda0, int steps, double lr, DoubleConsumer progress, BooleanSupplier cancelled) {
        var card = model.card();
        int n = labels.length;
        int size = card.channels() * card.height() * card.imageWidth();
        DataType type = model.dataType();
        List<Pair<String, NDArray>> selected = ParameterSelection.select(model.namedParameters(), config.parameters());
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager job = model.manager().newSubManager()) {
            List<NDArray> theta = new ArrayList<>();
            List<NDArray> thetaStar = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (Pair<String, NDArray> p : selected) {
                p.getValue().setRequiresGradient(true);
                theta.add(p.getValue());
                NDArray constant = p.getValue().stopGradient();
                constant.attach(job);
                thetaStar.add(constant);
                shapes.add(p.getValue().getShape());
            }
            KktLoss loss = new KktLoss(model, bridge, theta, thetaStar, config);
            long count = loss.parameterCount();
            // G: one row per image, the flattened ∇_θ ℓᵢ over the selected tensors
            NDArray g = job.zeros(new Shape(n, count), type);
            for (int from = 0; from < n; from += BATCH) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("cancelled while computing gradients");
                }
                int to = Math.min(n, from + BATCH);
                try (NDManager scope = job.newSubManager();
                        GradientCollector collector = engine.newGradientCollector()) {
                    float[] chunk = java.util.Arrays.copyOfRange(images, from * size, to * size);
                    NDArray x = scope.create(chunk, new Shape(to - from, card.channels(), card.height(),
                            card.imageWidth())).toType(type, false);
                    int[] y = java.util.Arrays.copyOfRange(labels, from, to);
                    NDArray logits = model.logits(x, true);
                    NDArray ce = logits.logSoftmax(1).mul(scope.create(y).oneHot(card.numClasses()).toType(type, false))
                            .sum(new int[] {1}).neg();
                    for (int i = 0; i < to - from; i++) {
                        NDList grads = bridge.gradRetain(List.of(ce.get(i)), theta,
                                List.of(scope.ones(new Shape(), type)));
                        grads.attach(scope);
                        NDList flat = new NDList();
                        for (NDArray t : grads) {
                            flat.add(t.reshape(-1));
                        }
                        NDArray row = ai.djl.ndarray.NDArrays.concat(flat);
                        g.set(new ai.djl.ndarray.index.NDIndex(from + i), row);
                    }
                }
                progress.accept(0.5 * to / n);
            }
            double[] nu = new double[n];
            java.util.Arrays.fill(nu, 1.0);
            double[] m = new double[n];
            double[] v = new double[n];
            double zero = loss.stationarityAtZero();
            double start = Double.NaN;
            double last = Double.NaN;
            for (int step = 0; step <= steps; step++) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("cancelled at λ step " + step);
                }
                try (NDManager scope = job.newSubManager();
                        GradientCollector collector = engine.newGradientCollector()) {
                    NDArray nuArray = scope.create(nu).toType(type, false);
                    nuArray.setRequiresGradient(true);
                    NDArray weighted = nuArray.mul(lambda0).reshape(1, n).matMul(g).reshape(-1);
                    List<NDArray> perTensor = new ArrayList<>();
                    long offset = 0;
                    for (Shape s : shapes) {
                        perTensor.add(weighted.get(offset + ":" + (offset + s.size())).reshape(s));
                        offset += s.size();
                    }
                    NDArray d = loss.distance(perTensor, scope);
                    last = d.toType(DataType.FLOAT64, false).getDouble();
                    if (step == 0) {
                        start = last;
                    }
                    if (step == steps) {
                        break;
                    }
                    NDList grad = bridge.grad(List.of(d), List.of(nuArray), List.of(scope.ones(new Shape(), type)));
                    grad.attach(scope);
                    double[] gn = grad.get(0).toType(DataType.FLOAT64, false).toDoubleArray();
                    double c1 = 1 - Math.pow(config.adamBeta1(), step + 1);
                    double c2 = 1 - Math.pow(config.adamBeta2(), step + 1);
                    for (int i = 0; i < n; i++) {
                        m[i] = config.adamBeta1() * m[i] + (1 - config.adamBeta1()) * gn[i];
                        v[i] = config.adamBeta2() * v[i] + (1 - config.adamBeta2()) * gn[i] * gn[i];
                        nu[i] = Math.max(0, nu[i] - lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8));
                    }
                }
                progress.accept(0.5 + 0.5 * (step + 1) / steps);
            }
            double[] lambda = new double[n];
            for (int i = 0; i < n; i++) {
                lambda[i] = lambda0 * nu[i];
            }
            return new Result(lambda, last, zero, start, count);
        }
    }
}
