package org.dsvstudio.worker;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
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

    private final BufferedReader in;
    private final PrintStream out;
    private final DeviceChoice device;
    private final Map<Long, AtomicBoolean> cancels = new ConcurrentHashMap<>();
    // compute thread only
    private Classifier current;
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
                case Protocol.OPEN, Protocol.PROBE, Protocol.GENERATE -> {
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
            Object result = switch (m.kind()) {
                case Protocol.OPEN -> open(Protocol.body(m, OpenRequest.class));
                case Protocol.PROBE -> probe(Protocol.body(m, OpenRequest.class));
                case Protocol.GENERATE -> generate(m.id(), Protocol.body(m, GenerateRequest.class), cancel);
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
        DjlEngine engine = DjlEngine.start(device);
        if (r.trustCode()) {
            ModelCodeCheck.trust(r.path());
        }
        Classifier loaded = ModelLoader.load(r.path(), r.overrides() == null ? CardOverrides.NONE : r.overrides(),
                engine.device());
        if (current != null) {
            current.close();
        }
        current = loaded;
        generation++;
        return new Workbench.ModelSummary(loaded.source(), loaded.card(), loaded.parameterCount(), loaded.sha256(),
                engine.deviceNote(), engine.versionLine(), engine.startMillis(), generation);
    }

    private String probe(OpenRequest r) {
        DjlEngine engine = DjlEngine.start(device);
        if (r.trustCode()) {
            ModelCodeCheck.trust(r.path());
        }
        try (Classifier c = ModelLoader.load(r.path(), r.overrides() == null ? CardOverrides.NONE : r.overrides(),
                engine.device())) {
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
            public void started() {
                send(Protocol.message(id, Protocol.STARTED, null));
            }

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
                return new Protocol.Failure(Protocol.Category.MEMORY, memoryMessage(msg));
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
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("allocate (\\d+) bytes").matcher(libtorch);
        String asked = m.find() ? String.format(Locale.ROOT, " asked for %.1f GB at once and", Long.parseLong(m.group(1))
                / 1e9) : "";
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
