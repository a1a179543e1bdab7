package org.dsvstudio.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the app's services share: the worker and one way to call it — a request as a {@link Computation} whose
 * cancel is the worker's cooperative cancel, replies decoded, a cancellation as a CancellationException.
 */
final class WorkerCalls {

    /** Calls to the worker that wait for it (its start): never on the compute or the UI thread. */
    static final ExecutorService WORKER_CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dsv-worker-calls");
        t.setDaemon(true);
        return t;
    });

    /** Data reading and nearest-image searches: plain Java, kept off the compute thread. */
    static final ExecutorService DATA_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dsv-data");
        t.setDaemon(true);
        return t;
    });

    /** Sends requests to the worker, one after another in the order asked (see {@link #call}). */
    static final ExecutorService SENDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dsv-worker-sender");
        t.setDaemon(true);
        return t;
    });

    final WorkerClient worker;

    WorkerCalls(WorkerClient worker) {
        this.worker = worker;
    }

    /** What a worker reply body holds, or an unchecked failure saying it was unreadable. */
    static <T> T body(Protocol.Message m, Class<T> type) {
        try {
            return Protocol.body(m, type);
        } catch (IOException e) {
            throw new UncheckedIOException("an unreadable " + m.kind() + " message from the compute process", e);
        }
    }
    /** Decodes a reply's body (JSON) into what the caller wants. */
    interface Decoder<T> {
        T decode(JsonNode json) throws IOException;
    }
    /**
     * A request to the worker as a {@link Computation}: its events go to {@code events} (on the worker's reading
     * thread), its cancel is the worker's cooperative cancel (killed past the grace period). A request cancelled
     * before it started completes with null when {@code nullWhenCancelled} (a run), else with a
     * CancellationException.
     */
    <T> Computation<T> call(String op, Object body, String what, Consumer<Protocol.Message> events,
            Decoder<T> decoder, boolean nullWhenCancelled) {
        // sent from one sender thread: in the order asked, and never on the caller's (the UI's) thread, which a
        // worker (re)start would otherwise hold for half a second
        CompletableFuture<WorkerClient.Call> sent = CompletableFuture.supplyAsync(
                () -> worker.call(op, body, events, null, what), SENDER);
        CompletableFuture<T> result = sent.thenCompose(WorkerClient.Call::result).handle((json, failure) -> {
            if (failure == null) {
                try {
                    return decoder.decode(json);
                } catch (IOException e) {
                    throw new UncheckedIOException("an unreadable answer from the compute process", e);
                }
            }
            Throwable c = failure;
            while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
            }
            if (c instanceof WorkerClient.WorkerException w && w.category() == Protocol.Category.CANCELLED) {
                if (nullWhenCancelled) {
                    return null; // cancelled while queued: no result, as before the run ever started
                }
                throw new java.util.concurrent.CancellationException(w.getMessage());
            }
            throw c instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(c);
        });
        return new Computation<>(result, () -> sent.thenAccept(WorkerClient.Call::cancel));
    }
    /** Progress events of a computation that reports fractions. */
    static Consumer<Protocol.Message> fractions(java.util.function.DoubleConsumer progress) {
        return m -> {
            if (progress != null && m.kind().equals(Protocol.PROGRESS)) {
                progress.accept(body(m, Protocol.Fraction.class).fraction());
            }
        };
    }
}
