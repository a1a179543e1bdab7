package org.dsvstudio.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dsvstudio.app.DsvExport;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.kkt.LossTerms;
import org.dsvstudio.model.ModelCard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The run format ({@code dsvs.json}, documented in docs/formats.md): what {@code generate} and the app's export
 * write, and what a session keeps per run. Written and read here only, so the two cannot drift apart.
 *
 * <p>Version 1 is every {@code dsvs.json} DSV Studio has written; files from before the {@code format},
 * {@code version} and {@code card} fields existed are read as version 1 with a card rebuilt from what they hold.
 */
public final class RunJson {

    public static final String FORMAT = "dsv-studio-run";
    public static final int VERSION = 1;
    /** More DSVs than any run the app can hold: a file claiming more is damaged or hostile. */
    static final int MAX_DSVS = 1_000_000;
    static final int MAX_HISTORY = 1_000_000;

    static final ObjectMapper JSON = new ObjectMapper();

    private RunJson() {
    }

    /** Where a run's images come from when it is read back: PNG files beside dsvs.json, or a session's floats. */
    @FunctionalInterface
    public interface Images {
        /** The image of the {@code position}-th DSV entry, C·H·W values in [0, 1]. */
        float[] image(int position, JsonNode entry, ModelCard card) throws IOException;
    }

