package org.dsvstudio.app;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.ModelCard;

import com.fasterxml.jackson.databind.JsonNode;
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
    /** The model the worker holds, as this app numbers it (generation counts successful opens). */
    private volatile ModelSummary loaded;
    private long generation;
    private volatile AttachedData attached;

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
     * Opens a model in the worker (code check, load and probe under the load time limit); it replaces the
     * current model only when it opens.
     *
     * @param trustCode the user vouches for this file: its code runs even where the code check refuses it
     */
    public CompletableFuture<ModelSummary> open(Path path, CardOverrides overrides, boolean trustCode) {
        String what = "opening " + (path == null ? "the model" : path.getFileName());
        return startEngine()
                .thenComposeAsync(engine -> worker.call(Protocol.OPEN, new WorkerServer.OpenRequest(path, overrides,
                        trustCode), m -> { }, worker.settings().loadTimeout(), what).result(), WORKER_CALLS)
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
    public Computation<KktResult> generate(RunSpec spec, long modelGeneration, RunListener listener) {
        ModelSummary model = loaded;
        if (modelGeneration >= 0 && (model == null || modelGeneration != model.generation())) {
            return Computation.failed(new IllegalStateException("another model was opened after this run was queued;"
                    + " queue it again"));
        }
        return call(Protocol.GENERATE, new WorkerServer.GenerateRequest(spec, workerModelSha), "the run", m -> {
            switch (m.kind()) {
                case Protocol.STARTED -> listener.started();
                case Protocol.PROGRESS -> listener.progress(body(m, KktProgress.class));
                case Protocol.REQUEST -> listener.request(body(m, KktRequest.class));
                default -> { }
            }
        }, json -> Protocol.mapper().treeToValue(json, KktResult.class), true);
    }

    /** What a worker reply body holds, or an unchecked failure saying it was unreadable. */
    private static <T> T body(Protocol.Message m, Class<T> type) {
        try {
            return Protocol.body(m, type);
        } catch (IOException e) {
            throw new UncheckedIOException("an unreadable " + m.kind() + " message from the compute process", e);
        }
    }

    /** Decodes a reply's body (JSON) into what the caller wants. */
    private interface Decoder<T> {
        T decode(JsonNode json) throws IOException;
    }

    /**
     * A request to the worker as a {@link Computation}: its events go to {@code events} (on the worker's reading
     * thread), its cancel is the worker's cooperative cancel (killed past the grace period). A request cancelled
     * before it started completes with null when {@code nullWhenCancelled} (a run), else with a
     * CancellationException.
     */
    private <T> Computation<T> call(String op, Object body, String what, Consumer<Protocol.Message> events,
            Decoder<T> decoder, boolean nullWhenCancelled) {
        WorkerClient.Call call;
        try {
            call = worker.call(op, body, events, null, what);
        } catch (RuntimeException e) {
            return Computation.failed(e);
        }
        CompletableFuture<T> result = call.result().handle((json, failure) -> {
            if (failure == null) {
                try {
                    return decoder.decode(json);
                } catch (IOException e) {
                    throw new UncheckedIOException("an unreadable answer from the compute process", e);
                }
            }
            Throwable c = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (c instanceof WorkerClient.WorkerException w && w.category() == Protocol.Category.CANCELLED) {
                if (nullWhenCancelled) {
                    return null; // cancelled while queued: no result, as before the run ever started
                }
                throw new java.util.concurrent.CancellationException(w.getMessage());
            }
            throw c instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(c);
        });
        return new Computation<>(result, call::cancel);
    }

    /** Progress events of a computation that reports fractions. */
    private static Consumer<Protocol.Message> fractions(java.util.function.DoubleConsumer progress) {
        return m -> {
            if (progress != null && m.kind().equals(Protocol.PROGRESS)) {
                progress.accept(body(m, Protocol.Fraction.class).fraction());
            }
        };
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

    /** Ends the worker, and with it the models it holds. */
    @Override
    public void close() {
        worker.close();
    }

    // ---------------------------------------------------------------- decision boundaries (the Boundaries tab)

    /**
     * The loaded model's decisions on the plane through three images (pixels in [0, 1], the model's input size),
     * R×R cells of {@code window} (null: the default window around the anchors), computed in the worker.
     *
     * @param modelGeneration the model the images belong to ({@link ModelSummary#generation()}, e.g. DSVs of a
     *     run), or -1 for whatever is loaded
     */
    public Computation<org.dsvstudio.explain.DecisionPlane.Result> plane(float[][] anchors01, int resolution,
            org.dsvstudio.explain.DecisionPlane.Window window, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        String stale = stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : call(Protocol.PLANE, new WorkerServer.PlaneRequest(anchors01, resolution, window), "the plane",
                        fractions(progress), json -> Protocol.mapper().treeToValue(json,
                                org.dsvstudio.explain.DecisionPlane.Result.class), false);
    }

    /** The loaded model's class probabilities along the straight path from p to q (pixels in [0, 1]). */
    public Computation<org.dsvstudio.explain.DecisionPath.Result> path(float[] p01, float[] q01, int points,
            long modelGeneration, java.util.function.DoubleConsumer progress) {
        String stale = stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : call(Protocol.PATH, new WorkerServer.PathRequest(p01, q01, points), "the path", fractions(progress),
                        json -> Protocol.mapper().treeToValue(json, org.dsvstudio.explain.DecisionPath.Result.class),
                        false);
    }

    /**
     * Each image's distance to the loaded model's nearest decision boundary along the gradient
     * ({@link org.dsvstudio.explain.Margins#alongGradient}, pixel-space L2; +∞ when not reached within
     * {@value org.dsvstudio.explain.Margins#DEFAULT_MAX_DISTANCE}), in chunks, in the worker.
     */
    public Computation<double[]> margins(List<float[]> images01, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        String stale = stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : call(Protocol.MARGINS, new WorkerServer.MarginsRequest(List.copyOf(images01)), "the margins",
                        fractions(progress), json -> Protocol.mapper().treeToValue(json, double[].class), false);
    }

    /** Why images made for modelGeneration cannot be used now, or null. */
    private String stale(long modelGeneration) {
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

    // Saliency views (Explain tab)

    /**
     * Prepares an image for the saliency views on the loaded model (in the worker): a file is read and resized
     * to the model's input, a DSV's image is checked against it; comes with the model's probabilities and its
     * Grad-CAM layers, and this app's generation of the model.
     */
    public CompletableFuture<Saliency.Prepared> prepareExplain(Saliency.Source source) {
        ModelSummary m = loaded;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no model loaded: open a model first"));
        }
        return call(Protocol.PREPARE_EXPLAIN, source, "preparing the image", e -> { }, json -> {
            Saliency.Prepared p = Protocol.mapper().treeToValue(json, Saliency.Prepared.class);
            return new Saliency.Prepared(p.source(), p.card(), p.modelName(), m.generation(), p.image01(), p.x(),
                    p.probabilities(), p.predicted(), p.layers(), p.defaultLayer(), p.gradCamUnavailable());
        }, false).result();
    }

    /**
     * Heat maps of a prepared image, computed one after another in the worker; each is passed to {@code each} (on
     * the worker's reading thread) when ready. Cancelling stops between batches and completes with a
     * CancellationException; so does a request whose model was replaced meanwhile (with a message).
     */
    public Computation<List<Saliency.MapResult>> explain(Saliency.Prepared input, List<Saliency.Request> requests,
            Consumer<Saliency.MapResult> each) {
        ModelSummary m = loaded;
        if (m == null || input.generation() != m.generation()) {
            return Computation.failed(new IllegalStateException("another model was opened since this image was"
                    + " prepared"));
        }
        return call(Protocol.EXPLAIN, new WorkerServer.ExplainRequest(input, requests), "the saliency maps", e -> {
            if (e.kind().equals(Protocol.PROGRESS)) {
                each.accept(body(e, Saliency.MapResult.class));
            }
        }, json -> Protocol.mapper().readerForListOf(Saliency.MapResult.class).readValue(json), false);
    }

    // ---- A second model, for comparisons (in the worker) ----

    /**
     * Loads a second classifier beside the current one in the worker (replacing an earlier second one only when
     * this load succeeds); the current model stays as it is.
     */
    public CompletableFuture<ModelSummary> openSecond(Path path, CardOverrides overrides) {
        return startEngine().thenComposeAsync(engine -> call(Protocol.OPEN_SECOND, new WorkerServer.OpenRequest(path,
                overrides, false), "opening " + path.getFileName(), e -> { },
                json -> Protocol.mapper().treeToValue(json, ModelSummary.class), false).result(), WORKER_CALLS);
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
        return call(Protocol.COMPARE, new WorkerServer.CompareRequest(firstDsvs, secondDsvs), "the comparison",
                e -> { }, json -> Protocol.mapper().treeToValue(json, ModelComparison.Result.class), false).result();
    }
}
