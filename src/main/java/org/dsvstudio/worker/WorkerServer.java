package org.dsvstudio.worker;

import org.dsvstudio.app.AppInfo;
import org.dsvstudio.app.RunExecutor;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCodeCheck;
import org.dsvstudio.model.ModelLoadException;
import org.dsvstudio.model.ModelLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import org.dsvstudio.app.ModelComparison;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.app.Saliency;
import org.dsvstudio.explain.Attributions;
import org.dsvstudio.explain.DecisionPath;
import org.dsvstudio.explain.DecisionPlane;
import org.dsvstudio.explain.Margins;
import org.dsvstudio.model.ModelCard;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The compute worker's side of {@link Protocol}: {@code dsv-studio worker} reads requests from stdin and runs
 * them one after another on its compute thread, where the model lives; replies go to stdout. It owns every
 * native call of the app's model and runs, so a model that crashes, hangs or eats memory takes this process
 * down and not the app, which kills and restarts it (see {@link WorkerClient}). Cancel requests and pings are
 * answered by the reading thread at once, also while a run is in flight.
 */
public final class WorkerServer {

    /** The request body of {@link Protocol#OPEN} and {@link Protocol#PROBE}. */
    public record OpenRequest(Path path, CardOverrides overrides, boolean trustCode) {
    }

    /**
     * The request body of {@link Protocol#GENERATE}.
     *
     * @param modelSha256 the model the run was queued for; null = whatever is loaded
     */
    public record GenerateRequest(RunSpec spec, String modelSha256) {
    }

    /** The body of {@link Protocol#PLANE}: three anchors (pixels in [0, 1]); window null = around the anchors. */
    public record PlaneRequest(float[][] anchors01, int resolution, DecisionPlane.Window window) {
    }

    /** The body of {@link Protocol#PATH}. */
    public record PathRequest(float[] p01, float[] q01, int points) {
    }

    /** The body of {@link Protocol#MARGINS}. */
    public record MarginsRequest(List<float[]> images01) {
    }

    /** The body of {@link Protocol#EXPLAIN}: maps of one prepared image, each sent as a progress event when ready. */
    public record ExplainRequest(Saliency.Prepared input, List<Saliency.Request> requests) {
    }

    /** The body of {@link Protocol#COMPARE}: model 1's DSVs and, optionally, model 2's. */
    public record CompareRequest(ModelComparison.Dsvs first, ModelComparison.Dsvs second) {
    }

    /**
     * Judge a run's kept DSVs (pixels in [0,1], the run's model's shape) with independent models, beside real test
     * images of {@code data} (null: the first judge's data set under ./data).
     */
    /** The Teach tab's experiment: 2-D data and its settings (the model is trained in the worker, not opened). */
    public record TeachRequest(org.dsvstudio.teach.ToyData data, org.dsvstudio.teach.Playground.Settings settings,
            int gridResolution) {
    }

    public record JudgeRequest(String run, String model, List<float[]> images01, int[] classes,
            List<String> classNames, int channels, int height, int width, List<Path> judges, Path data,
            int realPerClass) {
    }

    /** Images per margin chunk: progress and cancellation between chunks. */
    static final int MARGIN_CHUNK = 32;

    private final BufferedReader in;
    private final PrintStream out;
    private final DeviceChoice device;
    private final Map<Long, AtomicBoolean> cancels = new ConcurrentHashMap<>();
    // compute thread only
    private Classifier current;
    private Classifier second;
    private long secondGeneration;
    private long generation;
    private AutogradBridge bridge;
    private Path dataFolder;
    private ImageDataset data;

