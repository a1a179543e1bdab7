package org.dsvstudio.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C / SIGTERM during a long command: the shutdown hook only raises a flag that the compute thread reads
 * between steps, then waits for the work to finish (and write what exists). Interrupting a native libtorch
 * call was seen to crash the JVM, so nothing is interrupted.
 */
final class SignalCancellation implements AutoCloseable {

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    SignalCancellation(long waitSeconds) {
        hook = new Thread(() -> {
            cancelled.set(true);
            try {
                finished.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dsv-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean isCancelled() {
        return cancelled.get() || org.dsvstudio.engine.ComputeThread.get().isShuttingDown();
    }

    /** The work is over (results written): a pending shutdown may proceed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting because of the signal; the hook is running and now returns
        }
    }
}
