package org.dsvstudio.worker;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app's side of the compute worker: starts {@code dsv-studio worker} (see {@link WorkerLaunch}), sends it
 * requests and routes its replies, and survives it. When the worker dies — a model crashed it, the system
 * killed it, or this client killed it because a call ran past its time limit or past the grace period after
 * Cancel — every pending call fails with a {@link WorkerException} that says why, listeners registered with
 * {@link #onDeath} hear the same sentence, and the next call starts a fresh worker, which first re-opens the
 * last model that opened successfully.
 *
 * <p>Callbacks (events and completions) run on this client's reading thread: hop to the UI thread there.
 */
public final class WorkerClient implements AutoCloseable {

    /** A failed call: the worker's own failure report, or its death. */
    public static final class WorkerException extends RuntimeException {
        private final Protocol.Category category;
        private final boolean died;

        WorkerException(Protocol.Category category, String message, boolean died) {
            super(message);
            this.category = category;
            this.died = died;
        }

        public Protocol.Category category() {
            return category;
        }

        /** True when the worker process ended (crash, kill, time limit) rather than reporting a failure. */
        public boolean died() {
            return died;
        }
    }

    /** A request in flight. */
    public final class Call {
        private final long id;
        private final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        private final Consumer<Protocol.Message> events;
        private final String what;
        /** For an open: the request, to replay into a fresh worker once it succeeded. */
        private Protocol.Message open;
        /** Its time limit from when the worker starts it, or null. */
        private Duration timeout;

        Call(long id, String what, Consumer<Protocol.Message> events) {
            this.id = id;
            this.what = what;
            this.events = events;
        }

        /** The reply's body; fails with a {@link WorkerException}. */
        public CompletableFuture<JsonNode> result() {
            return result;
        }

        /**
         * Cooperative cancel: the worker stops the call between steps and answers with what it has. Past the
         * grace period without an answer, the worker is killed and the call fails saying so.
         */
        public void cancel() {
            if (result.isDone()) {
                return;
            }
            sendQuietly(new Protocol.Message(id, Protocol.CANCEL, null));
            Duration grace = settings.cancelGrace();
            timers.schedule(() -> {
                if (!result.isDone()) {
                    kill(what + " did not stop within " + seconds(grace) + " of Cancel, so the compute process was"
                            + " stopped", this);
                }
            }, grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Private folders of workers still running: deleted at the latest when the app exits (its workers end with it,
     * and the reading threads that would delete them do not outlive the JVM).
     */
    private static final java.util.Set<Path> LIVE_DIRS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(LIVE_DIRS).forEach(WorkerClient::deleteQuietly), "dsv-worker-cleanup"));
    }

    private static final Pattern CRASH = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x([0-9a-f]+)\\)");

    private final WorkerLaunch.Settings settings;
    private final Map<Long, Call> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<Consumer<String>> deathListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dsv-worker-timers");
        t.setDaemon(true);
        return t;
    });
    /**
     * Starts worker processes, and lives as long as the app: bubblewrap's --die-with-parent ties the sandbox to
     * the thread that spawned it (PR_SET_PDEATHSIG follows threads), and a pooled thread retiring after a minute
     * idle took the worker with it (SIGKILL, seen).
     */
    private static final java.util.concurrent.ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dsv-worker-spawner");
        t.setDaemon(true);
        return t;
    });
    // guarded by this
    private Process process;
    private Writer toWorker;
    private Path privateDir;
    private volatile Path log;
    /** Why this client killed a worker process, by process: read when that process's reader sees it end. */
    private final Map<Process, String> killReasons = new ConcurrentHashMap<>();
    private int starts;
    private long lastStartMillis;
    private Protocol.Message lastOpen;
    private boolean modelInWorker;
    private boolean closed;

    public WorkerClient(WorkerLaunch.Settings settings) {
        this.settings = settings;
        // Jackson builds a type's (de)serializer on first use, by reflection, which took 90 ms of the FX thread
        // on the first Generate (sampled); build them now, in the background
        timers.execute(Protocol::prepare);
    }

    public WorkerLaunch.Settings settings() {
        return settings;
    }

    /** Hears, on the reading thread, why the worker died (not when it was closed on purpose). */
    public void onDeath(Consumer<String> listener) {
        deathListeners.add(listener);
    }

    /** How many worker processes this client started so far. */
    public synchronized int starts() {
        return starts;
    }

    /** Milliseconds from starting the last worker process to its ready message. */
    public synchronized long lastStartMillis() {
        return lastStartMillis;
    }

    /** The running worker's process id, or -1 (for tests and the status bar). */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** Starts the worker now, if it is not running (it also starts on the first call). */
    public synchronized void start() {
        ensureRunning();
    }

    /**
     * Sends a request. {@code timeout} (null = none) bounds the call from when the worker starts it (requests run
     * one after another): past it the worker is killed and the call fails. An {@link Protocol#OPEN} that succeeds
     * is remembered and replayed into a fresh worker before its first other call.
     */
    public synchronized Call call(String op, Object body, Consumer<Protocol.Message> events, Duration timeout,
            String what) {
        if (closed) {
            throw new IllegalStateException("the compute process is shut down");
        }
        ensureRunning();
        if (!op.equals(Protocol.OPEN) && !op.equals(Protocol.PROBE) && !modelInWorker && lastOpen != null) {
            // a fresh worker after a death: bring the last model back first (same FIFO, so it precedes op)
            Call replay = register(Protocol.OPEN, "re-opening the model", m -> { }, settings.loadTimeout());
            send(new Protocol.Message(replay.id, Protocol.OPEN, lastOpen.body()));
            modelInWorker = true;
        }
        Call call = register(op, what, events, timeout);
        Protocol.Message m = Protocol.message(call.id, op, body);
        if (op.equals(Protocol.OPEN)) {
            call.open = m; // remembered when it succeeds, before anyone hears of the success
        }
        send(m);
        return call;
    }

    private Call register(String op, String what, Consumer<Protocol.Message> events, Duration timeout) {
        Call call = new Call(ids.incrementAndGet(), what, events);
        call.timeout = timeout;
        pending.put(call.id, call);
        return call;
    }

    /**
     * The worker took the call off its queue: its time limit runs from now (a model opened behind a long run
     * waits for that run without using up its own time).
     */
    private void startClock(Call call) {
        Duration timeout = call.timeout;
        if (timeout == null) {
            return;
        }
        timers.schedule(() -> {
            if (!call.result.isDone()) {
                kill(call.what + " did not finish within " + seconds(timeout) + ", so the compute process was stopped"
                        + " (a model whose code never returns?)", call);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%s s", d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds())
                : String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0));
    }

    /** Kills the worker because of call (its time ran out); every pending call fails with the reason. */
    private synchronized void kill(String reason, Call call) {
        if (process == null || call.result.isDone()) {
            return;
        }
        killReasons.put(process, reason);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void ensureRunning() {
        if (process != null && process.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        boolean sandboxed = false;
        try {
            privateDir = Files.createTempDirectory("dsv-worker-");
            LIVE_DIRS.add(privateDir);
            log = privateDir.resolve("worker.log");
            List<String> command = WorkerLaunch.command(settings, privateDir);
            sandboxed = command.contains("bwrap");
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
            WorkerLaunch.environment(pb.environment());
            Process p;
            try {
                p = SPAWNER.submit(pb::start).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            }
            process = p;
            toWorker = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            modelInWorker = false;
            starts++;
            CompletableFuture<Void> ready = new CompletableFuture<>();
            Path processLog = log;
            Path processDir = privateDir;
            Thread reader = new Thread(() -> read(p, processLog, processDir, ready), "dsv-worker-reader-" + starts);
            reader.setDaemon(true);
            reader.start();
            ready.get(settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            lastStartMillis = (System.nanoTime() - t0) / 1_000_000;
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new WorkerException(Protocol.Category.INTERNAL, "the compute process did not start within "
                    + seconds(settings.startTimeout()) + ": " + tail(log), true);
        } catch (IOException e) {
            throw new WorkerException(Protocol.Category.INTERNAL, "cannot start the compute process: "
                    + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerException(Protocol.Category.INTERNAL, "interrupted while starting the compute process",
                    true);
        } catch (java.util.concurrent.ExecutionException e) { // the reader: it ended before it was ready
            if (sandboxed) {
                // bubblewrap ran its check but not the worker (a container's limits, say): say so and go on without
                WorkerLaunch.sandboxFailed("bubblewrap could not start the compute process here (" + tail(log) + ")");
                ensureRunning();
                return;
            }
            throw new WorkerException(Protocol.Category.INTERNAL, e.getCause().getMessage(), true);
        }
    }

    private void read(Process p, Path processLog, Path processDir, CompletableFuture<Void> ready) {
        boolean wasReady = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Protocol.Message m;
                try {
                    m = Protocol.read(line);
                } catch (IOException e) {
                    continue; // not a protocol line (a library printing to stdout): ignore it
                }
                if (m.kind().equals(Protocol.READY)) {
                    wasReady = true;
                    int version = m.body() == null ? -1 : m.body().path("version").asInt(-1);
                    if (version != Protocol.VERSION) {
                        ready.completeExceptionally(new IOException("the compute process speaks protocol " + version
                                + ", this app " + Protocol.VERSION));
                    }
                    ready.complete(null);
                    continue;
                }
                try {
                    dispatch(m);
                } catch (RuntimeException e) { // a listener's bug fails its call, not the reading of the others
                    Call c = pending.remove(m.id());
                    if (c != null) {
                        c.result.completeExceptionally(e);
                    }
                }
            }
        } catch (IOException e) {
            // the pipe broke: the process is gone, handled below
        }
        int status;
        try {
            status = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        // first, without the lock: a start waiting for ready holds it
        String killReason = killReasons.remove(p);
        String why = killReason != null ? killReason : describeExit(status, processLog);
        ready.completeExceptionally(new IOException("the compute process ended before it was ready: " + why));
        boolean onPurpose;
        synchronized (this) {
            onPurpose = closed && killReason == null;
            if (process == p) {
                process = null;
            }
        }
        deleteQuietly(processDir);
        // a process that never said ready is a failed start, which the starting call reports; not a death
        if (!onPurpose && wasReady) { // first the notice, then the calls it failed (whose handlers may look for it)
            for (Consumer<String> l : deathListeners) {
                l.accept(why);
            }
        }
        WorkerException failure = new WorkerException(Protocol.Category.INTERNAL, why, true);
        for (Call c : List.copyOf(pending.values())) {
            pending.remove(c.id);
            c.result.completeExceptionally(failure);
        }
    }

    /** The worker's private folder (its temp files, log and crash reports) goes with it. */
    private static void deleteQuietly(Path dir) {
        LIVE_DIRS.remove(dir);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a leftover temp folder is no harm
        }
    }

    private void dispatch(Protocol.Message m) {
        Call c = pending.get(m.id());
        if (c == null) {
            return;
        }
        switch (m.kind()) {
            case Protocol.RESULT -> {
                pending.remove(m.id());
                if (c.open != null) {
                    synchronized (this) {
                        lastOpen = c.open;
                        modelInWorker = true;
                    }
                }
                c.result.complete(m.body());
            }
            case Protocol.ERROR -> {
                pending.remove(m.id());
                Protocol.Failure f;
                try {
                    f = Protocol.body(m, Protocol.Failure.class);
                } catch (IOException e) {
                    f = new Protocol.Failure(Protocol.Category.INTERNAL, "an unreadable failure report");
                }
                c.result.completeExceptionally(new WorkerException(f.category(), f.message(), false));
            }
            default -> {
                if (m.kind().equals(Protocol.STARTED)) {
                    startClock(c);
                }
                c.events.accept(m);
            }
        }
    }

    /** Why the worker ended, in a user's words, from its exit status and its log (JVM crash reports). */
    static String describeExit(int status, Path log) {
        String text = "";
        try {
            text = log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            // no log: the status alone
        }
        Matcher crash = CRASH.matcher(text);
        if (crash.find()) {
            return "the model crashed the compute process (signal " + Integer.parseInt(crash.group(2), 16) + ", "
                    + crash.group(1) + ")";
        }
        if (text.contains("OutOfMemoryError") || text.contains("Cannot allocate memory")) {
            return "the compute process ran out of the memory it may use";
        }
        if (status > 128) {
            int signal = status - 128;
            String crashSignal = switch (signal) {
                case 4 -> "SIGILL";
                case 6 -> "SIGABRT";
                case 7 -> "SIGBUS";
                case 8 -> "SIGFPE";
                case 11 -> "SIGSEGV";
                default -> null;
            };
            if (crashSignal != null) { // e.g. a native stack overflow, which ends the process before the JVM can report
                return "the model crashed the compute process (signal " + signal + ", " + crashSignal + ")";
            }
            return "the compute process was killed (signal " + signal + (signal == 9
                    ? ", e.g. by the system when memory ran out)" : ")");
        }
        String last = tail(log);
        return "the compute process ended unexpectedly (exit status " + status + ")" + (last.isEmpty() ? ""
                : ": " + last);
    }

    /** The last non-empty line of the worker's log. */
    private static String tail(Path log) {
        try {
            if (log == null || !Files.exists(log)) {
                return "";
            }
            List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.ISO_8859_1));
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // nothing to add
        }
        return "";
    }

    private void send(Protocol.Message m) {
        try {
            toWorker.write(Protocol.write(m));
            toWorker.write('\n');
            toWorker.flush();
        } catch (IOException e) {
            // the worker died; its reader fails the pending calls with the reason
        }
    }

    private synchronized void sendQuietly(Protocol.Message m) {
        if (process != null) {
            send(m);
        }
    }

    /** Asks the worker to exit (it finishes nothing more) and kills it if it does not within two seconds. */
    @Override
    public void close() {
        Process p;
        Path dir;
        synchronized (this) {
            closed = true;
            p = process;
            dir = privateDir;
            if (p != null) {
                send(new Protocol.Message(0, Protocol.SHUTDOWN, null));
            }
        }
        if (p != null) {
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) { // here too: the app may exit before the reading thread gets to it
            deleteQuietly(dir);
        }
        timers.shutdownNow();
    }
}
