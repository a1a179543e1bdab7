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
import org.dsvstudio.data.ClassMatch;
import org.dsvstudio.data.DataFormatException;
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
    private String errorTitle = "Something went wrong";
    private final BooleanProperty busy = new SimpleBooleanProperty();

    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ObjectProperty<Workbench.AttachedData> data = new SimpleObjectProperty<>();
    private final StringProperty notice = new SimpleStringProperty();

    private final Workbench workbench;
    private final RunViewModel run = new RunViewModel();
    private final JobsViewModel jobs;
    private final UiPreferences prefs;

    /** A model the code check refused: the window asks whether to open it anyway (the user trusts it). */
    public record Refusal(Path path, CardOverrides overrides, String message) {
    }

    private final ObjectProperty<Refusal> refused = new SimpleObjectProperty<>();

    public MainViewModel(DeviceChoice device, UiPreferences prefs) {
        this.prefs = prefs;
        workbench = new Workbench(device);
        // one notification per death of the compute process; the calls it failed say nothing more
        workbench.models().worker().onDeath(why -> Platform.runLater(() -> fail("The compute process stopped",
                capitalized(why) + ". Nothing else was lost: a fresh compute process takes the next job.")));
        jobs = new JobsViewModel(workbench.runs());
        samples.setAll(SampleModels.list());
        recent.setAll(prefs.recentModels());
        run.dataFolderProperty().bind(javafx.beans.binding.Bindings.createObjectBinding(
                () -> data.get() == null ? null : data.get().folder(), data));
    }

    /** The run panel's settings. */
    public RunViewModel run() {
        return run;
    }

    /** The queue of runs. */
    public JobsViewModel jobs() {
        return jobs;
    }

    public Workbench workbench() {
        return workbench;
    }

    /** Puts a model or session file first in the recent list. */
    public void remember(Path path) {
        recent.setAll(prefs.addRecent(path));
    }

    /** Recently opened models and sessions, most recent first. */
    public ObservableList<Path> recent() {
        return recent;
    }

    /** The attached data folder's train split, or null. */
    public ObjectProperty<Workbench.AttachedData> dataProperty() {
        return data;
    }

    /** A short message for a non-blocking notification (set to null once shown). */
    public StringProperty noticeProperty() {
        return notice;
    }

    /** Queues a run with the current settings for the loaded model; a message explains why not otherwise. */
    public JobViewModel generate() {
        Workbench.ModelSummary model = loaded.get();
        if (model == null) {
            fail("Cannot start a run", "Open a model first.");
            return null;
        }
        try {
            return jobs.enqueue(run.spec(), model);
        } catch (IllegalArgumentException e) {
            fail("Cannot start a run", e.getMessage());
            return null;
        }
    }

    /** Reads a data folder's train split in the background and attaches it. */
    public void attachData(Path folder) {
        status.set("Reading " + folder.getFileName() + "…");
        workbench.data().attachData(folder).whenComplete((d, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                status.set("Could not read " + folder.getFileName());
                fail("Could not read the data folder", message(failure));
            } else {
                data.set(d);
                prefs.setLastDataFolder(folder);
                status.set(String.format(java.util.Locale.ROOT, "Attached %s: %,d training images, %d classes",
                        d.train().name(), d.train().size(), d.train().numClasses()));
                notice.set("Data attached: " + d.train().name() + " (" + d.train().size() + " images)");
                Workbench.ModelSummary open = loaded.get();
                if (open != null) {
                    try {
                        ClassMatch.toModel(d.train(), open.card().classNames(), java.util.Map.of());
                    } catch (DataFormatException e) {
                        // said now, not after a run from real images fails on it
                        fail("The data does not fit " + open.card().name(), e.getMessage());
                    }
                    String conversion = workbench.data().conversionNote(open.card());
                    if (conversion != null) {
                        notice.set("Data attached: " + conversion + " (for start images, nearest images and"
                                + " margins)");
                    }
                }
            }
        }));
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

    /** What the last error was about (the notification's title). */
    public String errorTitle() {
        return errorTitle;
    }

    private void fail(String title, String message) {
        errorTitle = title;
        error.set(message);
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    // Commands

    public void startEngine() {
        workbench.models().startEngine().whenComplete((engine, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                status.set("Engine failed to start");
                fail("The engine did not start", message(failure));
            } else {
                status.set("Ready · " + engine.deviceNote() + " · " + engine.versionLine());
            }
        }));
    }

    public void open(Path path) {
        open(path, CardOverrides.NONE);
    }

    /** Opens a model with card fields the user typed (a .pt without a card). */
    public void open(Path path, CardOverrides overrides) {
        open(path, overrides, false);
    }

    /**
     * Opens a model; trustCode: the user said to run it although the code check refused it (it still runs only
     * in the sandboxed compute process).
     */
    public void open(Path path, CardOverrides overrides, boolean trustCode) {
        busy.set(true);
        status.set("Loading " + path.getFileName() + "…");
        workbench.models().open(path, overrides, trustCode).whenComplete((summary, failure) -> Platform.runLater(() -> {
            busy.set(false);
            if (failure != null) {
                status.set("Could not load " + path.getFileName());
                String message = message(failure);
                if (workerDied(failure)) {
                    return; // the death notice says it
                }
                if (!trustCode && message.startsWith("refused to run ")) {
                    // the window explains what trusting means; the command line's flag means nothing there
                    int cut = message.indexOf("; a classifier does not need it");
                    refused.set(new Refusal(path, overrides, cut < 0 ? message : message.substring(0, cut)));
                    return;
                }
                fail("Could not open " + path.getFileName(), message);
            } else {
                showRunsOf(summary); // first: whoever hears of the new model finds its runs already selected
                loaded.set(summary);
                status.set("Loaded " + summary.card().name() + " · " + summary.device());
                if (!SampleModels.isSample(path)) {
                    recent.setAll(prefs.addRecent(path));
                }
            }
        }));
    }

    /**
     * The Run and Gallery tabs follow the selected run: after another model opens, that is its newest run, or
     * none — not a run of the model that was open before.
     */
    private void showRunsOf(Workbench.ModelSummary model) {
        JobViewModel selected = jobs.selectedProperty().get();
        // a run opened from a file stays: it was asked for as such, whatever model opens after it
        if (selected == null || selected.isRestored() || model.sha256().equals(selected.model().sha256())) {
            return;
        }
        JobViewModel newest = null;
        for (JobViewModel j : jobs.jobs()) {
            if (j.model().sha256().equals(model.sha256())) {
                newest = j;
            }
        }
        jobs.selectedProperty().set(newest);
    }

    /** The k training images of the attached data nearest to image01 (pixel space), in the background. */
    public java.util.concurrent.CompletableFuture<java.util.List<org.dsvstudio.app.NearestImages.Match>> nearest(
            float[] image01, org.dsvstudio.model.ModelCard card, int k) {
        return workbench.data().nearest(image01, card, k);
    }

    /** Checks a card for a bare .pt (the card dialog's Check), in the compute process. */
    public java.util.concurrent.CompletableFuture<String> probe(Path path, CardOverrides overrides) {
        return workbench.models().probe(path, overrides);
    }

    public void shutdown() {
        jobs.cancelAll();
        workbench.close();
    }

    /** A model the code check refused, until the window has asked about it (then set to null). */
    public ObjectProperty<Refusal> refusedProperty() {
        return refused;
    }

    /** Where models run, for the model view: the compute process, its sandbox and its limits. */
    public String computeProcessNote() {
        var s = workbench.models().worker().settings();
        return String.format(java.util.Locale.ROOT, "a separate compute process (the model's code runs only there);"
                + " sandbox %s; memory cap %.0f GB; load limit %d s",
                org.dsvstudio.worker.WorkerLaunch.sandboxNote(), s.addressSpaceBytes() / (double) (1L << 30),
                s.loadTimeout().toSeconds());
    }

    /** The failure is the compute process's death, which the death notice reports. */
    static boolean workerDied(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof org.dsvstudio.worker.WorkerClient.WorkerException w) {
                return w.died();
            }
        }
        return false;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static String message(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    // Boundaries tab

    private BoundaryViewModel boundary;

    /** The Boundaries tab's state (plane, path, margins), created on first use. */
    public BoundaryViewModel boundary() {
        if (boundary == null) {
            boundary = new BoundaryViewModel(this, workbench.boundaries(), workbench.data());
        }
        return boundary;
    }

    // Explain tab

    private ExplainViewModel explain;

    /** The Explain tab's state: saliency maps of one image for the loaded model (made on first use). */
    public ExplainViewModel explain() {
        if (explain == null) {
            explain = new ExplainViewModel(workbench.explanations(), loaded);
        }
        return explain;
    }

    private TeachViewModel teach;

    /** The Teach tab's state: an SVM beside a network on 2-D data (made on first use). */
    public TeachViewModel teach() {
        if (teach == null) {
            teach = new TeachViewModel(workbench);
        }
        return teach;
    }

    // ---- Class mixing / editing and model comparison ----

    private MixEditViewModel mixEdit;
    private CompareViewModel compare;

    /** The Run tab's "Mix / Edit" section. */
    public MixEditViewModel mixEdit() {
        if (mixEdit == null) {
            mixEdit = new MixEditViewModel(this);
        }
        return mixEdit;
    }

    /** The Compare tab: a second model classifying the first one's DSVs and back. */
    public CompareViewModel compare() {
        if (compare == null) {
            compare = new CompareViewModel(this, workbench.comparison());
        }
        return compare;
    }

    /** Shows an error notification (for the sections above). */
    void report(String title, String message) {
        fail(title, message);
    }
}
