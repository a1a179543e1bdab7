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
 */
public final class ComputeThread {

    private static final ComputeThread INSTANCE = new ComputeThread();
    private static final long SHUTDOWN_WAIT_MILLIS = 120_000;

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

    private void awaitInFlight() {
        shuttingDown = true;
        long deadline = System.currentTimeMillis() + SHUTDOWN_WAIT_MILLIS;
        synchronized (lock) {
            while (inFlight > 0 && System.currentTimeMillis() < deadline) {
                try {
                    lock.wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
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
