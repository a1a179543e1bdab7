package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktResult;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A DeepKKT run started from the window. Snapshots arrive on the compute thread; only the newest is kept and
 * at most one hop to the FX thread is pending at a time, so a fast run cannot flood the UI.
 */
public final class RunViewModel {

    // Properties
    private final StringProperty preset = new SimpleStringProperty("quick");
    private final ObjectProperty<Integer> perClass = new SimpleObjectProperty<>(1);
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>(0);
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("Press Generate to search for Deep Support Vectors.");
    private final ObjectProperty<KktProgress> snapshot = new SimpleObjectProperty<>();
    private final ObjectProperty<KktResult> result = new SimpleObjectProperty<>();
    private final StringProperty error = new SimpleStringProperty();

    private final Workbench workbench;
    private final AtomicReference<KktProgress> latest = new AtomicReference<>();
    private final AtomicBoolean hopPending = new AtomicBoolean();
    private Workbench.Run run;

    RunViewModel(Workbench workbench) {
        this.workbench = workbench;
    }

    public StringProperty presetProperty() {
        return preset;
    }

    public ObjectProperty<Integer> perClassProperty() {
        return perClass;
    }

    public ObjectProperty<Integer> seedProperty() {
        return seed;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public ObjectProperty<KktProgress> snapshotProperty() {
        return snapshot;
    }

    public ObjectProperty<KktResult> resultProperty() {
        return result;
    }

    public StringProperty errorProperty() {
        return error;
    }

    // Commands

    public void start() {
        if (running.get()) {
            return;
        }
        running.set(true);
        progress.set(0);
        result.set(null);
        snapshot.set(null);
        status.set("Starting " + preset.get() + " run…");
        run = workbench.generate(KktPresets.get(preset.get()), perClass.get(), seed.get(), this::onProgress);
        run.result().whenComplete((r, failure) -> Platform.runLater(() -> {
            running.set(false);
            if (failure != null) {
                status.set("Run failed");
                error.set(MainViewModel.message(failure));
                return;
            }
            result.set(r);
            status.set(summary(r));
        }));
    }

    public void cancel() {
        if (run != null) {
            run.requestCancel();
            status.set("Cancelling after the current step…");
        }
    }

    private void onProgress(KktProgress p) {
        latest.set(p);
        if (hopPending.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                hopPending.set(false);
                KktProgress newest = latest.get();
                progress.set((double) newest.step() / newest.steps());
                snapshot.set(newest);
                status.set(String.format(Locale.ROOT, "Step %d/%d · stationarity %.3f × its λ=0 value · "
                                + "mean entropy %.2f · %.1f steps/s", newest.step(), newest.steps(),
                        newest.losses().stationarityRatio(), newest.meanEntropy(), newest.stepsPerSecond()));
            });
        }
    }

    static String summary(KktResult r) {
        String how = r.completed() ? "Done" : "cancelled".equals(r.stopReason()) ? "Cancelled (partial result kept)"
                : "Stopped: " + r.stopReason();
        return String.format(Locale.ROOT, "%s · %d steps in %.1f s · %d of %d kept · %.0f %% classified as their "
                        + "class · entropy %.2f → %.2f", how, r.stepsDone(), r.wallSeconds(), r.kept().size(),
                r.candidates().size(), 100 * r.primalFeasibility(), r.initialMeanEntropy(), r.finalMeanEntropy());
    }
}
