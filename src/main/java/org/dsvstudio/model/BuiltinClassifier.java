package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
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
        Path weights = folder.resolve(weightsName);
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
