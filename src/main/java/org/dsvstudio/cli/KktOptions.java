package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** A preset (or a JSON config file) plus per-field overrides: every KktConfig field is reachable. */
public final class KktOptions {

    // the app's default too: in docs/legibility.md the quick preset's DSVs were more legible than standard's
    @Option(names = "--preset", defaultValue = "quick", paramLabel = "quick|standard|paper",
            description = "Starting configuration (default: ${DEFAULT-VALUE}, as in the app).")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "A KktConfig JSON file to start from instead.")
    Path configFile;

    @Option(names = "--steps", description = "Optimization steps.")
    Integer steps;

    @Option(names = "--distance", paramLabel = "L1_MEAN|L2_SQUARED|COSINE|LAYER_L1|LAYER_L2",
            description = "Distance between θ* and −Σλ∇θℓ (L1_MEAN is the paper's).")
    String distance;

    @Option(names = "--params", paramLabel = "all|last:N|PREFIX,...",
            description = "Weights stationarity applies to.")
    String params;

    @Option(names = "--primal-weight", description = "Weight of the primal loss (candidates classified as their"
            + " target).")
    Double primalWeight;

    @Option(names = "--stationarity-weight", description = "0 = primal-only baseline.")
    Double stationarityWeight;

    @Option(names = "--augment-weight", description = "η, weight of the loss on augmented copies.")
    Double augmentWeight;

    @Option(names = "--tv-weight", description = "β₂, total-variation prior (smooth images); 0 = off (quick and"
            + " standard: 1, or 0 with --init real).")
    Double tvWeight;

    @Option(names = "--norm-weight", description = "β₃, image-norm prior (mean squared pixel); 0 = off.")
    Double normWeight;

    @Option(names = "--lambda-scale", description = "λ₀ (0 = auto: 1/(μ·n)).")
    Double lambdaScale;

    @Option(names = "--lambda-spread", description = "ν starts uniform in [1 − spread, 1 + spread].")
    Double lambdaSpread;

    @Option(names = "--lr-x", description = "Adam step size of the images (normalized pixel units); with"
            + " --image-step l2 the L2 length of each image's step in [0,1] pixel units.")
    Double lrX;

    @Option(names = "--lr-lambda", description = "Adam step size of the multipliers ν.")
    Double lrLambda;

    @Option(names = "--noise-std", description = "Std of the starting noise (normalized pixel units).")
    Double noiseStd;

    @Option(names = "--chunk-size", description = "Candidates through the model at once (memory only, not the"
            + " result).")
    Integer chunkSize;

    @Option(names = "--progress-every", description = "Steps between progress snapshots.")
    Integer progressEvery;

    @Option(names = "--image-step", paramLabel = "adam|l2", description = "How images move each step: adam"
            + " (per-pixel, the paper's) or l2 (a step of L2 length --lr-x in [0,1] pixel units along the gradient:"
            + " keeps the gradient's shape, legible on robust models).")
    String imageStep;

    @Option(names = "--contrast-floor", paramLabel = "STD", description = "Stretch images whose per-image pixel"
            + " std falls below STD back to it after each step (0 = off; real Fashion-MNIST: 0.315).")
    Double contrastFloor;

    @Option(names = "--gradient-blur", paramLabel = "SIGMA", description = "Smooth the image gradient with a"
            + " Gaussian of SIGMA pixels before each step: shapes before texture (0 = off).")
    Double gradientBlur;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads --config FILE with messages that name the option and say what is wrong. */
    private static KktConfig readConfig(Path file) throws IOException {
        if (java.nio.file.Files.isDirectory(file)) {
            throw new UserInputException("--config " + file + " is a folder, not a JSON file");
        }
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new UserInputException("--config " + file + " does not exist");
        }
        try {
            return JSON.readValue(file.toFile(), KktConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserInputException("--config " + file + " is not valid JSON: "
                    + org.dsvstudio.model.ModelLoader.jsonProblem(e));
        }
    }

    KktConfig resolve() throws IOException {
        return resolve(false);
    }

    /** The run's configuration; a preset is taken in its version for the start (see KktPresets.get). */
    KktConfig resolve(boolean fromRealImages) throws IOException {
        KktConfig base = configFile != null ? readConfig(configFile) : KktPresets.get(preset, fromRealImages);
        ObjectNode node = JSON.valueToTree(base);
        put(node, "steps", steps);
        if (distance != null) {
            node.put("distance", distance.toUpperCase(Locale.ROOT));
        }
        if (params != null) {
            var array = node.putArray("parameters");
            Arrays.stream(params.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(array::add);
        }
        put(node, "primalWeight", primalWeight);
        put(node, "stationarityWeight", stationarityWeight);
        put(node, "augmentWeight", augmentWeight);
        put(node, "tvWeight", tvWeight);
        put(node, "normWeight", normWeight);
        put(node, "lambdaScale", lambdaScale);
        put(node, "lambdaInitSpread", lambdaSpread);
        put(node, "lrX", lrX);
        put(node, "lrLambda", lrLambda);
        put(node, "noiseStd", noiseStd);
        put(node, "chunkSize", chunkSize);
        put(node, "progressEvery", progressEvery);
        if (imageStep != null || contrastFloor != null || gradientBlur != null) {
            ObjectNode levers = node.get("levers") instanceof ObjectNode l ? l
                    : (ObjectNode) JSON.valueToTree(org.dsvstudio.kkt.Levers.NONE);
            if (imageStep != null) {
                levers.put("imageStep", imageStep);
            }
            put(levers, "contrastFloor", contrastFloor);
            put(levers, "gradientBlur", gradientBlur);
            node.set("levers", levers);
        }
        try {
            return JSON.treeToValue(node, KktConfig.class).validate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserInputException("invalid configuration: " + DsvCli.oneLine(e.getOriginalMessage()));
        }
    }

    private static void put(ObjectNode node, String field, Number value) {
        if (value instanceof Integer i) {
            node.put(field, i);
        } else if (value != null) {
            node.put(field, value.doubleValue());
        }
    }
}
