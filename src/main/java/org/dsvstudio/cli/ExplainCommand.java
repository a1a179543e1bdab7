package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.Baseline;
import org.dsvstudio.explain.ExplainImages;
import org.dsvstudio.explain.GradCam;
import org.dsvstudio.model.BuiltinClassifier;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code explain}: gradient attributions of a class score for image files, as heat-map PNGs and a JSON summary. */
@Command(name = "explain", description = {"Attribute a class score to the pixels of one image or of every PNG/JPEG"
        + " in a folder (e.g. a generate output): heat maps (input | attribution, red positive, blue negative) and"
        + " explain.json.", "Grad-CAM (--method gradcam; input | map | map over input) works on the built-in architectures only; list a model's"
        + " layers with: explain MODEL --list-layers"})
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder or a TorchScript .pt file.")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "IMAGE_OR_DIR", description = "A PNG/JPEG, or a folder"
            + " of them (not needed with --list-layers).")
    Path input;

    @Option(names = "--method", defaultValue = "ig", paramLabel = "ig|grad|gradxinput|smoothgrad|occlusion|gradcam",
            description = "Attribution method (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--baseline", paramLabel = "black|blurred|noise", description = "Reference image of ig and"
            + " occlusion, in pixel space: black, the input Gaussian-blurred (--blur-sigma), or uniform noise in"
            + " [0,1] (--seed); default black.")
    String baseline;

    @Option(names = "--blur-sigma", paramLabel = "PIXELS", description = "Blur of the blurred baseline in pixels"
            + " (default 5 per 28 pixels of the larger image side: 5 on 28×28).")
    Double blurSigma;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the noise baseline (default 1).")
    Long seed;

    @Option(names = "--layer", paramLabel = "NAME", description = "Grad-CAM layer (default: the last convolutional"
            + " feature map before the final pooling; see --list-layers).")
    String layer;

    @Option(names = "--list-layers", description = "Print the Grad-CAM layers of MODEL (name and C×h×w) and exit.")
    boolean listLayers;

    @Option(names = "--target", paramLabel = "CLASS", description = "Class to explain (name or index; default: the"
            + " predicted class).")
    String target;

    @Option(names = "--steps", defaultValue = "256", description = "Integrated Gradients steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--samples", defaultValue = "32", description = "SmoothGrad samples (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--sigma", defaultValue = "0.15", description = "SmoothGrad noise std in pixel units [0,1]"
            + " (default ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--window", defaultValue = "4", description = "Occlusion window in pixels (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--stride", defaultValue = "2", description = "Occlusion stride in pixels (default ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (required unless --list-layers).")
    Path out;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ClassNamesOption classNames;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((listLayers || "gradcam".equals(method)) && Files.isRegularFile(model)) {
            // a model given as a file is TorchScript: no need for its card to know that Grad-CAM cannot run
            throw new UserInputException(GradCam.NEEDS_BUILTIN);
        }
        if (listLayers) {
            return printLayers();
        }
        if (!List.of("ig", "grad", "gradxinput", "smoothgrad", "occlusion", "gradcam").contains(method)) {
            throw new UserInputException("unknown --method '" + method + "' (use ig, grad, gradxinput, smoothgrad,"
                    + " occlusion or gradcam)");
        }
        if (steps < 1 || samples < 1 || !(sigma >= 0) || window < 1 || stride < 1) {
            throw new UserInputException("--steps, --samples, --window and --stride must be at least 1, --sigma ≥ 0");
        }
        // each IG step and SmoothGrad sample is an image in memory: 2e9 of them ended in OutOfMemoryError
        if (steps > 10_000 || samples > 10_000 || sigma > 10) {
            throw new UserInputException("--steps and --samples must be at most 10000 and --sigma at most 10 (got "
                    + steps + ", " + samples + ", " + sigma + ")");
        }
        if (input == null) {
            throw new UserInputException("missing IMAGE_OR_DIR (an image or a folder of images to explain)");
        }
        if (out == null) {
            throw new UserInputException("missing --out DIR");
        }
        checkBaselineOptions();
        if (layer != null && !"gradcam".equals(method)) {
            throw new UserInputException("--layer applies to --method gradcam only");
        }
        List<Path> images = imagesIn(input);
        DjlEngine engine = common.startEngine();
        Map<String, Object> settings = new LinkedHashMap<>();
        List<Map<String, Object>> entries = ComputeThread.get().call(() -> {
            try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()), engine.device());
                    AutogradBridge bridge = AutogradBridge.load()) {
                ModelCard card = c.card();
                Attributions a = new Attributions(c, bridge);
                GradCam gradCam = null;
                String camLayer = null;
                Baseline chosen = null;
                if ("gradcam".equals(method)) {
                    gradCam = gradCamFor(c, bridge);
                    camLayer = layer == null ? gradCam.defaultLayer() : layer;
                    if (!gradCam.layers().contains(camLayer)) {
                        throw new UserInputException("no layer '" + camLayer + "' in " + card.architecture()
                                + " (use one of " + String.join(", ", gradCam.layers()) + ")");
                    }
                    settings.put("layer", camLayer);
                    settings.put("layerShape", shapeText(((BuiltinClassifier) c).featureShapes().get(camLayer)));
                } else if ("ig".equals(method) || "occlusion".equals(method)) {
                    chosen = resolveBaseline(card);
                    settings.put("baseline", chosen.describe());
                }
                List<Map<String, Object>> list = new ArrayList<>();
                Files.createDirectories(out);
                java.util.Set<String> taken = new java.util.HashSet<>();
                for (Path file : images) {
                    float[] x = ExplainImages.readNormalized(file, card);
                    int predicted = argMax(a, x);
                    int t = target == null ? predicted : GenerationPlan.classIndex(card, target);
                    float[] b = chosen == null ? null : a.baseline(chosen, x);
                    float[] attr = gradCam != null ? gradCam.compute(x, t, camLayer).map()
                            : attribute(a, x, b, t, card);
                    Path png = out.resolve(uniqueStem(file, taken) + "-" + method + ".png");
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    ImageIO.write(gradCam != null ? ExplainImages.withOverlay(x, attr, card, 8)
                            : ExplainImages.sideBySide(x, attr, card, 8), "png", bytes);
                    AtomicFiles.write(png, bytes.toByteArray());
                    list.add(summary(a, file, png, x, b, attr, t, predicted, card));
                }
                return list;
            }
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("method", method);
        root.putAll(settings);
        root.put("images", entries);
        AtomicFiles.write(out.resolve("explain.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %d heat map%s (%s) and explain.json to %s%n",
                entries.size(), entries.size() == 1 ? "" : "s", method, out);
        return 0;
    }

    /** --list-layers: one line per Grad-CAM layer, "name  C×h×w", the default marked. */
    private int printLayers() throws Exception {
        DjlEngine engine = common.startEngine();
        List<String> lines = ComputeThread.get().call(() -> {
            try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()),
                    engine.device())) {
                GradCam cam = gradCamFor(c, null);
                List<String> l = new ArrayList<>();
                for (Map.Entry<String, ai.djl.ndarray.types.Shape> e : ((BuiltinClassifier) c).featureShapes()
                        .entrySet()) {
                    l.add(String.format(Locale.ROOT, "%-16s %s%s", e.getKey(), shapeText(e.getValue()),
                            e.getKey().equals(cam.defaultLayer()) ? "  (default)" : ""));
                }
                return l;
            }
        });
        lines.forEach(spec.commandLine().getOut()::println);
        return 0;
    }

    /**
     * The name of an image's heat map: its name without extension; shirt.png and shirt.jpg (or two shirt.png of
     * different folders) get distinct names, so that neither heat map overwrites the other.
     */
    static String uniqueStem(Path file, java.util.Set<String> taken) {
        String name = file.getFileName().toString();
        String stem = name.replaceFirst("\\.[^.]+$", "");
        if (!taken.add(stem.toLowerCase(Locale.ROOT))) {
            stem = name.replace('.', '_');
            String base = stem;
            for (int n = 2; !taken.add(stem.toLowerCase(Locale.ROOT)); n++) {
                stem = base + "-" + n;
            }
        }
        return stem;
    }

    private static GradCam gradCamFor(Classifier c, AutogradBridge bridge) {
        try {
            return new GradCam(c, bridge);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    private static String shapeText(ai.djl.ndarray.types.Shape shape) {
        return shape.get(0) + "×" + shape.get(1) + "×" + shape.get(2);
    }

    private void checkBaselineOptions() {
        boolean takesBaseline = "ig".equals(method) || "occlusion".equals(method);
        if (baseline != null && !takesBaseline) {
            throw new UserInputException("--baseline applies to --method ig and occlusion only");
        }
        String kind = baseline == null ? "black" : baseline;
        if (!List.of("black", "blurred", "noise").contains(kind)) {
            throw new UserInputException("unknown --baseline '" + baseline + "' (use black, blurred or noise)");
        }
        if (blurSigma != null && !"blurred".equals(kind)) {
            throw new UserInputException("--blur-sigma applies to --baseline blurred only");
        }
        if (blurSigma != null && !(blurSigma > 0 && blurSigma <= 1000)) {
            throw new UserInputException("--blur-sigma must be a number of pixels in (0, 1000], got " + blurSigma);
        }
        if (seed != null && !"noise".equals(kind)) {
            throw new UserInputException("--seed applies to --baseline noise only");
        }
    }

    private Baseline resolveBaseline(ModelCard card) {
        String kind = baseline == null ? "black" : baseline;
        switch (kind) {
            case "blurred":
                return Baseline.blurred(blurSigma == null ? Baseline.defaultBlurSigma(card) : blurSigma);
            case "noise":
                return Baseline.noise(seed == null ? 1 : seed);
            default:
                return Baseline.black();
        }
    }

    private float[] attribute(Attributions a, float[] x, float[] baselineImage, int t, ModelCard card) {
        switch (method) {
            case "grad":
                return a.gradient(x, t);
            case "gradxinput":
                return a.gradientTimesInput(x, t);
            case "smoothgrad":
                return a.smoothGrad(x, t, samples, sigma / card.stdOf(0), 1);
            case "occlusion":
                return a.occlusion(x, baselineImage, t, window, stride);
            default:
                return a.integratedGradients(x, baselineImage, t, steps);
        }
    }

    private Map<String, Object> summary(Attributions a, Path file, Path png, float[] x, float[] baselineImage,
            float[] attr, int t, int predicted, ModelCard card) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", file.toString());
        m.put("heatmap", png.getFileName().toString());
        m.put("target", card.classNames().get(t));
        m.put("predicted", card.classNames().get(predicted));
        double sum = 0;
        double absMax = 0;
        for (float v : attr) {
            sum += v;
            absMax = Math.max(absMax, Math.abs(v));
        }
        m.put("sum", sum);
        m.put("maxAbs", absMax);
        double fx = a.score(x, t);
        m.put("score", fx);
        if ("gradcam".equals(method) && absMax == 0) {
            m.put("note", "the map is 0 everywhere: Σ α_k A_k ≤ 0 at every position of this layer (no positive"
                    + " evidence for the target there)");
        }
        if ("ig".equals(method)) {
            double delta = fx - a.score(baselineImage, t);
            m.put("scoreMinusBaseline", delta);
            m.put("completenessGapPercent", 100 * Math.abs(sum - delta) / Math.max(1e-12, Math.abs(delta)));
        }
        return m;
    }

    private static int argMax(Attributions a, float[] x) {
        double[] logits = a.logits(x);
        int best = 0;
        for (int c = 1; c < logits.length; c++) {
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }

    private static List<Path> imagesIn(Path input) throws java.io.IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new UserInputException("no such image or folder: " + input);
        }
        try (Stream<Path> files = Files.list(input)) {
            List<Path> list = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(png|jpe?g)$") && !f.getFileName().toString().equals("gallery.png")).sorted().toList();
            if (list.isEmpty()) {
                throw new UserInputException("no PNG or JPEG images in " + input);
            }
            return list;
        }
    }
}
