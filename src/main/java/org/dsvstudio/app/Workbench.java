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

import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the app is working on: the loaded model. Every call returns at once; the work runs on the compute
 * thread and the future completes there (the UI hops back to its own thread).
 */
public final class Workbench implements AutoCloseable {

    /** What a user sees of a loaded model. */
    public record ModelSummary(Path path, ModelCard card, long parameterCount, String sha256, String device,
            String engine, long engineStartMillis, long generation) {
    }

    /** A DeepKKT run in progress: its future result (partial when cancelled) and its cancel flag. */
    public record Run(CompletableFuture<KktResult> result, AtomicBoolean cancel) {
        public void requestCancel() {
            cancel.set(true);
        }
    }

    /** Data reading and nearest-image searches: plain Java, kept off the compute thread. */
    private static final ExecutorService DATA_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dsv-data");
        t.setDaemon(true);
        return t;
    });

    private final DeviceChoice deviceChoice;
    private Classifier current;
    /** Counts successful opens (compute thread only), so a queued run can tell its model was replaced. */
    private long generation;
    private volatile AttachedData attached;
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
            generation++;
            return new ModelSummary(loaded.source(), loaded.card(), loaded.parameterCount(), loaded.sha256(),
                    engine.deviceNote(), engine.versionLine(), engine.startMillis(), generation);
        });
    }

    /**
     * Loads path with the given card fields only to check them (the probe forward pass of every load), then
     * closes it; completes with a one-line summary, or exceptionally with the loader's message.
     */
    public CompletableFuture<String> probe(Path path, CardOverrides overrides) {
        return ComputeThread.get().submit(() -> {
            DjlEngine engine = DjlEngine.start(deviceChoice);
            try (Classifier c = ModelLoader.load(path, overrides, engine.device())) {
                return String.format(java.util.Locale.ROOT, "loads and runs: %,d parameters, %d classes, input %d×%d×%d",
                        c.parameterCount(), c.card().numClasses(), c.card().channels(), c.card().height(),
                        c.card().imageWidth());
            }
        });
    }

    /**
     * Queues a DeepKKT run on the loaded model: perClass noise-started candidates for every class. Progress
     * snapshots arrive on the compute thread; the run stops between steps once cancelled (or at JVM exit).
     */
    public Run generate(KktConfig config, int perClass, long seed, Consumer<KktProgress> progress) {
        return generate(RunSpec.noise(config, perClass, seed), -1, new RunListener() {
            @Override
            public void progress(KktProgress p) {
                progress.accept(p);
            }
        });
    }

    /** What a queued run reports, on the compute thread. */
    public interface RunListener {
        /** The run left the queue and starts now. */
        default void started() {
        }

        void progress(KktProgress p);

        /** The request the run was built into, just before its first step (its start images are step 0). */
        default void request(KktRequest request) {
        }
    }

    /**
     * Queues a run. Runs execute one after another on the compute thread; one cancelled while still queued
     * completes with null without touching the model.
     *
     * @param modelGeneration {@link ModelSummary#generation()} of the model the user queued it for, or -1 for
     *     whatever is loaded when it starts; a run whose model was replaced meanwhile fails with a message
     */
    public Run generate(RunSpec spec, long modelGeneration, RunListener listener) {
        AtomicBoolean cancel = new AtomicBoolean();
        CompletableFuture<KktResult> result = ComputeThread.get().submit(() -> {
            if (cancel.get()) {
                return null;
            }
            if (current == null) {
                throw new IllegalStateException("no model loaded");
            }
            if (modelGeneration >= 0 && modelGeneration != generation) {
                throw new IllegalStateException("another model was opened after this run was queued; queue it again"
                        + " for " + current.card().name());
            }
            listener.started();
            if (bridge == null) {
                bridge = AutogradBridge.load();
            }
            ModelCard card = current.card();
            int[] classes = spec.classes() != null ? spec.classes() : GenerationPlan.resolveClasses(card, null);
            ImageDataset images = spec.init() == GenerationPlan.Init.NOISE ? null : dataFor(spec.data());
            KktRequest request = spec.start() != null
                    ? GenerationPlan.fromImage(card, classes, spec.perClass(), spec.mix(), spec.start(),
                            spec.startLabel(), spec.seed(), spec.config())
                    : GenerationPlan.build(card, classes, spec.perClass(), spec.mix(), spec.init(), images,
                            spec.data() == null ? null : spec.data().toString(), spec.seed(), spec.config());
            listener.request(request);
            return new KktJob(current, bridge, request).run(listener::progress,
                    () -> cancel.get() || ComputeThread.get().isShuttingDown());
        });
        return new Run(result, cancel);
    }

    /**
     * Reads the train split of a data folder in the background (not on the compute thread, so a running job is
     * not held up) and keeps it as the attached data: start images for runs, nearest real images for DSVs.
     */
    public CompletableFuture<AttachedData> attachData(Path folder) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AttachedData d = new AttachedData(folder, DatasetLoader.load(folder, Split.TRAIN));
                attached = d;
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }, DATA_THREAD);
    }

    /** The attached data, or null. */
    public AttachedData attached() {
        return attached;
    }

    /** The k training images nearest to image01 in pixel space (attached data), computed in the background. */
    public CompletableFuture<List<NearestImages.Match>> nearest(float[] image01, int k) {
        AttachedData d = attached;
        if (d == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no data folder attached"));
        }
        return CompletableFuture.supplyAsync(() -> NearestImages.inPixelSpace(d.train(), image01, k, NearestImages.ANY_LABEL), DATA_THREAD);
    }

    /** A data folder's train split, attached to the workbench. */
    public record AttachedData(Path folder, ImageDataset train) {
    }

    private ImageDataset dataFor(Path folder) throws IOException {
        AttachedData d = attached;
        if (d != null && d.folder().equals(folder)) {
            return d.train();
        }
        return DatasetLoader.load(folder, Split.TRAIN);
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
            closeSecond();
            if (bridge != null) {
                bridge.close();
                bridge = null;
            }
            return null;
        });
    }

    // ---- A second model, for comparisons (compute thread only) ----

    private Classifier second;
    private long secondGeneration;

    /**
     * Loads a second classifier beside the current one (replacing an earlier second one only when this load
     * succeeds); the current model stays as it is.
     */
    public CompletableFuture<ModelSummary> openSecond(Path path, CardOverrides overrides) {
        return ComputeThread.get().submit(() -> {
            DjlEngine engine = DjlEngine.start(deviceChoice);
            Classifier loaded = ModelLoader.load(path, overrides, engine.device());
            closeSecond();
            second = loaded;
            secondGeneration++;
            return new ModelSummary(loaded.source(), loaded.card(), loaded.parameterCount(), loaded.sha256(),
                    engine.deviceNote(), engine.versionLine(), engine.startMillis(), secondGeneration);
        });
    }

    /**
     * Classifies the current model's DSVs with the second model and, when given, the second model's DSVs with
     * the current model. Fails with a message when no second model is loaded or the classes differ.
     *
     * @param firstDsvs DSVs of the current model (model 1)
     * @param secondDsvs DSVs of the second model (model 2), or null
     */
    public CompletableFuture<ModelComparison.Result> compare(ModelComparison.Dsvs firstDsvs,
            ModelComparison.Dsvs secondDsvs) {
        return ComputeThread.get().submit(() -> {
            if (current == null) {
                throw new IllegalStateException("no model loaded");
            }
            if (second == null) {
                throw new IllegalStateException("no second model loaded: Compare with model… first");
            }
            String problem = ModelComparison.mismatch(current.card(), second.card());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            ModelComparison.Direction forward = ModelComparison.classify(firstDsvs, second);
            ModelComparison.Direction reverse = secondDsvs == null ? null : ModelComparison.classify(secondDsvs, current);
            return new ModelComparison.Result(forward, reverse);
        });
    }

    /** Closes the second model, if any (compute thread). */
    private void closeSecond() {
        if (second != null) {
            second.close();
            second = null;
        }
    }
}
