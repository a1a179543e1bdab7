package org.dsvstudio.app;

import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.Baseline;
import org.dsvstudio.explain.ExplainImages;
import org.dsvstudio.explain.GradCam;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.Probabilities;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The saliency views' use case: one image (a file or a DSV), prepared for the loaded model, and heat maps of
 * "why class A" or "why A rather than B" (the logit difference z_A − z_B) by any method. Gradient methods take the
 * gradient of ⟨w, logits⟩ with w = e_A or e_A − e_B ({@link Attributions#gradientsOf}), along the whole path for
 * Integrated Gradients and over every noisy copy for SmoothGrad, in batches with a cancel check between them.
 * Occlusion of z_A − z_B is occlusion(A) − occlusion(B) (the score drop and the averaging are linear in the score).
 * Grad-CAM explains one class only. Compute thread only, except the records.
 */
public final class Saliency {

    private Saliency() {
    }

    /** The methods, in the order the views list them. */
    public enum Method {
        GRADIENT("Gradient"),
        GRADIENT_X_INPUT("Gradient × input"),
        SMOOTHGRAD("SmoothGrad"),
        INTEGRATED_GRADIENTS("Integrated Gradients"),
        OCCLUSION("Occlusion"),
        GRAD_CAM("Grad-CAM");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Signed maps (positive and negative evidence); Grad-CAM's map is ≥ 0. */
        public boolean signed() {
            return this != GRAD_CAM;
        }

        /** Whether the method can explain a contrast z_A − z_B. */
        public boolean supportsContrast() {
            return this != GRAD_CAM;
        }

        /** Whether the method uses a baseline image (Integrated Gradients, occlusion). */
        public boolean usesBaseline() {
            return this == INTEGRATED_GRADIENTS || this == OCCLUSION;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Why the contrast choice is off for Grad-CAM. */
    public static final String NO_CONTRAST = "Grad-CAM weighs one class's feature maps and keeps only the positive"
            + " part (ReLU), so \"A rather than B\" is not defined for it: choose a gradient method, IG or occlusion.";

    /**
     * Method parameters. smoothSigma is in pixel units [0,1] (as the CLI's --sigma); layer null = the default
     * Grad-CAM layer.
     */
    public record Settings(Baseline.Kind baseline, int igSteps, int smoothSamples, double smoothSigma, int window,
            int stride, String layer) {

        public Settings {
            if (igSteps < 1 || smoothSamples < 1 || window < 1 || stride < 1 || !(smoothSigma >= 0)) {
                throw new IllegalArgumentException("steps, samples, window and stride must be at least 1, sigma ≥ 0");
            }
        }

        /** Small, quick defaults for an interactive view (the CLI defaults to 256 IG steps). */
        public static Settings defaults() {
            return new Settings(Baseline.Kind.BLACK, 32, 16, 0.15, 4, 2, null);
        }

        public Settings withBaseline(Baseline.Kind b) {
            return new Settings(b, igSteps, smoothSamples, smoothSigma, window, stride, layer);
        }

        public Settings withIgSteps(int n) {
            return new Settings(baseline, n, smoothSamples, smoothSigma, window, stride, layer);
        }

        public Settings withSmoothSamples(int n) {
            return new Settings(baseline, igSteps, n, smoothSigma, window, stride, layer);
        }

        public Settings withSmoothSigma(double s) {
            return new Settings(baseline, igSteps, smoothSamples, s, window, stride, layer);
        }

        public Settings withWindow(int n) {
            return new Settings(baseline, igSteps, smoothSamples, smoothSigma, n, stride, layer);
        }

        public Settings withStride(int n) {
            return new Settings(baseline, igSteps, smoothSamples, smoothSigma, window, n, layer);
        }

        public Settings withLayer(String l) {
            return new Settings(baseline, igSteps, smoothSamples, smoothSigma, window, stride, l);
        }

        /** The baseline for a card (blurred: the default sigma for its image size; noise: seed 1, as the CLI). */
        public Baseline baselineFor(ModelCard card) {
            switch (baseline) {
                case BLURRED:
                    return Baseline.blurred(Baseline.defaultBlurSigma(card));
                case NOISE:
                    return Baseline.noise(1);
                default:
                    return Baseline.black();
            }
        }
    }

    /**
     * What to explain: a file (resized to the model's input) or an image in pixel space [0,1] made for a model with
     * {@code card} (a DSV). title names it in the views.
     */
    public record Source(String title, Path file, float[] image01, ModelCard card) {

        public static Source file(Path file) {
            return new Source(file.getFileName().toString(), file, null, null);
        }

        public static Source image(String title, float[] image01, ModelCard card) {
            return new Source(title, null, image01, card);
        }
    }

    /**
     * A source prepared for the loaded model: the image in pixel space and normalized, the model's probabilities,
     * and what Grad-CAM offers (layers, or why not). generation is the model's {@link Workbench.ModelSummary#generation()}.
     */
    public record Prepared(Source source, ModelCard card, String modelName, long generation, float[] image01,
            float[] x, double[] probabilities, int predicted, List<String> layers, String defaultLayer,
            String gradCamUnavailable) {

        public boolean gradCamAvailable() {
            return gradCamUnavailable == null;
        }
    }

    /** One heat map to compute: classB = -1 for "why A" alone. */
    public record Request(Method method, int classA, int classB, Settings settings) {
    }

    /**
     * One heat map: per pixel (channels summed), H×W row-major; its smallest and largest value; note says what
     * the view should know (e.g. Grad-CAM shown for A alone), or null.
     */
    public record MapResult(Request request, int height, int width, float[] map, double min, double max,
            long millis, String note) {

        /** The scale of the colour bar: ±max |v| for a signed map, [0, max] for Grad-CAM. */
        public double scale() {
            return request.method().signed() ? Math.max(Math.abs(min), Math.abs(max)) : Math.max(0, max);
        }
    }

    /** Prepares a source for a model: reads and resizes a file, or checks a DSV's size. */
    public static Prepared prepare(Source source, Classifier model, AutogradBridge bridge, long generation)
            throws IOException {
        ModelCard card = model.card();
        float[] x;
        if (source.file() != null) {
            try {
                x = ExplainImages.readNormalized(source.file(), card);
            } catch (javax.imageio.IIOException e) {
                throw new IOException("cannot read " + source.file().getFileName() + " as an image: "
                        + e.getMessage(), e);
            }
        } else {
            ModelCard made = source.card();
            if (made.channels() != card.channels() || made.height() != card.height()
                    || made.imageWidth() != card.imageWidth()) {
                throw new IllegalArgumentException(source.title() + " is a " + shape(made) + " image, but "
                        + card.name() + " takes " + shape(card) + " images");
            }
            x = normalize(source.image01(), card);
        }
        float[] image01 = toPixels(x, card);
        Attributions a = new Attributions(model, bridge);
        double[] logits = a.logits(x);
        double[] p = Probabilities.softmax(logits, 0, logits.length);
        int predicted = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[predicted]) {
                predicted = k;
            }
        }
        List<String> layers = List.of();
        String defaultLayer = null;
        String unavailable = null;
        try {
            GradCam cam = new GradCam(model, bridge);
            layers = cam.layers();
            defaultLayer = cam.defaultLayer();
        } catch (IllegalArgumentException e) {
            unavailable = model instanceof org.dsvstudio.model.BuiltinClassifier ? e.getMessage()
                    : "Grad-CAM needs a built-in network (convnet, resnet) to read its layers; this is a TorchScript"
                            + " model.";
        }
        return new Prepared(source, card, card.name(), generation, image01, x, p, predicted, layers, defaultLayer,
                unavailable);
    }

    /** Computes one heat map; stops with a CancellationException between batches once cancelled. */
    public static MapResult compute(Classifier model, AutogradBridge bridge, Prepared in, Request r,
            BooleanSupplier cancelled) {
        long t0 = System.nanoTime();
        ModelCard card = model.card();
        int k = card.numClasses();
        checkClass(r.classA(), k, "class A");
        if (r.classB() >= 0) {
            checkClass(r.classB(), k, "class B");
            if (r.classB() == r.classA()) {
                throw new IllegalArgumentException("A and B are the same class: choose another class B, or none");
            }
        }
        float[] x = in.x();
        Settings s = r.settings();
        Attributions a = new Attributions(model, bridge);
        float[] w = new float[k];
        w[r.classA()] = 1;
        boolean contrast = r.classB() >= 0 && r.method().supportsContrast();
        if (contrast) {
            w[r.classB()] = -1;
        }
        String note = null;
        float[] full;
        switch (r.method()) {
            case GRADIENT:
                full = weightedGradients(a, new float[][] {x}, w, cancelled)[0];
                break;
            case GRADIENT_X_INPUT: {
                full = weightedGradients(a, new float[][] {x}, w, cancelled)[0];
                for (int i = 0; i < full.length; i++) {
                    full[i] *= x[i];
                }
                break;
            }
            case SMOOTHGRAD: {
                // the same noise as Attributions.smoothGrad: seed 1, sigma in normalized units
                double sigma = s.smoothSigma() / card.stdOf(0);
                Random random = new Random(1);
                float[][] noisy = new float[s.smoothSamples()][x.length];
                for (float[] n : noisy) {
                    for (int i = 0; i < x.length; i++) {
                        n[i] = (float) (x[i] + sigma * random.nextGaussian());
                    }
                }
                full = mean(weightedGradients(a, noisy, w, cancelled));
                break;
            }
            case INTEGRATED_GRADIENTS: {
                float[] b = a.baseline(s.baselineFor(card), x);
                float[][] path = new float[s.igSteps()][x.length];
                for (int step = 0; step < path.length; step++) {
                    float alpha = (float) ((step + 0.5) / path.length);
                    for (int i = 0; i < x.length; i++) {
                        path[step][i] = b[i] + alpha * (x[i] - b[i]);
                    }
                }
                full = mean(weightedGradients(a, path, w, cancelled));
                for (int i = 0; i < x.length; i++) {
                    full[i] *= x[i] - b[i];
                }
                break;
            }
            case OCCLUSION: {
                float[] b = a.baseline(s.baselineFor(card), x);
                full = a.occlusion(x, b, r.classA(), s.window(), s.stride());
                if (contrast) {
                    checkCancel(cancelled);
                    float[] other = a.occlusion(x, b, r.classB(), s.window(), s.stride());
                    for (int i = 0; i < full.length; i++) {
                        full[i] -= other[i];
                    }
                }
                break;
            }
            default: {
                GradCam cam = new GradCam(model, bridge);
                String layer = s.layer() != null && cam.layers().contains(s.layer()) ? s.layer() : cam.defaultLayer();
                full = cam.compute(x, r.classA(), layer).map();
                note = "layer " + layer + (r.classB() >= 0 ? "; class A alone (Grad-CAM has no contrast)" : "");
                break;
            }
        }
        int h = card.height();
        int wd = card.imageWidth();
        float[] map = sumChannels(full, h * wd);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        Request done = contrast || r.classB() < 0 ? r : new Request(r.method(), r.classA(), -1, r.settings());
        return new MapResult(done, h, wd, map, min, max, (System.nanoTime() - t0) / 1_000_000, note);
    }

    /** ∂⟨w, logits(xᵢ)⟩/∂xᵢ for every image, in batches of 32 with a cancel check before each. */
    private static float[][] weightedGradients(Attributions a, float[][] xs, float[] w, BooleanSupplier cancelled) {
        float[][] out = new float[xs.length][];
        int batch = 32;
        for (int from = 0; from < xs.length; from += batch) {
            checkCancel(cancelled);
            int m = Math.min(batch, xs.length - from);
            float[][] chunk = java.util.Arrays.copyOfRange(xs, from, from + m);
            float[][] weights = new float[m][];
            java.util.Arrays.fill(weights, w);
            float[][] g = a.gradientsOf(chunk, weights);
            System.arraycopy(g, 0, out, from, m);
        }
        return out;
    }

    public static void checkCancel(BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("superseded or cancelled");
        }
    }

    private static void checkClass(int c, int k, String what) {
        if (c < 0 || c >= k) {
            throw new IllegalArgumentException(what + " " + c + " is not a class of this model (0.." + (k - 1) + ")");
        }
    }

    private static float[] mean(float[][] rows) {
        float[] m = new float[rows[0].length];
        for (float[] r : rows) {
            for (int i = 0; i < m.length; i++) {
                m[i] += r[i];
            }
        }
        for (int i = 0; i < m.length; i++) {
            m[i] /= rows.length;
        }
        return m;
    }

    /** C·H·W → H·W, channels summed (the CLI's heat maps do the same). */
    static float[] sumChannels(float[] values, int plane) {
        float[] out = new float[plane];
        for (int i = 0; i < values.length; i++) {
            out[i % plane] += values[i];
        }
        return out;
    }

    /** Pixel space [0,1] → the card's normalized space. */
    public static float[] normalize(float[] image01, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] x = new float[image01.length];
        for (int i = 0; i < x.length; i++) {
            int ch = i / plane;
            x[i] = (float) ((image01[i] - card.meanOf(ch)) / card.stdOf(ch));
        }
        return x;
    }

    /** Normalized → pixel space, clamped to [0,1]. */
    public static float[] toPixels(float[] x, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = i / plane;
            p[i] = (float) Math.max(0, Math.min(1, x[i] * card.stdOf(ch) + card.meanOf(ch)));
        }
        return p;
    }

    private static String shape(ModelCard c) {
        return String.format(Locale.ROOT, "%d×%d×%d", c.channels(), c.height(), c.imageWidth());
    }
}
