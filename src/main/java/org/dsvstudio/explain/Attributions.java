package org.dsvstudio.explain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.util.List;
import java.util.Random;

/**
 * Gradient-based attributions of one class score (the logit) with respect to the input, in the model's
 * normalized input space: vanilla gradient, gradient × input, SmoothGrad and Integrated Gradients. They need
 * nothing but input gradients (through the autograd bridge), so they work on TorchScript models as well as on
 * the built-in networks. Compute thread only.
 */
public final class Attributions {

    /** Images per forward/backward batch (memory; the results do not depend on it). */
    static final int BATCH = 32;

    private final Classifier model;
    private final AutogradBridge bridge;
    private final int size;

    public Attributions(Classifier model, AutogradBridge bridge) {
        this.model = model;
        this.bridge = bridge;
        ModelCard c = model.card();
        this.size = c.channels() * c.height() * c.imageWidth();
    }

    /** All logits for one normalized image. */
    public double[] logits(float[] x) {
        try (NDManager scope = model.manager().newSubManager()) {
            return model.logits(batch(new float[][] {x}, 0, 1, scope), false).toType(DataType.FLOAT64, false)
                    .toDoubleArray();
        }
    }

    /** The model's logit of {@code target} for one normalized image. */
    public double score(float[] x, int target) {
        return scores(new float[][] {x}, target)[0];
    }

    /** ∂ logit_target / ∂x, one normalized image. */
    public float[] gradient(float[] x, int target) {
        return gradients(new float[][] {x}, target)[0];
    }

    /** Gradient × input (the input as given, in normalized units). */
    public float[] gradientTimesInput(float[] x, int target) {
        float[] g = gradient(x, target);
        for (int i = 0; i < g.length; i++) {
            g[i] *= x[i];
        }
        return g;
    }

    /** SmoothGrad: the gradient averaged over {@code samples} copies of x with Gaussian noise of std sigma. */
    public float[] smoothGrad(float[] x, int target, int samples, double sigma, long seed) {
        Random random = new Random(seed);
        float[][] noisy = new float[samples][];
        for (int s = 0; s < samples; s++) {
            noisy[s] = new float[size];
            for (int i = 0; i < size; i++) {
                noisy[s][i] = (float) (x[i] + sigma * random.nextGaussian());
            }
        }
        return mean(gradients(noisy, target));
    }

    /**
     * Integrated Gradients along the straight path from baseline to x, midpoint rule with {@code steps} points:
     * (x − b) ⊙ mean_k ∇f(b + α_k (x − b)), α_k = (k + ½)/steps. Completeness: the attributions sum to about
     * f(x) − f(b).
     */
    public float[] integratedGradients(float[] x, float[] baseline, int target, int steps) {
        float[][] path = new float[steps][size];
        for (int k = 0; k < steps; k++) {
            float alpha = (float) ((k + 0.5) / steps);
            for (int i = 0; i < size; i++) {
                path[k][i] = baseline[i] + alpha * (x[i] - baseline[i]);
            }
        }
        float[] avg = mean(gradients(path, target));
        for (int i = 0; i < size; i++) {
            avg[i] *= x[i] - baseline[i];
        }
        return avg;
    }

