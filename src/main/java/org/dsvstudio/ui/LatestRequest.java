package org.dsvstudio.ui;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * One kind of background request of a view-model where only the latest counts (a plane, a path, a saliency map):
 * starting one cancels the one before; busy, progress and the failure message are properties; progress and the
 * outcome reach the UI thread, and only while the request is still the latest; failures arrive unwrapped, and a
 * cancellation is no failure. Written once instead of by hand in each view-model (bump a counter, cancel the
 * previous, set busy, whenComplete → runLater, drop stale answers).
 *
 * <p>Not a javafx.concurrent.Task: the UI thread is an {@link Executor} ({@code Platform::runLater} in the app,
 * {@code Runnable::run} in tests), so this runs and is tested without the JavaFX toolkit. Every method is called
 * on the UI thread.
 *
 * @param <T> what a request produces
 */
public final class LatestRequest<T> {

    /** A started background computation: its result and how to cancel it. */
    public record Handle<T>(CompletableFuture<T> result, Runnable cancel) {
    }

    private final Executor uiThread;
    private final SimpleBooleanProperty busy = new SimpleBooleanProperty();
    private final SimpleDoubleProperty progress = new SimpleDoubleProperty();
    private final SimpleStringProperty failure = new SimpleStringProperty();
    private long latest;
    private Handle<T> running;

    public LatestRequest(Executor uiThread) {
        this.uiThread = uiThread;
    }

    /** For the app: outcomes hop to the FX thread. */
    public static <T> LatestRequest<T> onFxThread() {
        return new LatestRequest<>(javafx.application.Platform::runLater);
    }

    /**
     * Cancels the previous request and starts one. {@code start} gets a progress sink (fractions in [0, 1],
     * callable from any thread) and returns the started computation; {@code onSuccess} gets its result on the UI
     * thread if no newer request started meanwhile; a failure other than a cancellation sets
     * {@link #failureProperty()} to its message.
     */
    public void start(Function<DoubleConsumer, Handle<T>> start, Consumer<T> onSuccess) {
        cancel();
        long mine = ++latest;
        failure.set(null);
        progress.set(0);
        busy.set(true);
        Handle<T> handle;
        try {
            handle = start.apply(f -> uiThread.execute(() -> {
                if (mine == latest) {
                    progress.set(f);
                }
            }));
        } catch (RuntimeException e) {
            busy.set(false);
            failure.set(message(e));
            return;
        }
        running = handle;
        handle.result().whenComplete((value, error) -> uiThread.execute(() -> {
            if (mine != latest) {
                return; // superseded: a newer request owns busy, progress and the message
            }
            running = null;
            busy.set(false);
            Throwable cause = unwrap(error);
            if (cause == null) {
                progress.set(1);
                onSuccess.accept(value);
            } else if (!(cause instanceof CancellationException)) {
                failure.set(message(cause));
            }
        }));
    }

    /** Cancels the running request, if any; its outcome is dropped. */
    public void cancel() {
        if (running != null) {
            running.cancel().run();
            running = null;
        }
        latest++;
        busy.set(false);
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress;
    }

    /** The last request's failure in a user's words, or null. */
    public ReadOnlyStringProperty failureProperty() {
        return failure;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static String message(Throwable t) {
        Throwable c = unwrap(t);
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