    public WorkerServer(InputStream in, OutputStream out, DeviceChoice device) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = new PrintStream(out, false, StandardCharsets.UTF_8);
        this.device = device;
    }

    /** Serves until stdin closes or a shutdown request arrives; returns the process's exit status. */
    public int serve() throws IOException {
        send(Protocol.message(0, Protocol.READY, Protocol.object().put("version", Protocol.VERSION)
                .put("pid", ProcessHandle.current().pid()).put("app", AppInfo.VERSION)));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Protocol.Message m;
            try {
                m = Protocol.read(line);
            } catch (IOException e) {
                send(Protocol.message(-1, Protocol.ERROR, new Protocol.Failure(Protocol.Category.INTERNAL,
                        "unreadable request: " + e.getMessage())));
                continue;
            }
            switch (m.kind()) {
                case Protocol.SHUTDOWN -> {
                    return 0;
                }
                case Protocol.PING -> send(Protocol.message(m.id(), Protocol.RESULT, Protocol.object()
                        .put("pid", ProcessHandle.current().pid())));
                case Protocol.CANCEL -> {
                    AtomicBoolean flag = cancels.get(m.id());
                    if (flag != null) {
                        flag.set(true);
                    }
                }
                case Protocol.OPEN, Protocol.PROBE, Protocol.GENERATE, Protocol.PLANE, Protocol.PATH, Protocol.MARGINS,
                        Protocol.PREPARE_EXPLAIN, Protocol.EXPLAIN, Protocol.OPEN_SECOND, Protocol.COMPARE, Protocol.JUDGE,
                        Protocol.TEACH -> {
                    AtomicBoolean cancel = new AtomicBoolean();
                    cancels.put(m.id(), cancel);
                    ComputeThread.get().submit(() -> {
                        handle(m, cancel);
                        return null;
                    });
                }
                default -> send(Protocol.message(m.id(), Protocol.ERROR, new Protocol.Failure(
                        Protocol.Category.INTERNAL, "unknown operation '" + m.kind() + "'")));
            }
        }
        return 0; // the app is gone
    }

    private void handle(Protocol.Message m, AtomicBoolean cancel) {
        try {
            if (cancel.get()) {
                throw new CancellationException("cancelled before it started");
            }
            send(Protocol.message(m.id(), Protocol.STARTED, null)); // off the queue: the app's time limit starts
            Object result = switch (m.kind()) {
                case Protocol.OPEN -> open(Protocol.body(m, OpenRequest.class));
                case Protocol.PROBE -> probe(Protocol.body(m, OpenRequest.class));
                case Protocol.GENERATE -> generate(m.id(), Protocol.body(m, GenerateRequest.class), cancel);
                case Protocol.PLANE -> plane(m.id(), Protocol.body(m, PlaneRequest.class), stop(cancel));
                case Protocol.PATH -> path(m.id(), Protocol.body(m, PathRequest.class), stop(cancel));
                case Protocol.MARGINS -> margins(m.id(), Protocol.body(m, MarginsRequest.class), stop(cancel));
                case Protocol.PREPARE_EXPLAIN -> Saliency.prepare(Protocol.body(m, Saliency.Source.class), model(),
                        bridge(), generation);
                case Protocol.EXPLAIN -> explain(m.id(), Protocol.body(m, ExplainRequest.class), stop(cancel));
                case Protocol.OPEN_SECOND -> openSecond(Protocol.body(m, OpenRequest.class));
                case Protocol.COMPARE -> compare(Protocol.body(m, CompareRequest.class));
                case Protocol.JUDGE -> judge(Protocol.body(m, JudgeRequest.class));
                case Protocol.TEACH -> org.dsvstudio.teach.Lesson.run(Protocol.body(m, TeachRequest.class).data(),
                        Protocol.body(m, TeachRequest.class).settings(), Protocol.body(m, TeachRequest.class)
                                .gridResolution(), DjlEngine.start(device).device(),
                        frame -> send(Protocol.message(m.id(), Protocol.PROGRESS, frame)), stop(cancel));
                default -> throw new IllegalStateException(m.kind());
            };
            send(Protocol.message(m.id(), Protocol.RESULT, result));
        } catch (Throwable t) {
            send(Protocol.message(m.id(), Protocol.ERROR, failure(t)));
        } finally {
            cancels.remove(m.id());
        }
    }

    private Workbench.ModelSummary open(OpenRequest r) {
        Classifier loaded = load(r);
        if (current != null) {
            current.close();
        }
        current = loaded;
        return summary(loaded, ++generation);
    }

    /** Loads (code check, load, probe) the model a request names, trusting it when the user said so. */
    private Classifier load(OpenRequest r) {
        DjlEngine engine = DjlEngine.start(device);
        if (r.trustCode()) {
            ModelCodeCheck.trust(r.path());
        }
        return ModelLoader.load(r.path(), r.overrides() == null ? CardOverrides.NONE : r.overrides(), engine.device());
    }

    private Workbench.ModelSummary summary(Classifier c, long number) {
        DjlEngine engine = DjlEngine.start(device);
        return new Workbench.ModelSummary(c.source(), c.card(), c.parameterCount(), c.sha256(), engine.deviceNote(),
                engine.versionLine(), engine.startMillis(), number);
    }

    private String probe(OpenRequest r) {
        try (Classifier c = load(r)) {
            return String.format(Locale.ROOT, "loads and runs: %,d parameters, %d classes, input %d×%d×%d",
                    c.parameterCount(), c.card().numClasses(), c.card().channels(), c.card().height(),
                    c.card().imageWidth());
        }
    }

    private KktResult generate(long id, GenerateRequest r, AtomicBoolean cancel) throws IOException {
        if (current == null) {
            throw new IllegalStateException("no model loaded");
        }
        if (r.modelSha256() != null && !r.modelSha256().equals(current.sha256())) {
            throw new IllegalStateException("another model was opened after this run was queued; queue it again for "
                    + current.card().name());
        }
        return RunExecutor.run(current, bridge(), r.spec(), this::dataFor, new Workbench.RunListener() {
            @Override
            public void progress(KktProgress p) {
                send(Protocol.message(id, Protocol.PROGRESS, p));
            }

            @Override
            public void request(KktRequest request) {
                send(Protocol.message(id, Protocol.REQUEST, request));
            }
        }, () -> cancel.get() || ComputeThread.get().isShuttingDown());
    }

    private static BooleanSupplier stop(AtomicBoolean cancel) {
        return () -> cancel.get() || ComputeThread.get().isShuttingDown();
    }

    private Classifier model() {
        if (current == null) {
            throw new IllegalStateException("no model loaded: open a model first");
        }
        return current;
    }

    private DoubleConsumer progress(long id) {
        return f -> send(Protocol.message(id, Protocol.PROGRESS, new Protocol.Fraction(f)));
    }

    private DecisionPlane.Result plane(long id, PlaneRequest r, BooleanSupplier stop) {
        Classifier model = model();
        float[][] a = r.anchors01();
        if (a == null || a.length != 3 || Arrays.stream(a).anyMatch(x -> x == null)) {
            throw new IllegalArgumentException("pick three anchor images (A, B and C) first");
        }
        ModelCard card = model.card();
        DecisionPlane plane = DecisionPlane.through(model, Pixels.normalize(a[0], card), Pixels.normalize(a[1], card),
                Pixels.normalize(a[2], card));
        DecisionPlane.Window w = r.window() != null ? r.window() : plane.defaultWindow(DecisionPlane.DEFAULT_EXTENT);
        progress(id).accept(0);
        return plane.compute(r.resolution(), w, progress(id), stop);
    }

    private DecisionPath.Result path(long id, PathRequest r, BooleanSupplier stop) {
        Classifier model = model();
        if (r.p01() == null || r.q01() == null) {
            throw new IllegalArgumentException("pick the path's start and end images first");
        }
        ModelCard card = model.card();
        progress(id).accept(0);
        return DecisionPath.compute(model, Pixels.normalize(r.p01(), card), Pixels.normalize(r.q01(), card),
                r.points(), progress(id), stop);
    }

    /** Each image's distance to the nearest decision boundary along the gradient, {@value #MARGIN_CHUNK} at a time. */
    private double[] margins(long id, MarginsRequest r, BooleanSupplier stop) {
        Classifier model = model();
        ModelCard card = model.card();
        List<float[]> images = r.images01();
        Attributions attributions = new Attributions(model, bridge());
        double[] out = new double[images.size()];
        progress(id).accept(0);
        int size = card.channels() * card.height() * card.imageWidth();
        for (int from = 0; from < images.size(); from += MARGIN_CHUNK) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("margins stopped after " + from + " of " + images.size() + " images");
            }
            int n = Math.min(MARGIN_CHUNK, images.size() - from);
            float[][] xs = new float[n][];
            for (int j = 0; j < n; j++) {
                float[] image = images.get(from + j);
                if (image.length != size) {
                    throw new IllegalArgumentException("image " + (from + j) + " has " + image.length
                            + " values, the model takes " + size);
                }
                xs[j] = Pixels.normalize(image, card);
            }
            System.arraycopy(Margins.alongGradient(attributions, card, xs), 0, out, from, n);
            progress(id).accept((double) (from + n) / images.size());
        }
        return out;
    }

    private List<Saliency.MapResult> explain(long id, ExplainRequest r, BooleanSupplier stop) {
        List<Saliency.MapResult> maps = new ArrayList<>();
        for (Saliency.Request request : r.requests()) {
            Saliency.checkCancel(stop);
            Saliency.MapResult m = Saliency.compute(model(), bridge(), r.input(), request, stop);
            maps.add(m);
            send(Protocol.message(id, Protocol.PROGRESS, m));
        }
        return maps;
    }

    private Workbench.ModelSummary openSecond(OpenRequest r) {
        Classifier loaded = load(r);
        if (second != null) {
            second.close();
        }
        second = loaded;
        return summary(loaded, ++secondGeneration);
    }

    private ModelComparison.Result compare(CompareRequest r) {
        Classifier first = model();
        if (second == null) {
            throw new IllegalStateException("no second model loaded: Compare with model… first");
        }
        String problem = ModelComparison.mismatch(first.card(), second.card());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        ModelComparison.Direction forward = ModelComparison.classify(r.first(), second);
        ModelComparison.Direction reverse = r.second() == null ? null : ModelComparison.classify(r.second(), first);
        return new ModelComparison.Result(forward, reverse);
    }

    private org.dsvstudio.evidence.Legibility.Report judge(JudgeRequest r) throws IOException {
        DjlEngine engine = DjlEngine.start(device);
        int size = r.channels() * r.height() * r.width();
        byte[] pixels = new byte[r.images01().size() * size];
        for (int i = 0; i < r.images01().size(); i++) {
            float[] x = r.images01().get(i);
            for (int j = 0; j < size; j++) {
                pixels[i * size + j] = (byte) Math.round(Math.max(0f, Math.min(1f, x[j])) * 255f); // as in the PNGs
            }
        }
        ImageDataset dsvs = new ImageDataset(r.run(), pixels, r.classes(), r.channels(), r.height(), r.width(),
                r.classNames(), true);
        return org.dsvstudio.evidence.Legibility.judge(r.run(), r.model(), dsvs, r.judges(), r.data(),
                r.realPerClass(), 0, engine.device());
    }

    private ImageDataset dataFor(Path folder) throws IOException {
        if (!folder.equals(dataFolder)) {
            data = DatasetLoader.load(folder, Split.TRAIN);
            dataFolder = folder;
        }
        return data;
    }

    private AutogradBridge bridge() {
        if (bridge == null) {
            bridge = AutogradBridge.load();
        }
        return bridge;
    }

    /** How a failure reads for the app: the user's words where it is the user's input, the exception otherwise. */
    static Protocol.Failure failure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            if (c instanceof OutOfMemoryError || msg.contains("can't allocate memory")
                    || msg.contains("Cannot allocate memory")) {
                // the probe's own message names the file and what it was run on
                return new Protocol.Failure(Protocol.Category.MEMORY, t instanceof ModelLoadException
                        ? t.getMessage() : memoryMessage(msg));
            }
        }
        if (t instanceof CancellationException) {
            return new Protocol.Failure(Protocol.Category.CANCELLED, t.getMessage());
        }
        if (t instanceof ModelLoadException || t instanceof DataFormatException || t instanceof IOException
                || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            return new Protocol.Failure(Protocol.Category.INPUT, t.getMessage());
        }
        return new Protocol.Failure(Protocol.Category.INTERNAL, t.toString());
    }

    /** "tried to allocate 46242201600 bytes" → the size in GB, for a user. */
    private static String memoryMessage(String libtorch) {
        long bytes = org.dsvstudio.model.TorchScriptClassifier.failedAllocation(libtorch);
        String asked = bytes > 0 ? String.format(Locale.ROOT, " asked for %.1f GB at once and", bytes / 1e9) : "";
        return "the model" + asked + " ran out of the memory the compute process may use";
    }

    private void send(Protocol.Message m) {
        String line = Protocol.write(m);
        synchronized (out) {
            out.print(line);
            out.print('\n');
            out.flush();
        }
    }
}
