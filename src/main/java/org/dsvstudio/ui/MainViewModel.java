package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.SampleModels;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.model.CardOverrides;

import java.nio.file.Path;
import java.util.concurrent.CompletionException;

/**
 * State of the main window. Only this class talks to the {@link Workbench}; compute results come back on the
 * compute thread and are copied onto the FX thread with {@code Platform.runLater}.
 */
public final class MainViewModel {

    // Properties
    private final ObservableList<SampleModels.Sample> samples = FXCollections.observableArrayList();
    private final ObjectProperty<Workbench.ModelSummary> loaded = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty("Starting the engine…");
    private final StringProperty error = new SimpleStringProperty();
    private final BooleanProperty busy = new SimpleBooleanProperty();

    private final Workbench workbench;
    private final RunViewModel run;

    public MainViewModel(DeviceChoice device) {
        workbench = new Workbench(device);
        run = new RunViewModel(workbench);
        samples.setAll(SampleModels.list());
    }

    /** The DeepKKT run panel's state. */
    public RunViewModel run() {
        return run;
    }

    public ObservableList<SampleModels.Sample> samples() {
        return samples;
    }

    public ObjectProperty<Workbench.ModelSummary> loadedProperty() {
        return loaded;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** The last error message, for a notification; set to null once shown. */
    public StringProperty errorProperty() {
        return error;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    // Commands

    public void startEngine() {
        workbench.startEngine().whenComplete((engine, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                status.set("Engine failed to start");
                error.set(message(failure));
            } else {
                status.set("Ready · " + engine.deviceNote() + " · " + engine.versionLine());
            }
        }));
    }

    public void open(Path path) {
        busy.set(true);
        status.set("Loading " + path.getFileName() + "…");
        workbench.open(path, CardOverrides.NONE).whenComplete((summary, failure) -> Platform.runLater(() -> {
            busy.set(false);
            if (failure != null) {
                status.set("Could not load " + path.getFileName());
                error.set(message(failure));
            } else {
                loaded.set(summary);
                status.set("Loaded " + summary.card().name() + " · " + summary.device());
            }
        }));
    }

    public void shutdown() {
        run.cancel();
        workbench.close();
    }

    static String message(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
