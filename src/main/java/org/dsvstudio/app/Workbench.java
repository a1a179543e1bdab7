package org.dsvstudio.app;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.ModelCodeCheck;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerClient;
import org.dsvstudio.worker.WorkerLaunch;
import org.dsvstudio.worker.WorkerServer;
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
 * What the app is working on: the loaded model. Every call returns at once; the future completes on another
 * thread (the UI hops back to its own).
 *
 * <p>A model file is code, so opening, checking and DeepKKT runs happen in the compute worker process
 * ({@link WorkerClient}): a model that crashes, hangs or eats memory there costs the worker, which is restarted,
 * and not the app. A model the worker opened is then also loaded here, for the views not yet moved to the
 * worker (boundaries, saliency, comparison, margins): only after it passed the code check and the worker's
 * load and probe under its time limit and memory cap.
 */
public final class Workbench implements AutoCloseable {

    /** What a user sees of a loaded model. */
    public record ModelSummary(Path path, ModelCard card, long parameterCount, String sha256, String device,
            String engine, long engineStartMillis, long generation) {
    }

    /** A DeepKKT run in progress: its future result (partial when cancelled) and how to cancel it. */
    public record Run(CompletableFuture<KktResult> result, AtomicBoolean cancel, Runnable onCancel) {
        public void requestCancel() {
            cancel.set(true);
            onCancel.run();
        }
    }