    /**
     * Occlusion: slide a window (all channels) over the image with the given stride, replace it by the
     * baseline's pixels, and credit every pixel under the window with the score's drop f(x) − f(occluded),
     * averaged over the windows covering it (0 where none does).
     */
    public float[] occlusion(float[] x, float[] baseline, int target, int window, int stride) {
        ModelCard c = model.card();
        int h = c.height();
        int w = c.imageWidth();
        int plane = h * w;
        List<int[]> corners = new java.util.ArrayList<>();
        for (int r = 0; r + window <= h; r += stride) {
            for (int col = 0; col + window <= w; col += stride) {
                corners.add(new int[] {r, col});
            }
        }
        float[][] occluded = new float[corners.size()][];
        for (int k = 0; k < corners.size(); k++) {
            float[] o = x.clone();
            int[] rc = corners.get(k);
            for (int ch = 0; ch < c.channels(); ch++) {
                for (int dy = 0; dy < window; dy++) {
                    for (int dx = 0; dx < window; dx++) {
                        int i = ch * plane + (rc[0] + dy) * w + rc[1] + dx;
                        o[i] = baseline[i];
                    }
                }
            }
            occluded[k] = o;
        }
        double fx = score(x, target);
        double[] drops = scores(occluded, target);
        float[] sum = new float[size];
        int[] count = new int[size];
        for (int k = 0; k < corners.size(); k++) {
            int[] rc = corners.get(k);
            for (int ch = 0; ch < c.channels(); ch++) {
                for (int dy = 0; dy < window; dy++) {
                    for (int dx = 0; dx < window; dx++) {
                        int i = ch * plane + (rc[0] + dy) * w + rc[1] + dx;
                        sum[i] += (float) (fx - drops[k]);
                        count[i]++;
                    }
                }
            }
        }
        for (int i = 0; i < size; i++) {
            sum[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        }
        return sum;
    }

    /**
     * Spearman rank correlation of |a| and |b| (ties get their mean rank): how alike two maps are, whatever
     * their scales; the model-randomization sanity check compares a model's map with a re-initialized one's.
     */
    public static double rankCorrelationOfMagnitudes(float[] a, float[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < ra.length; i++) {
            ma += ra[i];
            mb += rb[i];
        }
        ma /= ra.length;
        mb /= rb.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < ra.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double[] ranks(float[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Float.compare(Math.abs(v[p]), Math.abs(v[q])));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length;) {
            int j = i;
            while (j + 1 < v.length && Math.abs(v[order[j + 1]]) == Math.abs(v[order[i]])) {
                j++;
            }
            double mean = (i + j) / 2.0;
            for (int k = i; k <= j; k++) {
                r[order[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }

    /** A baseline: every pixel black (pixel value 0, normalized). */
    public float[] blackBaseline() {
        return Baseline.black().normalized(new float[size], model.card());
    }

    /** The given baseline for the normalized input x, normalized with the card's mean/std (see {@link Baseline}). */
    public float[] baseline(Baseline baseline, float[] x) {
        return baseline.normalized(x, model.card());
    }

    private float[][] gradients(float[][] xs, int target) {
        int k = model.card().numClasses();
        float[][] weights = new float[xs.length][k];
        for (float[] w : weights) {
            w[target] = 1;
        }
        return gradientsOf(xs, weights);
    }

    /**
     * ∂⟨wᵢ, logits(xᵢ)⟩/∂xᵢ for every image: a class score's gradient is wᵢ = one-hot, a margin's
     * (z_c − z_k) is e_c − e_k. Normalized units.
     */
    public float[][] gradientsOf(float[][] xs, float[][] logitWeights) {
        float[][] out = new float[xs.length][];
        int k = model.card().numClasses();
        Engine engine = Engine.getEngine("PyTorch");
        for (int from = 0; from < xs.length; from += BATCH) {
            int m = Math.min(BATCH, xs.length - from);
            try (NDManager scope = model.manager().newSubManager();
                    GradientCollector collector = engine.newGradientCollector()) {
                NDArray batch = batch(xs, from, m, scope);
                batch.setRequiresGradient(true);
                NDArray logits = model.logits(batch, true);
                float[] w = new float[m * k];
                for (int j = 0; j < m; j++) {
                    System.arraycopy(logitWeights[from + j], 0, w, j * k, k);
                }
                // the scores are independent per image, so ∂(Σ scores)/∂x gives each image's own gradient
                NDArray total = logits.mul(scope.create(w, new Shape(m, k)).toType(logits.getDataType(), false)).sum();
                NDList g = bridge.grad(List.of(total), List.of(batch), List.of(scope.ones(new Shape(),
                        total.getDataType())));
                g.attach(scope);
                float[] flat = g.get(0).toType(DataType.FLOAT32, false).toFloatArray();
                for (int j = 0; j < m; j++) {
                    out[from + j] = java.util.Arrays.copyOfRange(flat, j * size, (j + 1) * size);
                }
            }
        }
        return out;
    }

    /** All logits of every image (batched forward, no graph). */
    public double[][] logitsOf(float[][] xs) {
        int k = model.card().numClasses();
        double[][] out = new double[xs.length][];
        for (int from = 0; from < xs.length; from += BATCH) {
            int m = Math.min(BATCH, xs.length - from);
            try (NDManager scope = model.manager().newSubManager()) {
                double[] l = model.logits(batch(xs, from, m, scope), false).toType(DataType.FLOAT64, false)
                        .toDoubleArray();
                for (int j = 0; j < m; j++) {
                    out[from + j] = java.util.Arrays.copyOfRange(l, j * k, (j + 1) * k);
                }
            }
        }
        return out;
    }

    private double[] scores(float[][] xs, int target) {
        double[][] l = logitsOf(xs);
        double[] out = new double[xs.length];
        for (int j = 0; j < xs.length; j++) {
            out[j] = l[j][target];
        }
        return out;
    }

    private NDArray batch(float[][] xs, int from, int m, NDManager scope) {
        ModelCard c = model.card();
        float[] flat = new float[m * size];
        for (int j = 0; j < m; j++) {
            System.arraycopy(xs[from + j], 0, flat, j * size, size);
        }
        return scope.create(flat, new Shape(m, c.channels(), c.height(), c.imageWidth())).toType(model.dataType(),
                false);
    }

    private float[] mean(float[][] rows) {
        float[] m = new float[size];
        for (float[] r : rows) {
            for (int i = 0; i < size; i++) {
                m[i] += r[i];
            }
        }
        for (int i = 0; i < size; i++) {
            m[i] /= rows.length;
        }
        return m;
    }
}
