package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded image classifier and its card. Takes normalized N×C×H×W batches and returns N×K logits. All
 * methods must be called on the compute thread (see {@code engine.ComputeThread}).
 */
public abstract class Classifier implements AutoCloseable {

    private final ModelCard card;
    private final Path source;
    private final String sha256;

    protected Classifier(ModelCard card, Path source, String sha256) {
        this.card = card;
        this.source = source;
        this.sha256 = sha256;
    }

    public ModelCard card() {
        return card;
    }

    /** The file or folder this model was loaded from. */
    public Path source() {
        return source;
    }

    /** SHA-256 of the weights file, for provenance. */
    public String sha256() {
        return sha256;
    }

    /** The manager that owns the weights; closed with the classifier. */
    public abstract NDManager manager();

    public abstract Block block();

    public abstract Device device();

    /**
     * Logits of a normalized batch in evaluation mode (BatchNorm uses running statistics). When a gradient
     * collector is open and {@code recordGraph} is true, the graph is recorded so that gradients reach the
     * input and the parameters; otherwise nothing is recorded.
     */
    public abstract NDArray logits(NDArray normalizedBatch, boolean recordGraph);

    /**
     * Throws a ModelLoadException when forward does not return one tensor (e.g. a tuple or a dict), before
     * anything relies on it. Built-in networks always do; loaded ones are checked.
     */
    public void checkOutputKind(NDArray normalizedBatch) {
    }

    /** The trainable parameters with their names, in the network's order. Arrays are owned by the model. */
    public List<Pair<String, NDArray>> namedParameters() {
        List<Pair<String, NDArray>> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block().getParameters()) {
            Parameter parameter = p.getValue();
            if (parameter.requiresGradient() && parameter.isInitialized()) {
                out.add(new Pair<>(p.getKey(), parameter.getArray()));
            }
        }
        return out;
    }

    /** The weights' data type (float32 for every model DSV Studio writes; a user's .pt may be float64). */
    public DataType dataType() {
        List<Pair<String, NDArray>> params = namedParameters();
        return params.isEmpty() ? DataType.FLOAT32 : params.get(0).getValue().getDataType();
    }

    public long parameterCount() {
        long n = 0;
        for (Pair<String, NDArray> p : namedParameters()) {
            n += p.getValue().size();
        }
        return n;
    }

    /** "convnet (width 64)" or "TorchScript" — for summaries. */
    public String architectureSummary() {
        String arch = card.architecture();
        return card.width() != null ? arch + " (width " + card.width() + ")" : arch;
    }

    @Override
    public abstract void close();
}
