package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.dsvstudio.app.CompareService;
import org.dsvstudio.app.ModelComparison;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.model.CardOverrides;

import java.nio.file.Path;
import java.util.List;

/**
 * The Compare tab: a second model loaded beside the current one; the DSVs of a finished run of model 1 are
 * classified by model 2 and, when model 2 has a finished run in the job list, model 2's DSVs by model 1.
 */
public final class CompareViewModel {

    private final MainViewModel main;
    private final CompareService comparison;
    private final ObjectProperty<Workbench.ModelSummary> second = new SimpleObjectProperty<>();
    private final ObjectProperty<ModelComparison.Result> result = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty(
            "Load a second model with the same classes to see how it classifies this model's DSVs.");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    /** A comparison is running (FX thread). */
    private boolean comparing;
    /** Finished runs (with a result) of the current model and of the second model. */
    private final ObservableList<JobViewModel> firstRuns = FXCollections.observableArrayList();
    private final ObservableList<JobViewModel> secondRuns = FXCollections.observableArrayList();
    private final ObjectProperty<JobViewModel> firstRun = new SimpleObjectProperty<>();
    private final ObjectProperty<JobViewModel> secondRun = new SimpleObjectProperty<>();

    CompareViewModel(MainViewModel main, CompareService comparison) {
        this.main = main;
        this.comparison = comparison;
        main.jobs().jobs().addListener((ListChangeListener<JobViewModel>) c -> {
            while (c.next()) {
                for (JobViewModel job : c.getAddedSubList()) {
                    job.resultProperty().addListener((o, was, r) -> refreshRuns());
                }
            }
            refreshRuns();
        });
        main.loadedProperty().addListener((obs, old, m) -> {
            result.set(null);
            refreshRuns();
        });
        second.addListener((obs, old, m) -> refreshRuns());
    }

    public ObjectProperty<Workbench.ModelSummary> secondProperty() {
        return second;
    }

    public ObjectProperty<ModelComparison.Result> resultProperty() {
        return result;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public ObservableList<JobViewModel> firstRuns() {
        return firstRuns;
    }

    public ObservableList<JobViewModel> secondRuns() {
        return secondRuns;
    }

    /** The run of model 1 whose DSVs are compared (default: the newest). */
    public ObjectProperty<JobViewModel> firstRunProperty() {
        return firstRun;
    }

    /** The run of model 2 for the reverse direction, or null. */
    public ObjectProperty<JobViewModel> secondRunProperty() {
        return secondRun;
    }

    private void refreshRuns() {
        fill(firstRuns, firstRun, main.loadedProperty().get());
        fill(secondRuns, secondRun, second.get());
    }

    /** The finished runs of model m (same weights) into list, keeping the choice when still there. */
    private void fill(ObservableList<JobViewModel> list, ObjectProperty<JobViewModel> choice, Workbench.ModelSummary m) {
        List<JobViewModel> runs = m == null ? List.of() : main.jobs().jobs().stream()
                .filter(j -> j.resultProperty().get() != null && !j.resultProperty().get().kept().isEmpty())
                .filter(j -> j.model().sha256().equals(m.sha256()))
                .toList();
        JobViewModel keep = choice.get();
        // a run the user picked stays; one picked here gives way to a newer default (the newest plain run)
        boolean picked = keep != null && keep != autoPicked.get(choice);
        list.setAll(runs);
        if (picked && runs.contains(keep)) {
            choice.set(keep);
        } else {
            JobViewModel auto = preferred(runs);
            autoPicked.put(choice, auto);
            choice.set(auto);
        }
    }

    /** Per choice, the run this view-model chose by itself (not the user). */
    private final java.util.Map<ObjectProperty<JobViewModel>, JobViewModel> autoPicked = new java.util.HashMap<>();

    /** Loads model 2 on the compute thread; says at once when its classes differ from model 1's. */
    public void openSecond(Path path) {
        busy.set(true);
        status.set("Loading " + path.getFileName() + " as model 2…");
        comparison.openSecond(path, CardOverrides.NONE).whenComplete((m, failure) -> Platform.runLater(() -> {
            try {
                secondLoaded(path, m, failure);
            } finally {
                busy.set(comparing); // last: whoever waits for "not busy" sees the outcome
            }
        }));
    }

    private void secondLoaded(Path path, Workbench.ModelSummary m, Throwable failure) {
        if (failure != null) {
            status.set("Could not load " + path.getFileName());
            main.report("Could not open " + path.getFileName(), MainViewModel.message(failure));
            return;
        }
        second.set(m);
        result.set(null);
        Workbench.ModelSummary first = main.loadedProperty().get();
        String problem = first == null ? null : ModelComparison.mismatch(first.card(), m.card());
        if (problem != null) {
            status.set(problem);
            main.report("The models cannot be compared", problem);
        } else if (firstRun.get() == null) {
            status.set("Model 2: " + m.card().name() + ". Generate a run of " + (first == null ? "model 1"
                    : first.card().name()) + " to compare its DSVs.");
        } else {
            compare();
        }
    }

    /** Classifies the chosen runs' DSVs with the other model, in the background. */
    public void compare() {
        Workbench.ModelSummary first = main.loadedProperty().get();
        Workbench.ModelSummary m2 = second.get();
        if (first == null || m2 == null) {
            main.report("Cannot compare", first == null ? "Open a model first." : "Compare with model… first.");
            return;
        }
        String problem = ModelComparison.mismatch(first.card(), m2.card());
        if (problem != null) {
            status.set(problem);
            main.report("The models cannot be compared", problem);
            return;
        }
        JobViewModel run1 = firstRun.get();
        if (run1 == null) {
            main.report("Cannot compare", "Generate a run of " + first.card().name() + " first: its DSVs are what"
                    + " model 2 classifies.");
            return;
        }
        JobViewModel run2 = secondRun.get();
        ModelComparison.Dsvs d1 = ModelComparison.fromResult(first.card().name(), "run #" + run1.number(),
                run1.resultProperty().get());
        ModelComparison.Dsvs d2 = run2 == null ? null : ModelComparison.fromResult(m2.card().name(),
                "run #" + run2.number(), run2.resultProperty().get());
        busy.set(true);
        comparing = true;
        status.set("Classifying…");
        comparison.compare(d1, d2).whenComplete((r, failure) -> Platform.runLater(() -> {
            comparing = false;
            if (failure != null) {
                status.set("Comparison failed: " + MainViewModel.message(failure));
                busy.set(false);
                main.report("Comparison failed", MainViewModel.message(failure));
                return;
            }
            busy.set(false);
            result.set(r);
            status.set(r.reverse() != null ? "Both directions." : "One direction: for the reverse, generate a run of "
                    + m2.card().name() + " (open it, Generate, open " + first.card().name() + " again): its runs stay"
                    + " in the job list.");
        }));
    }

    /** The newest plain run (hard targets from noise or data), else the newest mix or edit, else null. */
    private static JobViewModel preferred(List<JobViewModel> runs) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i).spec().mix() == null && runs.get(i).spec().start() == null) {
                return runs.get(i);
            }
        }
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }
}
