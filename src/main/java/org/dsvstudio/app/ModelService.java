package org.dsvstudio.app;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import com.fasterxml.jackson.databind.JsonNode;
import org.dsvstudio.app.Workbench.ModelSummary;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerClient;
import org.dsvstudio.worker.WorkerServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The model session: opening and checking models (in the worker, under its time limit), the open model as this
 * app numbers it, and the engine start that unpacks the natives the worker's sandbox may not write.
 */
public final class ModelService {

    private final DeviceChoice deviceChoice;
    private final WorkerCalls calls;
    /** The model the worker holds, as this app numbers it (generation counts successful opens). */
    private volatile ModelSummary loaded;
    private long generation;
    /** The SHA-256 of the model the worker holds (set when an open succeeds), for runs queued for it. */
    private volatile String workerModelSha;

    ModelService(DeviceChoice deviceChoice, WorkerCalls calls) {
        this.deviceChoice = deviceChoice;
        this.calls = calls;
    }

    /** The compute worker (its settings, restarts and death notices). */
    public WorkerClient worker() {
        return calls.worker;
    }

    /**
     * Starts the engine in the background (the first start unpacks natives and takes seconds), then the
     * compute worker, which finds the natives unpacked (its sandbox may not write the cache).
     */
    public CompletableFuture<DjlEngine> startEngine() {
        CompletableFuture<DjlEngine> engine = ComputeThread.get().submit(() -> DjlEngine.start(deviceChoice));
        engine.thenRunAsync(() -> {
            try {
                calls.worker.start();
            } catch (RuntimeException e) {
                // reported again, with its reason, by the first call that needs the worker
            }
        }, WorkerCalls.WORKER_CALLS);
        return engine;
    }

    /** Loads a model folder or .pt, replacing (and closing) the current one only when the load succeeds. */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides) {
        return open(path, overrides, false);
    }

    /**
     * Opens a model in the worker (code check, load and probe under the load time limit); it replaces the
     * current model only when it opens.
     *
     * @param trustCode the user vouches for this file: its code runs even where the code check refuses it
     */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides, boolean trustCode) {
        String what = "opening " + (path == null ? "the model" : path.getFileName());
        return startEngine()
                .thenComposeAsync(engine -> calls.worker.call(Protocol.OPEN, new WorkerServer.OpenRequest(path,
                        overrides, trustCode), m -> { }, calls.worker.settings().loadTimeout(), what).result(),
                        WorkerCalls.SENDER)
                .thenApply(json -> {
                    ModelSummary w;
                    try {
                        w = Protocol.mapper().treeToValue(json, ModelSummary.class);
                    } catch (IOException e) {
                        throw new UncheckedIOException("an unreadable answer from the compute process", e);
                    }
                    synchronized (this) {
                        generation++;
                        workerModelSha = w.sha256();
                        loaded = new ModelSummary(w.path(), w.card(), w.parameterCount(), w.sha256(), w.device(),
                                w.engine(), w.engineStartMillis(), generation);
                        return loaded;
                    }
                });
    }

    /** The open model, or null. */
    public ModelSummary loaded() {
        return loaded;
    }

    /**
     * Loads path with the given card fields only to check them (the probe forward pass of every load), in the
     * worker under the load time limit; completes with a one-line summary, or exceptionally with the message.
     */
    public CompletableFuture<String> probe(Path path, CardOverrides overrides) {
        String what = "checking " + (path == null ? "the model" : path.getFileName());
        return startEngine()
                .thenComposeAsync(engine -> calls.worker.call(Protocol.PROBE, new WorkerServer.OpenRequest(path,
                        overrides, false), m -> { }, calls.worker.settings().loadTimeout(), what).result(),
                        WorkerCalls.SENDER)
                .thenApply(JsonNode::asText);
    }

    /** The generation of a run opened from a file whose model is not loaded in this session. */
    public static final long NOT_LOADED = -2;

    /** Why images made for modelGeneration cannot be used now, or null. */
    String stale(long modelGeneration) {
        if (modelGeneration == NOT_LOADED) {
            return "this run was opened from a file and its model is not open: open the model it was made with"
                    + " (File → Open model folder…) to use its DSVs here";
        }
        ModelSummary m = loaded;
        if (m == null) {
            return "no model loaded: open a model first";
        }
        if (modelGeneration >= 0 && modelGeneration != m.generation()) {
            return "these images belong to a model that is no longer loaded (" + m.card().name() + " was opened"
                    + " since); pick them again";
        }
        return null;
    }

    /** The SHA-256 of the model the worker holds, or null. */
    String workerModelSha() {
        return workerModelSha;
    }
}