    /** Calls to the worker that wait for it (its start): never on the compute or the UI thread. */
    private static final ExecutorService WORKER_CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dsv-worker-calls");
        t.setDaemon(true);
        return t;
    });

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

    private final WorkerClient worker;
    /** The SHA-256 of the model the worker holds (set when an open succeeds), for runs queued for it. */
    private volatile String workerModelSha;

    public Workbench(DeviceChoice deviceChoice) {
        this(deviceChoice, WorkerLaunch.Settings.defaults(deviceChoice));
    }

    public Workbench(DeviceChoice deviceChoice, WorkerLaunch.Settings workerSettings) {
        this.deviceChoice = deviceChoice;
        this.worker = new WorkerClient(workerSettings);
    }

    /** The compute worker (for its settings, restarts and death notices). */
    public WorkerClient worker() {
        return worker;
    }

    /**
     * Starts the engine in the background (the first start unpacks natives and takes seconds), then the
     * compute worker, which finds the natives unpacked (its sandbox may not write the cache).
     */
    public CompletableFuture<DjlEngine> startEngine() {
        CompletableFuture<DjlEngine> engine = ComputeThread.get().submit(() -> DjlEngine.start(deviceChoice));
        engine.thenRunAsync(() -> {
            try {
                worker.start();
            } catch (RuntimeException e) {
                // reported again, with its reason, by the first call that needs the worker
            }
        }, WORKER_CALLS);
        return engine;
    }

    /** Loads a model folder or .pt, replacing (and closing) the current one only when the load succeeds. */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides) {
        return open(path, overrides, false);
    }

    /**
     * Opens a model in the worker (code check, load and probe under the load time limit), then here.
     *
     * @param trustCode the user vouches for this file: its code runs even where the code check refuses it
     */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides, boolean trustCode) {
        String what = "opening " + (path == null ? "the model" : path.getFileName());
        return startEngine()
                .thenComposeAsync(engine -> worker.call(Protocol.OPEN, new WorkerServer.OpenRequest(path, overrides,
                        trustCode), m -> { }, worker.settings().loadTimeout(), what).result(), WORKER_CALLS)
                .thenCompose(json -> ComputeThread.get().submit(() -> {
                    ModelSummary inWorker = Protocol.mapper().treeToValue(json, ModelSummary.class);
                    workerModelSha = inWorker.sha256();
                    if (trustCode) {
                        ModelCodeCheck.trust(inWorker.path());
                    }
                    DjlEngine engine = DjlEngine.start(deviceChoice);
                    Classifier loaded = ModelLoader.load(path, overrides, engine.device());
                    if (current != null) {
                        current.close();
                    }
                    current = loaded;
                    generation++;
                    return new ModelSummary(loaded.source(), loaded.card(), loaded.parameterCount(), loaded.sha256(),
                            engine.deviceNote(), engine.versionLine(), engine.startMillis(), generation);
                }));
    }

    /**
     * Loads path with the given card fields only to check them (the probe forward pass of every load), in the
     * worker under the load time limit; completes with a one-line summary, or exceptionally with the message.
     */
    public CompletableFuture<String> probe(Path path, CardOverrides overrides) {
        String what = "checking " + (path == null ? "the model" : path.getFileName());
        return startEngine()
                .thenComposeAsync(engine -> worker.call(Protocol.PROBE, new WorkerServer.OpenRequest(path, overrides,
                        false), m -> { }, worker.settings().loadTimeout(), what).result(), WORKER_CALLS)
                .thenApply(JsonNode::asText);
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
        if (modelGeneration >= 0 && modelGeneration != generation) {
            return new Run(CompletableFuture.failedFuture(new IllegalStateException("another model was opened after"
                    + " this run was queued; queue it again")), cancel, () -> { });
        }
        WorkerClient.Call call;
        try {
            call = worker.call(Protocol.GENERATE, new WorkerServer.GenerateRequest(spec, workerModelSha), m -> {
                try {
                    switch (m.kind()) {
                        case Protocol.STARTED -> listener.started();
                        case Protocol.PROGRESS -> listener.progress(Protocol.body(m, KktProgress.class));
                        case Protocol.REQUEST -> listener.request(Protocol.body(m, KktRequest.class));
                        default -> { }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("an unreadable " + m.kind() + " message", e);
                }
            }, null, "the run");
        } catch (RuntimeException e) {
            return new Run(CompletableFuture.failedFuture(e), cancel, () -> { });
        }
        CompletableFuture<KktResult> result = call.result().handle((json, failure) -> {
            if (failure == null) {
                try {
                    return Protocol.mapper().treeToValue(json, KktResult.class);
                } catch (IOException e) {
                    throw new UncheckedIOException("an unreadable run result", e);
                }
            }
            Throwable c = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (c instanceof WorkerClient.WorkerException w && w.category() == Protocol.Category.CANCELLED) {
                return null; // cancelled while queued: no result, as before the run ever started
            }
            throw c instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(c);
        });
        return new Run(result, cancel, call::cancel);
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

    /** The loaded classifier; only for code already running on the compute thread. */
    public Classifier current() {
        if (!ComputeThread.get().isComputeThread()) {
            throw new IllegalStateException("the classifier may only be used on the compute thread");
        }
        return current;
    }

    /** The autograd bridge, loaded on first use (compute thread). */
    private AutogradBridge bridge() {
        if (bridge == null) {
            bridge = AutogradBridge.load();
        }
        return bridge;
    }

    @Override
    public void close() {
        worker.close();
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

    // ---------------------------------------------------------------- decision boundaries (the Boundaries tab)

    /** Images per margin chunk: progress and cancellation between chunks. */
    static final int MARGIN_CHUNK = 32;

    /**
     * A boundary computation on the compute thread and its cancel flag. Cancelled (before it starts or between
     * batches), it completes exceptionally with a {@link java.util.concurrent.CancellationException}.
     */
    public record Computation<T>(CompletableFuture<T> result, AtomicBoolean cancel) {
        public void requestCancel() {
            cancel.set(true);
        }
    }

    /**
     * The loaded model's decisions on the plane through three images (pixels in [0, 1], the model's input size),
     * R×R cells of {@code window} (null: the default window around the anchors).
     *
     * @param modelGeneration the model the images belong to ({@link ModelSummary#generation()}, e.g. DSVs of a
     *     run), or -1 for whatever is loaded
     */
    public Computation<org.dsvstudio.explain.DecisionPlane.Result> plane(float[][] anchors01, int resolution,
            org.dsvstudio.explain.DecisionPlane.Window window, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        AtomicBoolean cancel = new AtomicBoolean();
        CompletableFuture<org.dsvstudio.explain.DecisionPlane.Result> f = ComputeThread.get().submit(() -> {
            Classifier model = boundaryModel(modelGeneration, cancel);
            if (anchors01 == null || anchors01.length != 3 || java.util.Arrays.stream(anchors01).anyMatch(a -> a == null)) {
                throw new IllegalArgumentException("pick three anchor images (A, B and C) first");
            }
            ModelCard card = model.card();
            org.dsvstudio.explain.DecisionPlane plane = org.dsvstudio.explain.DecisionPlane.through(model,
                    Pixels.normalize(anchors01[0], card), Pixels.normalize(anchors01[1], card),
                    Pixels.normalize(anchors01[2], card));
            org.dsvstudio.explain.DecisionPlane.Window w = window != null ? window
                    : plane.defaultWindow(org.dsvstudio.explain.DecisionPlane.DEFAULT_EXTENT);
            started(progress);
            return plane.compute(resolution, w, progress, () -> cancel.get() || ComputeThread.get().isShuttingDown());
        });
        return new Computation<>(f, cancel);
    }

    /** The loaded model's class probabilities along the straight path from p to q (pixels in [0, 1]). */
    public Computation<org.dsvstudio.explain.DecisionPath.Result> path(float[] p01, float[] q01, int points,
            long modelGeneration, java.util.function.DoubleConsumer progress) {
        AtomicBoolean cancel = new AtomicBoolean();
        CompletableFuture<org.dsvstudio.explain.DecisionPath.Result> f = ComputeThread.get().submit(() -> {
            Classifier model = boundaryModel(modelGeneration, cancel);
            if (p01 == null || q01 == null) {
                throw new IllegalArgumentException("pick the path's start and end images first");
            }
            ModelCard card = model.card();
            started(progress);
            return org.dsvstudio.explain.DecisionPath.compute(model, Pixels.normalize(p01, card),
                    Pixels.normalize(q01, card), points, progress,
                    () -> cancel.get() || ComputeThread.get().isShuttingDown());
        });
        return new Computation<>(f, cancel);
    }

    /**
     * Each image's distance to the loaded model's nearest decision boundary along the gradient
     * ({@link org.dsvstudio.explain.Margins#alongGradient}, pixel-space L2; +∞ when not reached within
     * {@value org.dsvstudio.explain.Margins#DEFAULT_MAX_DISTANCE}), {@value #MARGIN_CHUNK} images at a time.
     */
    public Computation<double[]> margins(List<float[]> images01, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        AtomicBoolean cancel = new AtomicBoolean();
        List<float[]> images = List.copyOf(images01);
        CompletableFuture<double[]> f = ComputeThread.get().submit(() -> {
            Classifier model = boundaryModel(modelGeneration, cancel);
            ModelCard card = model.card();
            org.dsvstudio.explain.Attributions attributions = new org.dsvstudio.explain.Attributions(model, bridge());
            double[] out = new double[images.size()];
            started(progress);
            for (int from = 0; from < images.size(); from += MARGIN_CHUNK) {
                if (cancel.get() || ComputeThread.get().isShuttingDown()) {
                    throw new java.util.concurrent.CancellationException("margins stopped after " + from + " of "
                            + images.size() + " images");
                }
                int m = Math.min(MARGIN_CHUNK, images.size() - from);
                float[][] xs = new float[m][];
                for (int j = 0; j < m; j++) {
                    float[] image = images.get(from + j);
                    int size = card.channels() * card.height() * card.imageWidth();
                    if (image.length != size) {
                        throw new IllegalArgumentException("image " + (from + j) + " has " + image.length
                                + " values, the model takes " + size);
                    }
                    xs[j] = Pixels.normalize(image, card);
                }
                double[] d = org.dsvstudio.explain.Margins.alongGradient(attributions, card, xs);
                System.arraycopy(d, 0, out, from, m);
                if (progress != null) {
                    progress.accept((double) (from + m) / images.size());
                }
            }
            return out;
        });
        return new Computation<>(f, cancel);
    }

    /** Real images to compare with: their source (e.g. "fashion-mnist/test"), pixels in [0, 1] and labels. */
    public record RealImages(String source, List<String> classNames, List<float[]> images01, int[] labels) {
    }

    /**
     * n real images of the attached data folder, evenly over its classes (seeded): from its test split when it
     * has one, else from the attached train split. Read in the background, off the compute thread.
     */
    public CompletableFuture<RealImages> realImages(int n, long seed) {
        AttachedData d = attached;
        if (d == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no data folder attached: attach one (File → Attach data folder…, Ctrl+D) to compare with real images"));
        }
        return CompletableFuture.supplyAsync(() -> {
            ImageDataset source;
            try {
                source = DatasetLoader.load(d.folder(), Split.TEST);
            } catch (IOException | RuntimeException e) {
                source = d.train();
            }
            ImageDataset s = source.sample(Math.min(n, source.size()), seed);
            List<float[]> images = new java.util.ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                images.add(s.image01(i));
            }
            return new RealImages(source.name(), source.classNames(), List.copyOf(images), s.labels());
        }, DATA_THREAD);
    }

    /** An image file (PNG/JPEG) as pixels in [0, 1] at the card's input size (resized, gray or RGB as the card). */
    public CompletableFuture<float[]> readImage01(Path file, ModelCard card) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Pixels.toPixels(org.dsvstudio.explain.ExplainImages.readNormalized(file, card), card);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file.getFileName() + ": " + e.getMessage(), e);
            }
        }, DATA_THREAD);
    }

    /** Tells a waiting caller that its computation left the queue: progress 0. */
    private static void started(java.util.function.DoubleConsumer progress) {
        if (progress != null) {
            progress.accept(0);
        }
    }

    /** The loaded model for a boundary computation (compute thread), or why there is none. */
    private Classifier boundaryModel(long modelGeneration, AtomicBoolean cancel) {
        if (cancel.get()) {
            throw new java.util.concurrent.CancellationException("cancelled before it started");
        }
        if (current == null) {
            throw new IllegalStateException("no model loaded: open a model first");
        }
        if (modelGeneration >= 0 && modelGeneration != generation) {
            throw new IllegalStateException("these images belong to a model that is no longer loaded ("
                    + current.card().name() + " was opened since); pick them again");
        }
        return current;
    }

    // Saliency views (Explain tab)

    /**
     * Prepares an image for the saliency views on the loaded model: a file is read and resized to the model's
     * input, a DSV's image is checked against it; comes with the model's probabilities and its Grad-CAM layers.
     */
    public CompletableFuture<Saliency.Prepared> prepareExplain(Saliency.Source source) {
        return ComputeThread.get().submit(() -> {
            if (current == null) {
                throw new IllegalStateException("no model loaded: open a model first");
            }
            return Saliency.prepare(source, current, bridge(), generation);
        });
    }

    /**
     * Queues heat maps of a prepared image, computed one after another on the compute thread; each is passed to
     * {@code each} (on the compute thread) when ready. Cancelling stops between batches and completes the future
     * with a CancellationException; so does a request whose model was replaced meanwhile (with a message).
     */
    public Saliency.Run explain(Saliency.Prepared input, List<Saliency.Request> requests,
            Consumer<Saliency.MapResult> each) {
        AtomicBoolean cancel = new AtomicBoolean();
        java.util.function.BooleanSupplier stop = () -> cancel.get() || ComputeThread.get().isShuttingDown();
        CompletableFuture<List<Saliency.MapResult>> result = ComputeThread.get().submit(() -> {
            List<Saliency.MapResult> maps = new java.util.ArrayList<>();
            for (Saliency.Request r : requests) {
                Saliency.checkCancel(stop);
                if (current == null || input.generation() != generation) {
                    throw new IllegalStateException("another model was opened since this image was prepared");
                }
                Saliency.MapResult m = Saliency.compute(current, bridge(), input, r, stop);
                maps.add(m);
                each.accept(m);
            }
            return maps;
        });
        return new Saliency.Run(result, cancel);
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
