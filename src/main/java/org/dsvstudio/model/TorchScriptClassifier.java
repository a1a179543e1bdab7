package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A user's TorchScript image classifier. Loaded with trainable parameters (otherwise libtorch makes them
 * inference tensors and no gradient can be taken) and switched to eval mode, then run through
 * {@code IValueUtils.forward(..., true)} so that gradients reach inputs and weights while BatchNorm
 * keeps its running statistics.
 */
public final class TorchScriptClassifier extends Classifier {

    private final ZooModel<NDList, NDList> model;
    private final PtSymbolBlock block;

    private TorchScriptClassifier(ModelCard card, Path source, String sha256, ZooModel<NDList, NDList> model) {
        super(card, source, sha256);
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
    }

    public static TorchScriptClassifier load(Path ptFile, ModelCard card, Device device) {
        // DJL scans the folder of the file it loads for .jar files and initializes their classes (looking for a
        // block factory): a jar beside a model, or any jar in /tmp, would run in this process. So libtorch gets a
        // private copy in a folder of its own, and the checks read that same copy (no change between check and load).
        Path dir;
        Path copy = null;
        try {
            dir = java.nio.file.Files.createTempDirectory("dsv-model-");
        } catch (IOException e) {
            throw new ModelLoadException("cannot make a private folder to load " + ptFile.getFileName() + " from: "
                    + e.getMessage(), e);
        }
        try {
            copy = dir.resolve(ptFile.getFileName().toString());
            try {
                java.nio.file.Files.copy(ptFile, copy);
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + ptFile + ": " + e.getMessage(), e);
            }
            return loadPrivateCopy(ptFile, copy, card, device);
        } finally {
            try { // libtorch has read the whole archive into memory by now
                if (copy != null) {
                    java.nio.file.Files.deleteIfExists(copy);
                }
                java.nio.file.Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temporary copy left in the temp folder harms nothing
            }
        }
    }

    private static TorchScriptClassifier loadPrivateCopy(Path ptFile, Path copy, ModelCard card, Device device) {
        TorchScriptArchive.check(copy); // before libtorch's native reader sees the bytes
        ModelCodeCheck.check(copy); // and before it compiles and runs the archive's code
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(copy)
                .optEngine("PyTorch")
                .optDevice(device)
                .optOption("trainParam", "true")
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new ModelLoadException("not a loadable TorchScript model: " + ptFile.getFileName() + " ("
                    + firstLine(e.getMessage()) + ")", e);
        }
        try {
            if (!(model.getBlock() instanceof PtSymbolBlock)) {
                throw new ModelLoadException("not a TorchScript model: " + ptFile.getFileName());
            }
            JniUtils.enableInferenceMode((PtSymbolBlock) model.getBlock());
            return new TorchScriptClassifier(card, ptFile, Hashing.sha256(copy), model);
        } catch (IOException | RuntimeException e) {
            model.close();
            if (e instanceof ModelLoadException) {
                throw (ModelLoadException) e;
            }
            throw new ModelLoadException("cannot use TorchScript model " + ptFile.getFileName() + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void checkOutputKind(NDArray normalizedBatch) {
        String name = normalizedBatch.getName();
        normalizedBatch.setName(null);
        try (IValue in = IValue.from((PtNDArray) normalizedBatch);
                IValue out = IValueUtils.forward(block, new IValue[] {in})) {
            if (!out.isTensor()) {
                String kind = out.isTuple() ? "a tuple" : out.isMap() ? "a dict" : out.isList() || out.isTensorList()
                        ? "a list" : "a " + out.getType();
                throw new ModelLoadException(source().getFileName() + " returns " + kind + ", not one N×K tensor of"
                        + " logits: export the classifier so that forward returns only the logits");
            }
        } finally {
            normalizedBatch.setName(name);
        }
    }

    /**
     * The line of a libtorch error that says what went wrong: TorchScript wraps it in a traceback whose first
     * line is only "The following operation failed in the TorchScript interpreter".
     */
    /**
     * The size libtorch failed to allocate ("… can't allocate memory: you tried to allocate N bytes"), or -1 when
     * the message is not an allocation failure; 0 when it is one without a size.
     */
    public static long failedAllocation(String message) {
        if (message == null || !(message.contains("can't allocate memory") || message.contains("Cannot allocate memory")
                || message.contains("out of memory"))) {
            return -1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("allocate (\\d+) bytes").matcher(message);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static String cause(String message) {
        if (message == null) {
            return "no details";
        }
        String found = null;
        for (String line : message.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("RuntimeError:")) {
                found = l.substring("RuntimeError:".length()).strip();
            }
        }
        return found != null && !found.isEmpty() ? found : firstLine(message);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no details";
        }
        String line = message.strip().split("\\R", 2)[0];
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    @Override
    public NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Device device() {
        return model.getNDManager().getDevice();
    }

    @Override
    public NDArray logits(NDArray normalizedBatch, boolean recordGraph) {
        // A named array would be packed into a list/dict argument (IValueUtils packs by name).
        String name = normalizedBatch.getName();
        normalizedBatch.setName(null);
        try {
            NDList out = IValueUtils.forward(block, new NDList(normalizedBatch), recordGraph);
            if (out.size() != 1) {
                out.close();
                throw new ModelLoadException("the TorchScript model returned " + out.size()
                        + " outputs; DSV Studio needs exactly one N×K logits tensor");
            }
            return out.get(0);
        } finally {
            normalizedBatch.setName(name);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
