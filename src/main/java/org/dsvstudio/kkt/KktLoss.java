package org.dsvstudio.kkt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.Classifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The DeepKKT objective for one chunk of candidates and its exact gradients with respect to the images x and
 * the multipliers ν (λ = λ₀·ν), including the second-order path through ∇_θ ℓ. Must run on the compute
 * thread inside a GradientCollector.
 *
 * <p>One evaluation: logits of x and of A(x); per-sample cross-entropy ℓ; g = ∇_θ Σ λᵢ ℓᵢ via the autograd
 * bridge with create_graph (θ's .grad untouched); stationarity = D(θ*, −(g + rest)) where rest is the other
 * chunks' detached contribution; then one more bridge call for ∂total/∂(x, ν).
 */
public final class KktLoss {

    private final Classifier model;
    private final AutogradBridge bridge;
    private final List<NDArray> theta;
    private final List<NDArray> thetaStar;
    private final KktConfig config;
    private final double[] layerMeanAbs;
    private final double[] layerSquares;
    private final long thetaCount;
    private final double thetaNorm;

    /**
     * @param theta the selected parameters (the graph's leaves, gradients w.r.t. them are taken)
     * @param thetaStar detached copies of the same values (constants in the residual)
     */
    public KktLoss(Classifier model, AutogradBridge bridge, List<NDArray> theta, List<NDArray> thetaStar,
            KktConfig config) {
        this.model = model;
        this.bridge = bridge;
        this.theta = theta;
        this.thetaStar = thetaStar;
        this.config = config;
        layerMeanAbs = new double[theta.size()];
        layerSquares = new double[theta.size()];
        long count = 0;
        double squares = 0;
        for (int l = 0; l < thetaStar.size(); l++) {
            NDArray t = thetaStar.get(l);
            try (NDArray abs = t.abs(); NDArray mean = abs.mean(); NDArray sq = t.square(); NDArray sum = sq.sum()) {
                layerMeanAbs[l] = mean.toType(DataType.FLOAT64, false).getDouble();
                layerSquares[l] = sum.toType(DataType.FLOAT64, false).getDouble();
            }
            count += t.size();
            squares += layerSquares[l];
        }
        thetaCount = count;
        thetaNorm = Math.sqrt(squares);
    }

    /** D(θ*, 0): the stationarity loss when every λ is 0. */
    public double stationarityAtZero() {
        switch (config.distance()) {
            case L1_MEAN: {
                double s = 0;
                for (int l = 0; l < layerMeanAbs.length; l++) {
                    s += layerMeanAbs[l] * thetaStar.get(l).size();
                }
                return s / thetaCount;
            }
            case L2_SQUARED:
                return thetaNorm * thetaNorm;
            default:
                return 1.0;
        }
    }

    public long parameterCount() {
        return thetaCount;
    }

    /** What one chunk's evaluation returns (plain Java values, the NDArrays are closed with the scope). */
    public record ChunkResult(double primal, double primalAug, double stationarity, double stationarityAug,
            double tv, double norm, float[] gradX, float[] gradNu, float[] logits) {
    }

    /**
     * Σᵢ λᵢ ∇_θ ℓᵢ of this chunk for X and for A(X), detached (first order only): what the other chunks need
     * as their "rest". Element 0 = for X, element 1 = for A(X) (null without augmentation).
     */
    public List<List<NDArray>> weightedGradients(NDArray x, NDArray lambda, NDArray targets, Augmenter.Draw draw) {
        Forward f = forward(x, targets, draw);
        List<List<NDArray>> out = new ArrayList<>();
        out.add(detach(bridge.gradRetain(List.of(f.ceX.mul(lambda).sum()), theta, List.of(one(x)))));
        out.add(f.ceA == null ? null : detach(bridge.gradRetain(List.of(f.ceA.mul(lambda).sum()), theta,
                List.of(one(x)))));
        return out;
    }

    /**
     * The chunk's share of the objective and its gradients.
     *
     * @param x the chunk's images (leaf, requires gradient), normalized units
     * @param nu the chunk's multipliers ν (leaf, requires gradient); λ = nu·lambdaScale
     * @param lambdaScale λ₀ per candidate, 0 for removed candidates (constant)
     * @param targets n×K target distributions (one-hot or soft)
     * @param hard whether targets are hard labels (the primal term is then hinge-like)
     * @param draw augmentation for this step, or null
     * @param restX other chunks' Σλ∇ℓ on X, per θ tensor, or null
     * @param restA the same for A(X), or null
     * @param countNorm the number of active candidates overall (primal averages over them)
     * @param pixelNorm the number of active pixel values overall (priors average over them)
     */
    public ChunkResult evaluate(NDArray x, NDArray nu, NDArray lambdaScale, NDArray targets, boolean hard,
            Augmenter.Draw draw, List<NDArray> restX, List<NDArray> restA, double countNorm, double pixelNorm) {
        NDManager scope = x.getManager();
        Forward f = forward(x, targets, draw);
        NDArray active = lambdaScale.gt(0).toType(x.getDataType(), false);
        NDArray lambda = nu.mul(lambdaScale);
        double s = config.stationarityWeight();
        double eta = config.augmentWeight();
        double b1 = config.primalWeight();

        NDArray primalX = primal(f.logitsX, f.ceX, targets, hard, active).div(countNorm);
        NDArray total = primalX.mul(b1);
        NDArray primalA = null;
        if (f.ceA != null) {
            primalA = primal(f.logitsA, f.ceA, targets, hard, active).div(countNorm);
            total = total.add(primalA.mul(eta * b1));
        }
        NDArray statX = null;
        NDArray statA = null;
        if (s > 0) {
            statX = stationarity(f.ceX.mul(lambda).sum(), restX, x);
            total = total.add(statX.mul(s));
            if (f.ceA != null) {
                statA = stationarity(f.ceA.mul(lambda).sum(), restA, x);
                total = total.add(statA.mul(eta * s));
            }
        }
        NDArray activeImages = active.reshape(-1, 1, 1, 1);
        NDArray tv = totalVariation(x, activeImages).div(pixelNorm);
        NDArray norm = x.square().mul(activeImages).sum().div(pixelNorm);
        if (config.tvWeight() > 0) {
            total = total.add(tv.mul(config.tvWeight()));
        }
        if (config.normWeight() > 0) {
            total = total.add(norm.mul(config.normWeight()));
        }
        NDList grads = s > 0 ? bridge.grad(List.of(total), List.of(x, nu), List.of(one(x)))
                : bridge.grad(List.of(total), List.of(x), List.of(one(x)));
        float[] gx = grads.get(0).toType(DataType.FLOAT32, false).toFloatArray();
        float[] gnu = s > 0 ? grads.get(1).toType(DataType.FLOAT32, false).toFloatArray() : new float[(int) nu.size()];
        grads.attach(scope);
        return new ChunkResult(value(primalX), primalA == null ? 0 : value(primalA), statX == null ? 0 : value(statX),
                statA == null ? 0 : value(statA), value(tv), value(norm), gx, gnu,
                f.logitsX.toType(DataType.FLOAT32, false).toFloatArray());
    }

    private record Forward(NDArray logitsX, NDArray ceX, NDArray logitsA, NDArray ceA) {
    }

    /**
     * X and A(X) go through the model as two separate forwards, not one concatenated batch: each stationarity
     * gradient then back-propagates through its own half only (measured 1.7–3.8× faster per step than one
     * concatenated graph, whose backward for X's term also walked A(X)'s half with zeros).
     */
    private Forward forward(NDArray x, NDArray targets, Augmenter.Draw draw) {
        NDArray logitsX = model.logits(x, true);
        NDArray ceX = crossEntropy(logitsX, targets);
        if (draw == null) {
            return new Forward(logitsX, ceX, null, null);
        }
        NDArray logitsA = model.logits(Augmenter.apply(x, draw), true);
        return new Forward(logitsX, ceX, logitsA, crossEntropy(logitsA, targets));
    }

    private static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg();
    }

    /** Σ over active candidates of ℓᵢ, with ℓᵢ = 0 where the hard target is already predicted (Eq. 7). */
    private static NDArray primal(NDArray logits, NDArray ce, NDArray targets, boolean hard, NDArray active) {
        NDArray weight = active;
        if (hard) {
            NDArray wrong = logits.argMax(1).neq(targets.argMax(1)).toType(ce.getDataType(), false);
            weight = weight.mul(wrong);
        }
        return ce.mul(weight).sum();
    }

    private NDArray stationarity(NDArray weightedLoss, List<NDArray> rest, NDArray like) {
        NDList g = bridge.gradWithGraph(List.of(weightedLoss), theta, List.of(one(like)));
        g.attach(like.getManager());
        List<NDArray> sum = new ArrayList<>(g.size());
        for (int l = 0; l < g.size(); l++) {
            sum.add(rest == null ? g.get(l) : g.get(l).add(rest.get(l)));
        }
        return distance(sum, like.getManager());
    }

    /** D(θ*, −g) for g = Σ λᵢ ∇ℓᵢ given per θ tensor. */
    NDArray distance(List<NDArray> g, NDManager scope) {
        NDArray acc = null;
        switch (config.distance()) {
            case L1_MEAN:
                for (int l = 0; l < g.size(); l++) {
                    acc = plus(acc, g.get(l).add(thetaStar.get(l)).abs().sum());
                }
                return acc.div(thetaCount);
            case L2_SQUARED:
                for (int l = 0; l < g.size(); l++) {
                    acc = plus(acc, g.get(l).add(thetaStar.get(l)).square().sum());
                }
                return acc;
            case LAYER_L1:
                for (int l = 0; l < g.size(); l++) {
                    acc = plus(acc, g.get(l).add(thetaStar.get(l)).abs().mean().div(Math.max(layerMeanAbs[l], 1e-12)));
                }
                return acc.div(g.size());
            case LAYER_L2:
                for (int l = 0; l < g.size(); l++) {
                    acc = plus(acc, g.get(l).add(thetaStar.get(l)).square().sum().div(Math.max(layerSquares[l], 1e-24)));
                }
                return acc.div(g.size());
            case COSINE: {
                NDArray dot = null;
                NDArray sq = null;
                for (int l = 0; l < g.size(); l++) {
                    dot = plus(dot, g.get(l).mul(thetaStar.get(l)).sum());
                    sq = plus(sq, g.get(l).square().sum());
                }
                // cos(θ*, −g) = −⟨g, θ*⟩ / (‖g‖ ‖θ*‖); the tiny epsilon keeps λ → 0 finite.
                NDArray cos = dot.neg().div(sq.add(1e-30).sqrt().mul(thetaNorm));
                return cos.neg().add(1);
            }
            default:
                throw new IllegalStateException("unknown distance " + config.distance());
        }
    }

    private static NDArray plus(NDArray acc, NDArray term) {
        return acc == null ? term : acc.add(term);
    }

    /** Σ |x[h+1] − x[h]| + |x[w+1] − x[w]| over active images (anisotropic TV). */
    private static NDArray totalVariation(NDArray x, NDArray activeImages) {
        NDArray dh = x.get(":, :, 1:, :").sub(x.get(":, :, :-1, :")).abs().mul(activeImages).sum();
        NDArray dw = x.get(":, :, :, 1:").sub(x.get(":, :, :, :-1")).abs().mul(activeImages).sum();
        return dh.add(dw);
    }

    private static NDArray one(NDArray like) {
        return like.getManager().ones(new ai.djl.ndarray.types.Shape(), like.getDataType());
    }

    private static List<NDArray> detach(NDList grads) {
        List<NDArray> out = new ArrayList<>(grads.size());
        for (NDArray g : grads) {
            out.add(g.stopGradient());
        }
        return out;
    }

    private static double value(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }
}
