package org.dsvstudio.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.RunService;
import org.dsvstudio.app.Workbench;

/**
 * The queue of DeepKKT runs. They all run on the one compute thread, in the order queued; the list keeps
 * finished ones (with their results, partial when cancelled) until the user removes them.
 */
public final class JobsViewModel {

    private final RunService runs;
    private final ObservableList<JobViewModel> jobs = FXCollections.observableArrayList();
    private final ObjectProperty<JobViewModel> selected = new SimpleObjectProperty<>();
    private int counter;

    JobsViewModel(RunService runs) {
        this.runs = runs;
    }

    public ObservableList<JobViewModel> jobs() {
        return jobs;
    }

    /** The job the live view and the gallery show. */
    public ObjectProperty<JobViewModel> selectedProperty() {
        return selected;
    }

    /** Queues a run for the model of the given summary and selects it. */
    public JobViewModel enqueue(RunSpec spec, Workbench.ModelSummary model) {
        JobViewModel job = new JobViewModel(++counter, spec, model);
        jobs.add(job);
        job.submit(runs);
        selected.set(job);
        return job;
    }

    /** Adds a finished run opened from a file and selects it. */
    public JobViewModel restore(org.dsvstudio.session.SavedRun run, Workbench.ModelSummary model) {
        JobViewModel job = JobViewModel.restored(++counter, run, model);
        jobs.add(job);
        selected.set(job);
        return job;
    }

    /** The finished runs that have a result, in the list's order: what a session keeps. */
    public java.util.List<JobViewModel> withResults() {
        return jobs.stream().filter(j -> j.stateProperty().get().finished() && j.resultProperty().get() != null)
                .toList();
    }

    /** Whether any job is queued or running. */
    public boolean anyActive() {
        return jobs.stream().anyMatch(j -> !j.stateProperty().get().finished());
    }

    /** Removes the finished jobs from the list (their results go with them). */
    public void clearFinished() {
        JobViewModel keep = selected.get();
        jobs.removeIf(j -> j.stateProperty().get().finished());
        if (keep != null && !jobs.contains(keep)) {
            selected.set(jobs.isEmpty() ? null : jobs.get(jobs.size() - 1));
        }
    }

    public void cancelAll() {
        jobs.forEach(JobViewModel::cancel);
    }
}
