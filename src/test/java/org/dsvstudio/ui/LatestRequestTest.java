package org.dsvstudio.ui;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The view-models' request helper, without the JavaFX toolkit: the "UI thread" is a queue the test drains. */
class LatestRequestTest {

    /** Work posted to the UI thread waits here until the test runs it, as runLater would. */
    private final Queue<Runnable> ui = new ArrayDeque<>();
    private final Executor uiThread = ui::add;

    private void drainUi() {
        while (!ui.isEmpty()) {
            ui.poll().run();
        }
    }

    private static final class Job {
        final CompletableFuture<String> result = new CompletableFuture<>();
        final AtomicInteger cancels = new AtomicInteger();
        DoubleConsumer progress;

        LatestRequest.Handle<String> handle(DoubleConsumer p) {
            progress = p;
            return new LatestRequest.Handle<>(result, cancels::incrementAndGet);
        }
    }

    @Test
    void aResultArrivesOnTheUiThreadWithBusyAndProgressTracked() {
        LatestRequest<String> r = new LatestRequest<>(uiThread);
        Job job = new Job();
        List<String> got = new ArrayList<>();
        r.start(job::handle, got::add);
        assertTrue(r.busyProperty().get());
        job.progress.accept(0.5);
        assertEquals(0.0, r.progressProperty().get(), "not before the UI thread runs it");
        drainUi();
        assertEquals(0.5, r.progressProperty().get());
        job.result.complete("plane");
        assertEquals(List.of(), got, "the outcome waits for the UI thread too");
        drainUi();
        assertEquals(List.of("plane"), got);
        assertFalse(r.busyProperty().get());
        assertEquals(1.0, r.progressProperty().get());
        assertNull(r.failureProperty().get());
    }

    @Test
    void aNewRequestCancelsTheOldOneWhoseLateAnswersAreDropped() {
        LatestRequest<String> r = new LatestRequest<>(uiThread);
        Job first = new Job();
        Job second = new Job();
        List<String> got = new ArrayList<>();
        r.start(first::handle, got::add);
        r.start(second::handle, got::add);
        assertEquals(1, first.cancels.get());
        first.progress.accept(0.9);
        first.result.complete("stale");
        second.progress.accept(0.25);
        drainUi();
        assertEquals(List.of(), got);
        assertEquals(0.25, r.progressProperty().get(), "only the latest request's progress shows");
        assertTrue(r.busyProperty().get(), "the stale answer does not end the latest request");
        second.result.complete("fresh");
        drainUi();
        assertEquals(List.of("fresh"), got);
        assertFalse(r.busyProperty().get());
    }

    @Test
    void failuresArriveUnwrappedAndCancellationIsNoFailure() {
        LatestRequest<String> r = new LatestRequest<>(uiThread);
        Job job = new Job();
        r.start(job::handle, s -> { });
        job.result.completeExceptionally(new CompletionException(new IllegalStateException("no model loaded")));
        drainUi();
        assertEquals("no model loaded", r.failureProperty().get());
        assertFalse(r.busyProperty().get());

        Job cancelled = new Job();
        r.start(cancelled::handle, s -> { });
        assertNull(r.failureProperty().get(), "a new request clears the old message");
        cancelled.result.completeExceptionally(new CompletionException(new CancellationException("cancelled")));
        drainUi();
        assertNull(r.failureProperty().get());
        assertFalse(r.busyProperty().get());
    }

    @Test
    void aRequestThatCannotStartReportsWhyAndIsNotBusy() {
        LatestRequest<String> r = new LatestRequest<>(uiThread);
        r.start(p -> {
            throw new IllegalArgumentException("pick three images first");
        }, s -> { });
        assertFalse(r.busyProperty().get());
        assertEquals("pick three images first", r.failureProperty().get());
    }

    @Test
    void cancelStopsTheRunningRequestAndDropsItsOutcome() {
        LatestRequest<String> r = new LatestRequest<>(uiThread);
        Job job = new Job();
        List<String> got = new ArrayList<>();
        r.start(job::handle, got::add);
        r.cancel();
        assertEquals(1, job.cancels.get());
        assertFalse(r.busyProperty().get());
        job.result.complete("late");
        drainUi();
        assertEquals(List.of(), got);
    }
}
