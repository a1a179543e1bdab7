package org.dsvstudio.app;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;

import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the app is working on: the loaded model. Every call returns at once; the work runs on the compute
 * thread and the future completes there (the UI hops back to its own thread).
 */
public final class Workbench implements AutoCloseable {

    /** What a user sees of a loaded model. */
    public record ModelSummary(Path path, ModelCard card, long parameterCount, String sha256, String device,
            String engine, long engineStartMillis) {
    }

    /** A DeepKKT run in progress: its future result (partial when cancelled) and its cancel flag. */
    public record Run(CompletableFuture<KktResult> result, AtomicBoolean cancel) {
        public void requestCancel() {
            cancel.set(true);
        }
    }

    private final DeviceChoice deviceChoice;
    private Classifier current;
    private AutogradBridge bridge;

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

    /**
     * Queues a DeepKKT run on the loaded model: perClass noise-started candidates for every class. Progress
     * snapshots arrive on the compute thread; the run stops between steps once cancelled (or at JVM exit).
     */
    public Run generate(KktConfig config, int perClass, long seed, Consumer<KktProgress> progress) {
        AtomicBoolean cancel = new AtomicBoolean();
        CompletableFuture<KktResult> result = ComputeThread.get().submit(() -> {
            if (current == null) {
                throw new IllegalStateException("no model loaded");
            }
            if (bridge == null) {
                bridge = AutogradBridge.load();
            }
            int[] classes = GenerationPlan.resolveClasses(current.card(), null);
            KktRequest request = GenerationPlan.build(current.card(), classes, perClass, null,
                    GenerationPlan.Init.NOISE, null, null, seed, config);
            return new KktJob(current, bridge, request).run(progress,
                    () -> cancel.get() || ComputeThread.get().isShuttingDown());
        });
        return new Run(result, cancel);
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
            if (bridge != null) {
                bridge.close();
                bridge = null;
            }
            return null;
        });
    }
}
