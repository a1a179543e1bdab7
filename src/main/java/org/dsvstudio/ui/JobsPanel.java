package org.dsvstudio.ui;

import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The job queue: every run with its state, progress bar, speed and time left, and a cancel button. Selecting
 * a job shows it in the live view and, once it has a result, in the gallery.
 */
public final class JobsPanel extends VBox {

    private final ListView<JobViewModel> list;

    public JobsPanel(JobsViewModel jobs) {
        super(8);
        setId("jobsPanel");
        setPadding(new Insets(12));
        setPrefWidth(260);
        getStyleClass().add("side-panel-right");
        Label header = new Label("Jobs");
        header.getStyleClass().add("section-header");
        list = new ListView<>(jobs.jobs());
        list.setId("jobList");
        list.getStyleClass().add("job-list");
        list.setPlaceholder(new Label("No runs yet.\nPress Generate (Ctrl+G)."));
        list.setCellFactory(l -> new JobCell());
        VBox.setVgrow(list, Priority.ALWAYS);
        // two-way link between the list selection and the jobs' selected property
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, job) -> {
            if (job != null) {
                jobs.selectedProperty().set(job);
            }
        });
        jobs.selectedProperty().addListener((obs, old, job) -> {
            if (job != list.getSelectionModel().getSelectedItem()) {
                list.getSelectionModel().select(job);
            }
        });
        Button clear = new Button("Clear finished");
        clear.setId("clearJobs");
        clear.setMaxWidth(Double.MAX_VALUE);
        clear.setOnAction(e -> jobs.clearFinished());
        getChildren().addAll(header, list, clear);
    }

    /** A job row; it re-binds when the ListView reuses it for another job. */
    private static final class JobCell extends ListCell<JobViewModel> {
        private final Label title = new Label();
        private final Label state = new Label();
        private final Label status = new Label();
        private final ProgressBar bar = new ProgressBar();
        private final Button cancel = new Button("✕");
        private final VBox box;
        private final ChangeListener<JobViewModel.State> stateListener = (obs, old, s) -> showState(s);
        private JobViewModel bound;

        JobCell() {
            title.getStyleClass().add("job-title");
            title.setWrapText(true);
            state.getStyleClass().add("job-state");
            status.getStyleClass().add("job-status");
            status.setWrapText(true);
            bar.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(bar, Priority.ALWAYS);
            cancel.getStyleClass().add("job-cancel");
            cancel.setTooltip(new Tooltip("Cancel this run (a running one keeps its partial result)"));
            HBox row = new HBox(6, state, bar, cancel);
            row.setAlignment(Pos.CENTER_LEFT);
            box = new VBox(3, title, row, status);
            box.setPrefWidth(210);
            box.setMaxWidth(210);
        }

        @Override
        protected void updateItem(JobViewModel job, boolean empty) {
            super.updateItem(job, empty);
            if (bound != null) {
                bar.progressProperty().unbind();
                status.textProperty().unbind();
                bound.stateProperty().removeListener(stateListener);
                bound = null;
            }
            if (empty || job == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            bound = job;
            title.setText(job.title());
            bar.progressProperty().bind(job.progressProperty());
            status.textProperty().bind(job.statusProperty());
            job.stateProperty().addListener(stateListener);
            showState(job.stateProperty().get());
            cancel.setOnAction(e -> job.cancel());
            setGraphic(box);
            setText(null);
        }

        private void showState(JobViewModel.State s) {
            state.setText(s.toString());
            state.getStyleClass().removeIf(c -> c.startsWith("job-state-"));
            state.getStyleClass().add("job-state-" + s.name().toLowerCase(java.util.Locale.ROOT));
            cancel.setDisable(s.finished());
        }
    }
}
