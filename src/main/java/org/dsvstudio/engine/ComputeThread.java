package org.dsvstudio.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread that makes every DJL call. DJL allows a single GradientCollector per JVM and grad mode is
 * per thread, so all compute — loading, training, DeepKKT, evaluation — is funnelled through here. The UI
 * and the CLI submit work and never touch NDArrays themselves.
 *
 * <p>JVM shutdown (Ctrl-C, SIGTERM, window close) while libtorch runs a native call crashed the JVM (SIGSEGV
 * in moduleRunMethod, seen twice): exit tears down native state under the running call. So a shutdown hook
 * raises {@link #isShuttingDown()} — long jobs poll it between steps — and waits for the task in flight to
 * return; queued tasks are not started any more.
 *
 * <p>A model's forward may never return (a TorchScript loop with a computed bound): then waiting would hold
 * the process forever, deaf to Ctrl-C and SIGTERM. So the wait is bounded by {@link #SHUTDOWN_GRACE_MILLIS};
 * past it the process halts with the signal's exit status (130 for SIGINT, 143 for SIGTERM) and one line on
 * stderr, without writing what the call would have produced.
 */
public final class ComputeThread {

    private static final ComputeThread INSTANCE = new ComputeThread();
    /** How long exit waits for a compute call in flight before halting the process. */
    public static final long SHUTDOWN_GRACE_MILLIS = 5_000;
    /** The signal that started the shutdown (see {@link #onSignals}), or null for a plain exit. */
    private static volatile sun.misc.Signal exitSignal;

    private final ExecutorService executor;
    private final Object lock = new Object();
    private volatile Thread thread;
    private volatile boolean shuttingDown;
    private int inFlight;

    private ComputeThread() {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dsv-compute");
            t.setDaemon(true);
            thread = t;
            return t;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(this::awaitInFlight, "dsv-compute-shutdown"));
    }

    /** True once the JVM is exiting: long jobs stop at their next step and keep what they have. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * SIGINT and SIGTERM start the JVM's shutdown as by default, remembering which signal it was so that a halt
     * past the grace period exits with 130 or 143. For the command line; the app exits through its window.
     */
    public static void onSignals() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.Signal.handle(signal, s -> {
                    exitSignal = s;
                    // exit blocks until every hook is done: not on the signal dispatcher's thread
                    new Thread(() -> System.exit(128 + s.getNumber()), "dsv-signal-exit").start();
                });
            } catch (IllegalArgumentException unavailable) {
                // e.g. a signal the JVM itself reserves (-Xrs): keep the default
            }
        }
    }

    private void awaitInFlight() {
        shuttingDown = true;
        long deadline = System.currentTimeMillis() + SHUTDOWN_GRACE_MILLIS;
        synchronized (lock) {
            while (inFlight > 0 && System.currentTimeMillis() < deadline) {
                try {
                    lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (inFlight > 0) {
                sun.misc.Signal signal = exitSignal;
                System.err.println("dsv-studio: stopped" + (signal == null ? "" : " (SIG" + signal.getName() + ")")
                        + ": a compute call did not return within " + SHUTDOWN_GRACE_MILLIS / 1000 + " s; what it was"
                        + " computing was not written");
                System.err.flush();
                dieNow(signal);
            }
        }
    }

    /**
     * Ends the process without running exit's native teardown: Runtime.halt still calls exit(), whose static
     * destructors pull libtorch's state from under the running call (SIGSEGV, exit 134, seen). Dying by the
     * signal itself, its default action restored, is what a C program does on Ctrl-C: the shell sees 130 or 143.
     */
    private static void dieNow(sun.misc.Signal signal) {
        String name = signal == null ? "KILL" : signal.getName();
        try {
            if (signal != null) {
                sun.misc.Signal.handle(signal, sun.misc.SignalHandler.SIG_DFL);
            }
            // Signal.raise refuses a signal left to its default action; kill(1) delivers it from outside
            new ProcessBuilder("kill", "-" + name, Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(2_000); // delivery is asynchronous
        } catch (IllegalArgumentException | java.io.IOException | InterruptedException e) {
            // no kill(1) (not a POSIX system): halt below
        }
        Runtime.getRuntime().halt(signal == null ? 1 : 128 + signal.getNumber());
    }

    public static ComputeThread get() {
        return INSTANCE;
    }

    /** True when the caller already is the compute thread (so it may call DJL directly). */
    public boolean isComputeThread() {
        return Thread.currentThread() == thread;
    }

    /** Queues work; the future completes on the compute thread. */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        executor.execute(() -> {
            synchronized (lock) {
                if (shuttingDown) {
                    future.completeExceptionally(new CancellationException("shutting down"));
                    return;
                }
                inFlight++;
            }
            try {
                future.complete(work.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                synchronized (lock) {
                    inFlight--;
                    lock.notifyAll();
                }
            }
        });
        return future;
    }

    /**
     * Runs work on the compute thread and waits for it (CLI and tests). Never call this from the FX thread.
     * Exceptions thrown by the work are rethrown unchanged when unchecked.
     */
    public <T> T call(Callable<T> work) throws Exception {
        if (isComputeThread()) {
            return work.call();
        }
        try {
            return submit(work).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    /** Like {@link #call} for work without checked exceptions; wraps checked ones. */
    public <T> T run(Callable<T> work) {
        try {
            return call(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
