package org.dsvstudio.app;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What the app is working on: the loaded model. Every call returns at once; the work runs on the compute
 * thread and the future completes there (the UI hops back to its own thread).
 */
public final class Workbench implements AutoCloseable {

    /** What a user sees of a loaded model. */
    public record ModelSummary(Path path, ModelCard card, long parameterCount, String sha256, String device,
            String engine, long engineStartMillis) {
    }

    private final DeviceChoice deviceChoice;
    private Classifier current;

    public Workbench(DeviceChoice deviceChoice) {
        this.deviceChoice = deviceChoice;
    }

    /** Starts the engine in the background (the first start unpacks natives and takes seconds). */
    public CompletableFuture<DjlEngine> startEngine() {
        return ComputeThread.get().submit(() -> DjlEngine.start(deviceChoice));
    }

    /** Loads a model folder or .pt, replacing (and closing) the current one only when the load succeeds. */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides) {
        return ComputeThread.get().submit(() -> {
            DjlEngine engine = DjlEngine.start(deviceChoice);
            Classifier loaded = ModelLoader.load(path, overrides, engine.device());
            if (current != null) {
                current.close();
            }
            current = loaded;
            return new ModelSummary(loaded.source(), loaded.card(), loaded.parameterCount(), loaded.sha256(),
                    engine.deviceNote(), engine.versionLine(), engine.startMillis());
        });
    }

    /** The loaded classifier; only for code already running on the compute thread. */
    public Classifier current() {
        if (!ComputeThread.get().isComputeThread()) {
            throw new IllegalStateException("the classifier may only be used on the compute thread");
        }
        return current;
    }

    @Override
    public void close() {
        ComputeThread.get().submit(() -> {
            if (current != null) {
                current.close();
                current = null;
            }
            return null;
        });
    }
}