    /** The run as indented JSON, without image file names (a figure's or report's companion, not a run folder). */
    public static byte[] bytes(SavedRun run) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toTree(run, null));
    }

    /** The tree of one run; {@code imageFile} names each candidate's PNG (null: no PNG is referenced). */
    public static ObjectNode toTree(SavedRun run, Function<Candidate, String> imageFile) {
        KktResult result = run.result();
        ModelCard card = run.card();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        if (run.title() != null) {
            root.put("title", run.title());
        }
        root.set("provenance", JSON.valueToTree(run.provenance()));
        root.set("card", JSON.valueToTree(card));
        root.put("seed", result.seed());
        root.put("init", result.initLabel());
        root.set("config", JSON.valueToTree(result.config()));
        root.set("parameterNames", JSON.valueToTree(result.parameterNames()));
        ObjectNode summary = root.putObject("summary");
        summary.put("candidates", result.candidates().size());
        summary.put("kept", result.kept().size());
        summary.put("primalFeasibility", result.primalFeasibility());
        summary.put("initialMeanEntropy", result.initialMeanEntropy());
        summary.put("finalMeanEntropy", result.finalMeanEntropy());
        if (result.last() != null) {
            summary.set("finalLosses", JSON.valueToTree(result.last()));
            summary.put("stationarityRatioToLambdaZero", result.last().stationarityRatio());
        }
        String warning = result.kktWarning();
        summary.put("kktConditionsMet", warning == null);
        if (warning != null) {
            summary.put("kktWarning", warning);
        }
        summary.put("stepsDone", result.stepsDone());
        summary.put("stopReason", result.stopReason());
        summary.put("stop", result.stop() == null ? null : result.stop().name());
        summary.put("nonFiniteRecomputes", result.nonFiniteRecomputes());
        summary.set("notes", JSON.valueToTree(result.notes()));
        summary.put("wallSeconds", result.wallSeconds());
        summary.put("stationarityParameters", result.parameterCount());
        ArrayNode entries = root.putArray("dsvs");
        for (Candidate c : result.candidates()) {
            ObjectNode e = entries.addObject();
            e.put("index", c.index());
            e.put("class", c.targetClass());
            e.put("className", card.classNames().get(c.targetClass()));
            if (!KktRequest.isHard(c.target())) {
                e.set("target", JSON.valueToTree(c.target()));
            }
            e.put("lambda", c.lambda());
            e.put("removed", c.removed());
            if (c.removed()) {
                e.put("removedAtStep", c.removedAtStep());
            }
            e.put("predicted", c.predicted());
            e.put("predictedName", card.classNames().get(c.predicted()));
            e.set("logits", JSON.valueToTree(c.logits()));
            e.set("probabilities", JSON.valueToTree(c.probabilities()));
            e.put("entropy", c.entropy());
            String file = imageFile == null ? null : imageFile.apply(c);
            if (file != null) {
                e.put("image", file);
            }
        }
        root.set("history", JSON.valueToTree(result.history()));
        if (run.legibility() != null) {
            root.set("legibility", JSON.valueToTree(run.legibility()));
        }
        if (run.faithfulness() != null) {
            root.set("faithfulness", JSON.valueToTree(run.faithfulness()));
        }
        return root;
    }

    /**
     * Reads a run back. {@code file} is only for messages; {@code imagesExact} says whether {@code images} gives
     * the run's own float values.
     *
     * @throws DataFormatException naming {@code file} when a field is missing, of the wrong kind or out of range,
     *     or the file is of a newer version
     */
    public static SavedRun fromTree(JsonNode root, Path file, Images images, boolean imagesExact) throws IOException {
        if (!root.isObject()) {
            throw new DataFormatException(file, "not a DSV Studio run (a JSON object is expected)");
        }
        String format = root.path("format").asText(FORMAT);
        if (!FORMAT.equals(format)) {
            throw new DataFormatException(file, "not a DSV Studio run (format '" + format + "')");
        }
        int version = root.path("version").asInt(1);
        if (version != VERSION) {
            throw new DataFormatException(file, "run format version " + version + " is not one this DSV Studio reads"
                    + " (it reads version " + VERSION + "); open it with the version that wrote it");
        }
        JsonNode dsvs = root.path("dsvs");
        if (!dsvs.isArray() || dsvs.size() == 0) {
            throw new DataFormatException(file, "no DSVs in it (the 'dsvs' list is missing or empty)");
        }
        if (dsvs.size() > MAX_DSVS) {
            throw new DataFormatException(file, dsvs.size() + " DSVs is more than any run holds (at most " + MAX_DSVS
                    + ")");
        }
        KktConfig config;
        DsvExport.Provenance provenance;
        try {
            config = JSON.treeToValue(require(root, "config", file), KktConfig.class);
            provenance = root.hasNonNull("provenance") ? JSON.treeToValue(root.get("provenance"),
                    DsvExport.Provenance.class) : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new DataFormatException(file, "its run configuration cannot be read: " + oneLine(e), e);
        }
        ModelCard card = card(root, dsvs, provenance, file);
        int k = card.numClasses();
        List<Candidate> candidates = new ArrayList<>(dsvs.size());
        for (int i = 0; i < dsvs.size(); i++) {
            JsonNode d = dsvs.get(i);
            int cls = index(d, "class", k, file, i);
            int predicted = index(d, "predicted", k, file, i);
            float[] logits = floats(d, "logits", k, file, i);
            float[] probabilities = floats(d, "probabilities", k, file, i);
            float[] target = d.has("target") ? floats(d, "target", k, file, i) : oneHot(k, cls);
            float[] image = images.image(i, d, card);
            if (image.length != card.channels() * card.height() * card.imageWidth()) {
                throw new DataFormatException(file, "DSV " + i + " has an image of " + image.length + " values, the card"
                        + " says " + card.channels() + "×" + card.height() + "×" + card.imageWidth());
            }
            boolean removed = d.path("removed").asBoolean(false);
            candidates.add(new Candidate(d.path("index").asInt(i), cls, target, d.path("lambda").asDouble(Double.NaN),
                    removed, removed ? d.path("removedAtStep").asInt(-1) : -1, predicted, logits, probabilities,
                    d.path("entropy").asDouble(Double.NaN), image));
        }
        List<LossTerms> history = new ArrayList<>();
        JsonNode h = root.path("history");
        if (h.size() > MAX_HISTORY) {
            throw new DataFormatException(file, "a loss history of " + h.size() + " points is more than any run keeps");
        }
        for (JsonNode p : h) {
            history.add(new LossTerms(p.path("total").asDouble(), p.path("primal").asDouble(),
                    p.path("stationarity").asDouble(), p.path("primalAug").asDouble(),
                    p.path("stationarityAug").asDouble(), p.path("tv").asDouble(), p.path("norm").asDouble(),
                    p.path("stationarityAtZero").asDouble()));
        }
        JsonNode s = root.path("summary");
        KktResult.Stop stop = null;
        if (s.hasNonNull("stop")) {
            try {
                stop = KktResult.Stop.valueOf(s.get("stop").asText());
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(file, "unknown stop kind '" + s.get("stop").asText() + "'");
            }
        } else if (s.hasNonNull("stopReason")) {
            stop = s.get("stopReason").asText().startsWith("cancelled") ? KktResult.Stop.CANCELLED
                    : KktResult.Stop.NON_FINITE; // files from before 'stop' was written
        }
        List<String> notes = new ArrayList<>();
        s.path("notes").forEach(n -> notes.add(n.asText()));
        List<String> parameterNames = new ArrayList<>();
        root.path("parameterNames").forEach(n -> parameterNames.add(n.asText()));
        KktResult result = new KktResult(config, root.path("seed").asLong(), root.path("init").asText(""),
                List.copyOf(candidates), List.copyOf(history), s.path("stepsDone").asInt(config.steps()),
                s.hasNonNull("stopReason") ? s.get("stopReason").asText() : null, stop,
                s.path("nonFiniteRecomputes").asInt(0), s.path("wallSeconds").asDouble(Double.NaN),
                s.path("initialMeanEntropy").asDouble(Double.NaN), s.path("finalMeanEntropy").asDouble(Double.NaN),
                s.path("stationarityParameters").asLong(0), List.copyOf(parameterNames), List.copyOf(notes));
        String title = root.hasNonNull("title") ? root.get("title").asText()
                : card.name() + " · " + config.preset() + " · seed " + result.seed();
        org.dsvstudio.evidence.Legibility.Report legibility = null;
        if (root.hasNonNull("legibility")) {
            try {
                legibility = JSON.readerFor(org.dsvstudio.evidence.Legibility.Report.class).without(
                        com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(root.get("legibility"));
            } catch (java.io.IOException e) {
                throw new DataFormatException(file, "its legibility report cannot be read: " + oneLine(e), e);
            }
        }
        org.dsvstudio.evidence.Faithfulness.Report faithfulness = null;
        if (root.hasNonNull("faithfulness")) {
            try {
                faithfulness = JSON.readerFor(org.dsvstudio.evidence.Faithfulness.Report.class).without(
                        com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(root.get("faithfulness"));
            } catch (java.io.IOException e) {
                throw new DataFormatException(file, "its faithfulness report cannot be read: " + oneLine(e), e);
            }
        }
        return new SavedRun(title, result, card, provenance, imagesExact, legibility, faithfulness);
    }

    /** The run's card; for files from before it was written, one rebuilt from the class names and first image. */
    private static ModelCard card(JsonNode root, JsonNode dsvs, DsvExport.Provenance provenance, Path file)
            throws IOException {
        if (root.hasNonNull("card")) {
            ModelCard card;
            try {
                card = JSON.treeToValue(root.get("card"), ModelCard.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new DataFormatException(file, "its model card cannot be read: " + oneLine(e), e);
            }
            try {
                return card.validate();
            } catch (RuntimeException e) {
                throw new DataFormatException(file, e.getMessage(), e);
            }
        }
        List<String> names = new ArrayList<>();
        for (JsonNode d : dsvs) {
            int cls = d.path("class").asInt(-1);
            if (cls < 0 || cls >= 100_000) {
                throw new DataFormatException(file, "a DSV has class " + cls);
            }
            while (names.size() <= cls) {
                names.add("class " + names.size());
            }
            if (d.hasNonNull("className")) {
                names.set(cls, d.get("className").asText());
            }
            int predicted = d.path("predicted").asInt(-1);
            while (predicted >= names.size() && predicted < 100_000) {
                names.add("class " + names.size());
            }
            if (d.hasNonNull("predictedName") && predicted >= 0 && predicted < names.size()) {
                names.set(predicted, d.get("predictedName").asText());
            }
        }
        int k = Math.max(names.size(), dsvs.get(0).path("logits").size());
        while (names.size() < k) {
            names.add("class " + names.size());
        }
        int[] shape = shapeOfFirstImage(dsvs, file);
        String name = provenance != null && provenance.modelName() != null ? provenance.modelName() : "model";
        return new ModelCard(name, "unknown", null, null, shape, names, new double[] {0}, new double[] {1}, null,
                null, null, null, null, Map.of());
    }

    private static int[] shapeOfFirstImage(JsonNode dsvs, Path file) throws IOException {
        String image = dsvs.get(0).path("image").asText("");
        Path png = RunFolder.imageFile(file.getParent(), image, file);
        int[] wh = org.dsvstudio.data.Images.dimensions(png);
        boolean gray = org.dsvstudio.data.Images.read(png).getColorModel().getNumColorComponents() == 1;
        return new int[] {gray ? 1 : 3, wh[1], wh[0]};
    }

    private static JsonNode require(JsonNode root, String field, Path file) throws DataFormatException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new DataFormatException(file, "the field '" + field + "' is missing");
        }
        return n;
    }

    private static int index(JsonNode d, String field, int k, Path file, int i) throws DataFormatException {
        JsonNode n = d.get(field);
        if (n == null || !n.canConvertToInt() || n.asInt() < 0 || n.asInt() >= k) {
            throw new DataFormatException(file, "DSV " + i + " has '" + field + "' " + n + ", not a class of the"
                    + " model's " + k);
        }
        return n.asInt();
    }

    private static float[] floats(JsonNode d, String field, int k, Path file, int i) throws DataFormatException {
        JsonNode n = d.get(field);
        if (n == null || !n.isArray() || n.size() != k) {
            throw new DataFormatException(file, "DSV " + i + " needs '" + field + "' as " + k + " numbers");
        }
        float[] out = new float[k];
        for (int j = 0; j < k; j++) {
            out[j] = (float) n.get(j).asDouble(Double.NaN);
        }
        return out;
    }

    private static float[] oneHot(int k, int cls) {
        float[] t = new float[k];
        t[cls] = 1f;
        return t;
    }

    private static String oneLine(Exception e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
