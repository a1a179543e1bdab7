package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.nn.Parameter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One of the built-in DJL architectures ({@link Architectures}), with weights in DJL's parameter format. */
public final class BuiltinClassifier extends Classifier {

    public static final String WEIGHTS_FILE = "weights.params";

    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;

    private BuiltinClassifier(ModelCard card, Path source, String sha256, NDManager manager, Block block) {
        super(card, source, sha256);
        this.manager = manager;
        this.block = block;
        this.store = new ParameterStore(manager, false);
    }

    /** A freshly initialized network (Xavier for weights) for training; the seed makes it reproducible. */
    public static BuiltinClassifier create(ModelCard card, Device device, long seed) {
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Block block = Architectures.build(card.architecture(), card.width(), card.numClasses());
            block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                    XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, inputShape(card));
            return new BuiltinClassifier(card, null, null, manager, block);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Loads a model folder whose card names a built-in architecture. */
    public static BuiltinClassifier load(Path folder, ModelCard card, Device device) {
        String weightsName = card.weightsFile() == null ? WEIGHTS_FILE : card.weightsFile();
        Path weights = ModelLoader.inside(folder, weightsName);
        if (!Files.isRegularFile(weights)) {
            throw new ModelLoadException("weights file missing: " + weights);
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Block block = Architectures.build(card.architecture(), card.width(), card.numClasses());
            block.initialize(manager, DataType.FLOAT32, inputShape(card));
            try (InputStream in = Files.newInputStream(weights);
                    DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
                block.loadParameters(manager, data);
            }
            return new BuiltinClassifier(card, folder, Hashing.sha256(weights), manager, block);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            if (e instanceof ModelLoadException) {
                throw (ModelLoadException) e;
            }
            throw new ModelLoadException("cannot read weights " + weights + " for " + card.architecture()
                    + " with " + card.numClasses() + " classes: " + e.getMessage(), e);
        }
    }

    /** Writes weights + card into folder (each file atomically). */
    public void save(Path folder, ModelCard cardToWrite) throws IOException {
        Files.createDirectories(folder);
        AtomicFiles.write(folder.resolve(WEIGHTS_FILE), out -> {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out));
            block.saveParameters(data);
            data.flush();
        });
        cardToWrite.write(folder.resolve(ModelCard.FILE_NAME));
    }

    /**
     * A copy of this network with its weights (and BatchNorm statistics) converted to {@code type}, e.g. float64
     * for exact checks; an independent model with its own manager.
     */
    public BuiltinClassifier copy(DataType type) {
        NDManager copyManager = NDManager.newBaseManager(manager.getDevice());
        try {
            Block copyBlock = Architectures.build(card().architecture(), card().width(), card().numClasses());
            copyBlock.initialize(copyManager, type, inputShape(card()));
            List<Parameter> from = new ArrayList<>(block.getParameters().values());
            List<Parameter> to = new ArrayList<>(copyBlock.getParameters().values());
            for (int i = 0; i < from.size(); i++) {
                try (NDArray converted = from.get(i).getArray().toType(type, true)) {
                    to.get(i).getArray().set(converted.toByteBuffer());
                }
            }
            return new BuiltinClassifier(card(), source(), sha256(), copyManager, copyBlock);
        } catch (RuntimeException e) {
            copyManager.close();
            throw e;
        }
    }

    /**
     * The layers whose convolutional feature maps can be read out (Grad-CAM), in forward order; see
     * {@link Architectures#featureLayers}. Empty for the linear model.
     */
    public List<String> featureLayers() {
        return List.copyOf(Architectures.featureLayers(card().architecture()).keySet());
    }

    /** The default feature layer: the last one, the last convolutional feature map before the final pooling. */
    public String defaultFeatureLayer() {
        List<String> layers = featureLayers();
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("the " + card().architecture() + " architecture has no convolutional"
                    + " feature maps");
        }
        return layers.get(layers.size() - 1);
    }

    /**
     * Evaluation-mode forward that also returns a feature map: {@code [activation of layer (N×C×h×w), logits]}.
     * Records the graph when a gradient collector is open, like {@link #logits}.
     */
    public NDList logitsWithFeatures(NDArray normalizedBatch, String layer) {
        int split = childIndex(layer);
        List<Block> children = children();
        NDList current = new NDList(normalizedBatch);
        NDArray activation = null;
        for (int i = 0; i < children.size(); i++) {
            current = children.get(i).forward(store, current, false);
            if (i == split) {
                activation = current.singletonOrThrow();
            }
        }
        return new NDList(activation, current.singletonOrThrow());
    }

    /** The rest of the network after {@code layer}: logits from that layer's activation (evaluation mode). */
    public NDArray logitsFromFeatures(NDArray activation, String layer) {
        int split = childIndex(layer);
        List<Block> children = children();
        NDList current = new NDList(activation);
        for (int i = split + 1; i < children.size(); i++) {
            current = children.get(i).forward(store, current, false);
        }
        return current.singletonOrThrow();
    }

    /** Each feature layer's shape for one image (C, h, w), from one forward pass of a blank image. */
    public Map<String, Shape> featureShapes() {
        Map<String, Integer> layers = Architectures.featureLayers(card().architecture());
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            NDList current = new NDList(scope.zeros(inputShape(card()), dataType()));
            List<Block> children = children();
            for (int i = 0; i < children.size(); i++) {
                current = children.get(i).forward(store, current, false);
                for (Map.Entry<String, Integer> e : layers.entrySet()) {
                    if (e.getValue() == i) {
                        shapes.put(e.getKey(), current.singletonOrThrow().getShape().slice(1));
                    }
                }
            }
        }
        return shapes;
    }

    private int childIndex(String layer) {
        Integer index = Architectures.featureLayers(card().architecture()).get(layer);
        if (index == null) {
            throw new IllegalArgumentException("no layer '" + layer + "' in " + card().architecture() + " (layers: "
                    + String.join(", ", featureLayers()) + ")");
        }
        return index;
    }

    private List<Block> children() {
        return ((SequentialBlock) block).getChildren().values();
    }

    private static Shape inputShape(ModelCard card) {
        return new Shape(1, card.channels(), card.height(), card.imageWidth());
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public NDArray logits(NDArray normalizedBatch, boolean recordGraph) {
        // DJL-native blocks record whenever grad mode is on (inside a collector); training=false keeps
        // BatchNorm on its running statistics.
        return block.forward(store, new NDList(normalizedBatch), false).singletonOrThrow();
    }

    /** Forward in training mode (BatchNorm on batch statistics, running statistics updated). */
    public NDArray trainingLogits(NDArray normalizedBatch) {
        return block.forward(store, new NDList(normalizedBatch), true).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
