package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.ExplainImages;
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
@Command(name = "explain", description = "Attribute a class score to the pixels of one image or of every PNG/JPEG"
        + " in a folder (e.g. a generate output): heat maps (input | attribution, red positive, blue negative) and"
        + " explain.json.")
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder or a TorchScript .pt file.")
    Path model;

    @Parameters(index = "1", paramLabel = "IMAGE_OR_DIR", description = "A PNG/JPEG, or a folder of them.")
    Path input;

    @Option(names = "--method", defaultValue = "ig", paramLabel = "ig|grad|gradxinput|smoothgrad|occlusion",
            description = "Attribution method (default ${DEFAULT-VALUE}).")
    String method;

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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
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
        if (!List.of("ig", "grad", "gradxinput", "smoothgrad", "occlusion").contains(method)) {
            throw new UserInputException("unknown --method '" + method + "' (use ig, grad, gradxinput, smoothgrad or"
                    + " occlusion)");
        }
        if (steps < 1 || samples < 1 || !(sigma >= 0) || window < 1 || stride < 1) {
            throw new UserInputException("--steps, --samples, --window and --stride must be at least 1, --sigma ≥ 0");
        }
        List<Path> images = imagesIn(input);
        DjlEngine engine = common.startEngine();
        List<Map<String, Object>> entries = ComputeThread.get().call(() -> {
            try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.classNames), engine.device());
                    AutogradBridge bridge = AutogradBridge.load()) {
                ModelCard card = c.card();
                Attributions a = new Attributions(c, bridge);
                List<Map<String, Object>> list = new ArrayList<>();
                Files.createDirectories(out);
                for (Path file : images) {
                    float[] x = ExplainImages.readNormalized(file, card);
                    int predicted = argMax(a, x);
                    int t = target == null ? predicted : GenerationPlan.classIndex(card, target);
                    float[] attr = attribute(a, x, t, card);
                    String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    Path png = out.resolve(stem + "-" + method + ".png");
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    ImageIO.write(ExplainImages.sideBySide(x, attr, card, 8), "png", bytes);
                    AtomicFiles.write(png, bytes.toByteArray());
                    list.add(summary(a, file, png, x, attr, t, predicted, card));
                }
                return list;
            }
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("method", method);
        root.put("images", entries);
        AtomicFiles.write(out.resolve("explain.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %d heat map%s (%s) and explain.json to %s%n",
                entries.size(), entries.size() == 1 ? "" : "s", method, out);
        return 0;
    }

    private float[] attribute(Attributions a, float[] x, int t, ModelCard card) {
        switch (method) {
            case "grad":
                return a.gradient(x, t);
            case "gradxinput":
                return a.gradientTimesInput(x, t);
            case "smoothgrad":
                return a.smoothGrad(x, t, samples, sigma / card.stdOf(0), 1);
            case "occlusion":
                return a.occlusion(x, a.blackBaseline(), t, window, stride);
            default:
                return a.integratedGradients(x, a.blackBaseline(), t, steps);
        }
    }

    private Map<String, Object> summary(Attributions a, Path file, Path png, float[] x, float[] attr, int t,
            int predicted, ModelCard card) {
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
        if ("ig".equals(method)) {
            double delta = fx - a.score(a.blackBaseline(), t);
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
