package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens what a user points at: a model folder ({@code model.json} + weights) or a TorchScript {@code .pt}
 * file (with a card beside it as {@code NAME.json} or {@code model.json}, or the facts given as overrides).
 * Every model is probed with one forward pass so that a wrong card fails here, with a clear message, and
 * not deep inside a run.
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    public static Classifier load(Path path, CardOverrides overrides, Device device) {
        if (path == null) {
            throw new ModelLoadException("no model given");
        }
        if (!Files.exists(path)) {
            throw new ModelLoadException("model not found: " + path);
        }
        if (!Files.isReadable(path)) {
            throw new ModelLoadException("model not readable (permissions): " + path);
        }
        Classifier classifier = Files.isDirectory(path) ? loadFolder(path, overrides, device)
                : loadFile(path, overrides, device);
        try {
            probe(classifier);
            return classifier;
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
    }

    private static Classifier loadFolder(Path folder, CardOverrides overrides, Device device) {
        Path cardFile = folder.resolve(ModelCard.FILE_NAME);
        if (!Files.isRegularFile(cardFile)) {
            try (var files = Files.list(folder)) {
                var pts = files.filter(f -> f.getFileName().toString().endsWith(".pt")).toList();
                if (pts.size() == 1) {
                    return loadFile(pts.get(0), overrides, device);
                }
            } catch (IOException e) {
                throw new ModelLoadException("cannot list model folder " + folder + ": " + e.getMessage(), e);
            }
            throw new ModelLoadException("not a model folder (no " + ModelCard.FILE_NAME + "): " + folder);
        }
        ModelCard card = readCard(cardFile);
        if (!overrides.isEmpty()) {
            card = overrides.applyTo(card, card.name(), card.weightsFile());
        }
        if ("torchscript".equalsIgnoreCase(card.architecture())) {
            return TorchScriptClassifier.load(torchScriptWeights(folder, card), card, device);
        }
        if (!Architectures.NAMES.contains(card.architecture().toLowerCase(Locale.ROOT))) {
            throw new ModelLoadException("model card names an unknown architecture '" + card.architecture()
                    + "' (known: torchscript, " + String.join(", ", Architectures.NAMES) + ")");
        }
        return BuiltinClassifier.load(folder, card, device);
    }

    /** The file whose SHA-256 identifies a model (a .pt itself; in a folder, the weights its card names). */
    public static Path weightsFile(Path model) {
        if (!Files.isDirectory(model)) {
            return model;
        }
        ModelCard card = readCard(model.resolve(ModelCard.FILE_NAME));
        return "torchscript".equalsIgnoreCase(card.architecture()) ? torchScriptWeights(model, card)
                : inside(model, card.weightsFile() == null ? BuiltinClassifier.WEIGHTS_FILE : card.weightsFile());
    }

    /** The TorchScript file a model folder's card names ({@code model.pt} when it names none), inside the folder. */
    static Path torchScriptWeights(Path folder, ModelCard card) {
        return inside(folder, card.weightsFile() == null ? "model.pt" : card.weightsFile());
    }

    /**
     * The card's weights file, which must lie inside the card's folder: a card is data, and a card that could
     * name /anywhere/else.pt or ../../x.pt would make opening a folder run a program the user never chose.
     */
    static Path inside(Path folder, String weightsFile) {
        Path resolved = folder.resolve(weightsFile).normalize();
        Path base = folder.toAbsolutePath().normalize();
        boolean contained = resolved.toAbsolutePath().normalize().startsWith(base);
        if (contained && Files.exists(resolved)) {
            try { // a symbolic link inside the folder may still point out of it
                contained = resolved.toRealPath().startsWith(folder.toRealPath());
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + resolved + ": " + e.getMessage(), e);
            }
        }
        if (!contained) {
            throw new ModelLoadException("model card " + folder.resolve(ModelCard.FILE_NAME) + " names weights"
                    + " outside its folder (weightsFile '" + weightsFile + "'); a card may only name a file"
                    + " beside it");
        }
        return resolved;
    }

    /**
     * Whether opening path finds a model card without help: a folder with {@value ModelCard#FILE_NAME}, or a
     * TorchScript file with {@code <stem>.json} beside it or a {@value ModelCard#FILE_NAME} naming it. The app
     * asks for the card's fields when this is false.
     */
    public static boolean hasCard(Path path) {
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve(ModelCard.FILE_NAME));
        }
        try {
            return cardBeside(path) != null;
        } catch (ModelLoadException e) {
            return true; // a card is there but broken: opening reports that, asking for fields would hide it
        }
    }

    /** The card found beside a TorchScript file, or null. */
    private static ModelCard cardBeside(Path file) {
        String fileName = file.getFileName().toString();
        String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        Path beside = file.resolveSibling(stem + ".json");
        Path folderCard = file.resolveSibling(ModelCard.FILE_NAME);
        if (Files.isRegularFile(beside)) {
            return readCard(beside);
        }
        if (Files.isRegularFile(folderCard)) {
            ModelCard c = readCard(folderCard);
            if (fileName.equals(c.weightsFile())) {
                return c;
            }
        }
        return null;
    }

    private static Classifier loadFile(Path file, CardOverrides overrides, Device device) {
        String fileName = file.getFileName().toString();
        String stem = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        ModelCard card = overrides.applyTo(cardBeside(file), stem, fileName);
        return TorchScriptClassifier.load(file, card, device);
    }

    /**
     * What is wrong with a JSON file, in a user's words: Jackson's own message carries a source description
     * meant for developers ("[Source: REDACTED …]"); this keeps the problem and its line and column.
     */
    public static String jsonProblem(com.fasterxml.jackson.core.JsonProcessingException e) {
        var where = e.getLocation();
        String what = e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*$", "")
                .replaceAll("^Cannot coerce Floating-point value \\(([^)]*)\\) to `(int|long)` value.*$",
                        "a whole number is needed, got $1");
        if (what.startsWith("a whole number") && e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                && !m.getPath().isEmpty()
                && m.getPath().get(0).getFieldName() != null) {
            what = "'" + m.getPath().get(0).getFieldName() + "': " + what;
        }
        return what + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
    }

    public static ModelCard readCard(Path cardFile) {
        try {
            return ModelCard.read(cardFile).validate();
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.getMessage() + " (" + cardFile + ")", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelLoadException("model card " + cardFile + " is not valid JSON: " + jsonProblem(e), e);
        } catch (IOException e) {
            throw new ModelLoadException("model card " + cardFile + " could not be read: "
                    + TorchScriptClassifier.firstLine(e.getMessage()), e);
        }
    }

    /**
     * One forward pass on a zero image: the output must be 1×K with K = number of class names, finite. Then one on
     * a batch of that image and a checkerboard: 2×K, rows different, the first row as alone (a model that reads
     * only the first row, or mixes the rows, passes one image and gives every DSV of a run the same logits).
     */
    static void probe(Classifier classifier) {
        ModelCard card = classifier.card();
        try (NDManager scope = classifier.manager().newSubManager()) {
            NDArray x = scope.zeros(new Shape(1, card.channels(), card.height(), card.imageWidth()),
                    classifier.dataType());
            String name = classifier.source() == null ? "the model" : classifier.source().getFileName().toString();
            NDArray logits;
            try {
                classifier.checkOutputKind(x);
                logits = classifier.logits(x, false);
            } catch (ModelLoadException e) {
                throw e;
            } catch (RuntimeException e) {
                tooMuchMemory(name, "one image", e);
                throw new ModelLoadException(String.format("%s rejected an input of shape 1×%d×%d×%d (--input-shape"
                        + " %d,%d,%d): the model may expect another shape (libtorch: %s)", name, card.channels(),
                        card.height(), card.imageWidth(), card.channels(), card.height(), card.imageWidth(),
                        TorchScriptClassifier.cause(e.getMessage())), e);
            }
            if (!logits.getDataType().isFloating()) {
                throw new ModelLoadException(name + " returns its class scores as " + logits.getDataType()
                        + "; DSV Studio needs floating-point logits (return them before any rounding or argmax)");
            }
            Shape s = logits.getShape();
            if (s.dimension() != 2 || s.get(0) != 1) {
                throw new ModelLoadException(name + " returns shape " + s + " for one image; DSV Studio needs N×K"
                        + " logits");
            }
            if (s.get(1) != card.numClasses()) {
                throw new ModelLoadException(name + " returns " + s.get(1) + " logits but the card names "
                        + card.numClasses() + " classes");
            }
            float[] values = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new ModelLoadException(name + " returns NaN or infinite logits for a blank (all-zero)"
                            + " input: its weights or its code are broken");
                }
            }
            probeBatch(classifier, scope, name, values);
            probeGradient(classifier, scope, name);
        }
    }

    /** A model that asks for more memory than there is is told apart from one given the wrong shape. */
    private static void tooMuchMemory(String name, String what, RuntimeException e) {
        long bytes = TorchScriptClassifier.failedAllocation(e.getMessage());
        if (bytes >= 0) {
            String size = bytes <= 0 ? " more memory than there is" : bytes >= 1e12
                    ? String.format(Locale.ROOT, " %.1f TB", bytes / 1e12) : String.format(Locale.ROOT, " %.1f GB", bytes / 1e9);
            throw new ModelLoadException(name + " asked for" + size + " at once when run on " + what + ", and"
                    + " libtorch could not allocate it: a classifier of this input size needs far less, so its code"
                    + " or its card (--input-shape) is wrong", e);
        }
    }

    private static org.dsvstudio.engine.AutogradBridge probeBridge;

    private static synchronized org.dsvstudio.engine.AutogradBridge probeBridge() {
        if (probeBridge == null) {
            probeBridge = org.dsvstudio.engine.AutogradBridge.load();
        }
        return probeBridge;
    }

    /**
     * Everything DSV Studio computes differentiates the logits with respect to the image: a model that detaches
     * its output, or changes its input in place, is refused here in one line rather than with libtorch's
     * traceback at the first step of a run.
     */
    private static void probeGradient(Classifier classifier, NDManager scope, String name) {
        ModelCard card = classifier.card();
        String why;
        try (ai.djl.training.GradientCollector collector = ai.djl.engine.Engine.getEngine("PyTorch")
                .newGradientCollector()) {
            NDArray x = scope.randomUniform(-1f, 1f, new Shape(1, card.channels(), card.height(),
                    card.imageWidth())).toType(classifier.dataType(), false);
            x.setRequiresGradient(true);
            NDArray total = classifier.logits(x, true).sum();
            ai.djl.ndarray.NDList g = probeBridge().grad(total, java.util.List.of(x));
            g.attach(scope);
            for (float v : g.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()) {
                if (!Float.isFinite(v)) {
                    throw new ModelLoadException(name + " has NaN or infinite gradients with respect to its"
                            + " input: DSV Studio cannot follow them");
                }
            }
            return;
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            why = TorchScriptClassifier.cause(e.getMessage());
        }
        String lower = why.toLowerCase(Locale.ROOT);
        if (lower.contains("in-place") || lower.contains("inplace")) {
            throw new ModelLoadException(name + " changes its input in place (libtorch: " + why + "); DSV Studio"
                    + " differentiates through the model, so it must leave its input as it is (x = x.clone() first)");
        }
        if (lower.contains("does not require grad") || lower.contains("not have been used in the graph")) {
            throw new ModelLoadException(name + " cuts its output off from its input (a detach(), no_grad or a"
                    + " step without gradient): DSV Studio needs the gradient of the logits with respect to the"
                    + " image");
        }
        throw new ModelLoadException(name + " fails when differentiated (libtorch: " + why + "); DSV Studio needs"
                + " the gradient of the logits with respect to the image");
    }

    private static void probeBatch(Classifier classifier, NDManager scope, String name, float[] alone) {
        ModelCard card = classifier.card();
        int size = card.channels() * card.height() * card.imageWidth();
        float[] pair = new float[2 * size];
        for (int i = 0; i < size; i++) {
            int x = i % card.imageWidth();
            int y = i / card.imageWidth() % card.height();
            pair[size + i] = ((x / 2 + y / 2) % 2 == 0) ? 1f : -1f;
        }
        NDArray logits;
        try {
            NDArray batch = scope.create(pair, new Shape(2, card.channels(), card.height(), card.imageWidth()))
                    .toType(classifier.dataType(), false);
            logits = classifier.logits(batch, false);
        } catch (RuntimeException e) {
            tooMuchMemory(name, "a batch of two images", e);
            throw new ModelLoadException(name + " takes one image but fails on a batch of two ("
                    + TorchScriptClassifier.cause(e.getMessage()) + "); DSV Studio runs batches", e);
        }
        Shape s = logits.getShape();
        if (s.dimension() != 2 || s.get(0) != 2 || s.get(1) != card.numClasses()) {
            throw new ModelLoadException(name + " returns shape " + s + " for a batch of two images; DSV Studio"
                    + " needs one row of " + card.numClasses() + " logits per image");
        }
        float[] v = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int k = card.numClasses();
        double scale = 0;
        double rowsApart = 0;
        double firstMoved = 0;
        for (int j = 0; j < k; j++) {
            scale = Math.max(scale, Math.abs(alone[j]));
            rowsApart = Math.max(rowsApart, Math.abs(v[j] - v[k + j]));
            firstMoved = Math.max(firstMoved, Math.abs(v[j] - alone[j]));
        }
        for (float f : v) {
            if (!Float.isFinite(f)) {
                throw new ModelLoadException(name + " returns NaN or infinite logits for a batch of two images");
            }
        }
        if (rowsApart <= 1e-6 * (1 + scale)) {
            throw new ModelLoadException(name + " gives the same logits to two different images in one batch: it"
                    + " reads only the first image (or none); DSV Studio needs one row of logits per image");
        }
        if (firstMoved > 1e-3 * (1 + scale)) {
            throw new ModelLoadException(name + " gives an image other logits in a batch than alone: its rows"
                    + " depend on each other (BatchNorm in training mode? save it after model.eval())");
        }
    }
}
