package org.dsvstudio.app;

import java.util.concurrent.CompletableFuture;

/**
 * Background work the app started — a DeepKKT run, a boundary plane, path or margins, saliency maps — and how to
 * cancel it. Cancel is cooperative (between steps or batches); a cancelled computation completes with what it
 * has (a run's partial result) or exceptionally with a {@link java.util.concurrent.CancellationException}.
 *
 * @param result the outcome; completes on a background thread
 * @param cancel asks the work to stop
 */
public record Computation<T>(CompletableFuture<T> result, Runnable cancel) {

    public void requestCancel() {
        cancel.run();
    }

    /** A computation that failed before it started. */
    public static <T> Computation<T> failed(Throwable why) {
        return new Computation<>(CompletableFuture.failedFuture(why), () -> { });
    }
}
