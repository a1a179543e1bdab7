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
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.util.List;

/**
 * Grad-CAM (Selvaraju et al. 2017) for the built-in networks: with A the feature maps of a chosen layer (C×h×w)
 * and y the target's logit, α_k = mean over h×w of ∂y/∂A_k, map = ReLU(Σ_k α_k A_k), upsampled bilinearly
 * (half-pixel centres, as PyTorch's {@code interpolate(align_corners=False)}) to the input's H×W. The
 * gradient comes from the autograd bridge on the graph that {@link BuiltinClassifier#logitsWithFeatures}
 * records. TorchScript models have no named layers to read out here, so Grad-CAM refuses them. Compute thread
 * only.
 */
public final class GradCam {

    /** Why Grad-CAM refuses a model that is not a built-in network. */
    public static final String NEEDS_BUILTIN = "Grad-CAM needs a built-in architecture (convnet, resnet8, resnet20,"
            + " resnet18); use ig, grad, gradxinput, smoothgrad or occlusion for TorchScript models";

    /**
     * One Grad-CAM: the layer, its feature-map size, the channel weights α, the coarse map (h×w, after the ReLU)
     * and the map upsampled to the input (H×W). Maps are in the logit's units times the activation's.
     */
    public record Result(String layer, int channels, int height, int width, double[] weights, float[] coarse,
            float[] map) {
    }

    private final BuiltinClassifier model;
    private final AutogradBridge bridge;

    /** @throws IllegalArgumentException with {@link #NEEDS_BUILTIN} for a TorchScript model */
    public GradCam(Classifier model, AutogradBridge bridge) {
        if (!(model instanceof BuiltinClassifier builtin)) {
            throw new IllegalArgumentException(NEEDS_BUILTIN);
        }
        if (builtin.featureLayers().isEmpty()) {
            throw new IllegalArgumentException("Grad-CAM needs convolutional feature maps, and the "
                    + model.card().architecture() + " architecture has none; use ig, grad, gradxinput, smoothgrad or"
                    + " occlusion");
        }
        this.model = builtin;
        this.bridge = bridge;
    }

    /** The layers that can be chosen, in forward order. */
    public List<String> layers() {
        return model.featureLayers();
    }

    /** The default layer: the last convolutional feature map before the final pooling. */
    public String defaultLayer() {
        return model.defaultFeatureLayer();
    }

    /** Grad-CAM of class {@code target} for one normalized image at {@code layer}. */
    public Result compute(float[] x, int target, String layer) {
        ModelCard c = model.card();
        int h = c.height();
        int w = c.imageWidth();
        double[] a;
        double[] grad;
        long[] shape;
        try (NDManager scope = model.manager().newSubManager();
                GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray batch = scope.create(x, new Shape(1, c.channels(), h, w)).toType(model.dataType(), false);
            batch.setRequiresGradient(true);
            NDList out = model.logitsWithFeatures(batch, layer);
            NDArray activation = out.get(0);
            NDArray score = out.get(1).get(new NDIndex(":, {}", target)).sum();
            NDList g = bridge.grad(List.of(score), List.of(activation),
                    List.of(scope.ones(new Shape(), score.getDataType())));
            g.attach(scope);
            shape = activation.getShape().getShape();
            a = activation.toType(DataType.FLOAT64, false).toDoubleArray();
            grad = g.get(0).toType(DataType.FLOAT64, false).toDoubleArray();
        }
        int channels = (int) shape[1];
        int fh = (int) shape[2];
        int fw = (int) shape[3];
        int plane = fh * fw;
        double[] alpha = new double[channels];
        for (int k = 0; k < channels; k++) {
            double s = 0;
            for (int p = 0; p < plane; p++) {
                s += grad[k * plane + p];
            }
            alpha[k] = s / plane;
        }
        float[] coarse = combine(alpha, a, channels, plane);
        return new Result(layer, channels, fh, fw, alpha, coarse, upsampleBilinear(coarse, fh, fw, h, w));
    }

    /** ReLU(Σ_k α_k A_k) for activations A (C×plane, row-major). */
    public static float[] combine(double[] alpha, double[] activation, int channels, int plane) {
        float[] map = new float[plane];
        for (int p = 0; p < plane; p++) {
            double s = 0;
            for (int k = 0; k < channels; k++) {
                s += alpha[k] * activation[k * plane + p];
            }
            map[p] = (float) Math.max(0, s);
        }
        return map;
    }

    /**
     * Bilinear resize of one h×w plane to outH×outW with half-pixel centres (source coordinate
     * (i + ½)·h/outH − ½, clamped to the edge), like PyTorch's {@code interpolate(mode="bilinear",
     * align_corners=False)}.
     */
    public static float[] upsampleBilinear(float[] src, int h, int w, int outH, int outW) {
        float[] out = new float[outH * outW];
        for (int i = 0; i < outH; i++) {
            double sy = Math.max(0, (i + 0.5) * h / outH - 0.5);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int j = 0; j < outW; j++) {
                double sx = Math.max(0, (j + 0.5) * w / outW - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
                double bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
                out[i * outW + j] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }
}
