package org.dsvstudio.engine;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.autograd.grad} for DJL, through a weight-free TorchScript module (made by
 * scripts/make_autograd_bridge.py, shipped as a resource). It computes gradients without touching
 * {@code .grad} (DJL's backward accumulates there and, with a graph, leaks) and can keep the graph of the
 * result, which DeepKKT needs for its second derivative. Works on graphs of TorchScript models and of
 * DJL-native blocks alike. Compute thread only, inside a GradientCollector (which turns grad mode on).
 *
 * <p>Arguments reach TorchScript by array name ({@code outputs[]} etc. become List[Tensor]); names are
 * restored after each call because they stick to the arrays. Results belong to the manager of
 * {@code outputs.get(0)}.
 */
public final class AutogradBridge implements AutoCloseable {

    private static final String RESOURCE = "/org/dsvstudio/engine/autograd_bridge.pt";

    private final ZooModel<NDList, NDList> model;
    private final PtSymbolBlock block;

    private AutogradBridge(ZooModel<NDList, NDList> model) {
        this.model = model;
        this.block = (PtSymbolBlock) model.getBlock();
    }

    /**
     * Loads the bridge from the jar (copied to a temporary file, as libtorch loads from a file; the temp folder,
     * since the compute worker's sandbox may write only there).
     */
    public static AutogradBridge load() {
        try {
            // a folder of its own: DJL scans the model's folder for .jar files and initializes their classes, and
            // the shared temp folder may hold anyone's jars
            Path dir = Files.createTempDirectory("dsv-bridge-");
            Path file = dir.resolve("autograd_bridge.pt");
            try {
                try (InputStream in = AutogradBridge.class.getResourceAsStream(RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException("autograd bridge resource missing: " + RESOURCE);
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                        .optModelPath(file).optEngine("PyTorch").build();
                return new AutogradBridge(criteria.loadModel());
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the autograd bridge: " + e.getMessage(), e);
        }
    }

    /** d(outputs)/d(inputs) with the graph kept (create_graph), for a second derivative; unused → zeros. */
    public NDList gradWithGraph(List<NDArray> outputs, List<NDArray> inputs, List<NDArray> gradOutputs) {
        return call("grad_cg", outputs, inputs, gradOutputs);
    }

    /** d(outputs)/d(inputs), graph released; every input must be connected to the outputs. */
    public NDList grad(List<NDArray> outputs, List<NDArray> inputs, List<NDArray> gradOutputs) {
        return call("grad_nocg", outputs, inputs, gradOutputs);
    }

    /** d(outputs)/d(inputs) without a graph of the result, keeping the forward graph for more calls. */
    public NDList gradRetain(List<NDArray> outputs, List<NDArray> inputs, List<NDArray> gradOutputs) {
        return call("grad_nocg_retain", outputs, inputs, gradOutputs);
    }

    /** Gradient of a scalar w.r.t. inputs (seed 1), graph released. */
    public NDList grad(NDArray scalar, List<NDArray> inputs) {
        try (NDArray one = scalar.onesLike()) {
            return grad(List.of(scalar), inputs, List.of(one));
        }
    }

    private NDList call(String method, List<NDArray> outputs, List<NDArray> inputs, List<NDArray> gradOutputs) {
        List<NDArray> all = new ArrayList<>(outputs.size() + inputs.size() + gradOutputs.size());
        all.addAll(outputs);
        all.addAll(inputs);
        all.addAll(gradOutputs);
        java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (!all.stream().allMatch(seen::add)) {
            throw new IllegalArgumentException("an array cannot be passed twice to the autograd bridge");
        }
        List<String> names = new ArrayList<>(all.size());
        for (NDArray a : all) {
            names.add(a.getName());
        }
        NDManager owner = outputs.get(0).getManager();
        NDArray marker = owner.zeros(new Shape());
        marker.setName("module_method:" + method);
        try {
            NDList list = new NDList(all.size() + 1);
            for (NDArray a : outputs) {
                a.setName("outputs[]");
                list.add(a);
            }
            for (NDArray a : inputs) {
                a.setName("inputs[]");
                list.add(a);
            }
            for (NDArray a : gradOutputs) {
                a.setName("grad_outputs[]");
                list.add(a);
            }
            list.add(marker);
            return IValueUtils.forward(block, list, true);
        } finally {
            for (int i = 0; i < all.size(); i++) {
                all.get(i).setName(names.get(i));
            }
            marker.close();
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
