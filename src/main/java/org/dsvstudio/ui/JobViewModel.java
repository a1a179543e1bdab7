package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.Computation;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.RunService;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One queued DeepKKT run as the window shows it. The worker's reports arrive into plain fields; at most one
 * hop to the FX thread is pending at a time and it carries only the newest snapshot (plus the loss points
 * gathered since), so a fast run cannot flood the UI.
 */
public final class JobViewModel implements Workbench.RunListener {

    /** Where a job stands. */
    public enum State {
        QUEUED("queued"), RUNNING("running"), DONE("done"), CANCELLED("cancelled"), STOPPED("stopped"),
        FAILED("failed");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public boolean finished() {
            return this != QUEUED && this != RUNNING;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One point of the loss curves. */
    public record LossPoint(int step, double total, double primal, double stationarity, double stationarityRatio,
            double priors) {
    }

    private final int number;
    private final RunSpec spec;
    private Workbench.ModelSummary model;
    /** Non-null for a run opened from a session or a run folder: its saved title and provenance. */
    private String restoredTitle;
    private org.dsvstudio.app.DsvExport.Provenance restoredProvenance;
    private boolean imagesExact = true;
    /** What the independent judges made of this run's DSVs, once judged (kept with the run in a session). */
    private final ObjectProperty<org.dsvstudio.evidence.Legibility.Report> legibility = new SimpleObjectProperty<>();
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.QUEUED);
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty status = new SimpleStringProperty("waiting for the compute process");
    private final ObjectProperty<KktProgress> snapshot = new SimpleObjectProperty<>();
    private final ObjectProperty<KktResult> result = new SimpleObjectProperty<>();
    private final StringProperty error = new SimpleStringProperty();
    private final ObservableList<LossPoint> losses = FXCollections.observableArrayList();

    // compute-thread side
    private final AtomicReference<KktProgress> latest = new AtomicReference<>();
    private final List<LossPoint> pendingLosses = new ArrayList<>();
    private final AtomicBoolean hopPending = new AtomicBoolean();
    private volatile long startedNanos;
    private Computation<KktResult> run;

    JobViewModel(int number, RunSpec spec, Workbench.ModelSummary model) {
        this.number = number;
        this.spec = spec;
        this.model = model;
    }

    /** Queues this job on the workbench and follows it to its end. */
    void submit(RunService runs) {
        run = runs.generate(spec, model.generation(), this);
        run.result().whenComplete((r, failure) -> Platform.runLater(() -> finish(r, failure)));
    }

    public int number() {
        return number;
    }

    public String title() {
        return "#" + number + " " + plainTitle();
    }

    /** The title without the queue number: what a saved session and a report call the run. */
    public String plainTitle() {
        return restoredTitle != null ? restoredTitle : model.card().name() + " · " + spec.title(model.card().classNames());
    }

    /**
     * A finished run opened from a file. Its model is {@code model}: the loaded one when it is the same file (same
     * SHA-256), else a summary made from the run's provenance whose generation ({@link
     * org.dsvstudio.app.ModelService#NOT_LOADED}) makes the views that need the model say so.
     */
    static JobViewModel restored(int number, org.dsvstudio.session.SavedRun run, Workbench.ModelSummary model) {
        KktResult r = run.result();
        int[] classes = r.candidates().stream().mapToInt(org.dsvstudio.kkt.Candidate::targetClass).distinct().sorted()
                .toArray();
        int perClass = (int) java.util.Arrays.stream(classes).mapToLong(c -> r.candidates().stream()
                .filter(d -> d.targetClass() == c).count()).max().orElse(1);
        JobViewModel job = new JobViewModel(number, new RunSpec(r.config(), classes, Math.max(1, perClass), null,
                org.dsvstudio.app.GenerationPlan.Init.NOISE, null, r.seed()), model);
        job.restoredTitle = run.title();
        job.restoredProvenance = run.provenance();
        job.imagesExact = run.imagesExact();
        job.legibility.set(run.legibility());
        int every = Math.max(1, r.config().progressEvery());
        for (int i = 0; i < r.history().size(); i++) {
            org.dsvstudio.kkt.LossTerms t = r.history().get(i);
            job.losses.add(new LossPoint(Math.min(i * every, r.stepsDone()), t.total(), t.primal(), t.stationarity(),
                    t.stationarityRatio(), t.tv() + t.norm()));
        }
        // the live view's λ histogram and candidate strip show the run's last state, as after a run here
        List<org.dsvstudio.kkt.Candidate> cs = r.candidates();
        job.snapshot.set(new KktProgress(r.stepsDone(), r.config().steps(), r.last(),
                cs.stream().mapToDouble(org.dsvstudio.kkt.Candidate::lambda).toArray(), removedFlags(cs),
                cs.stream().mapToInt(org.dsvstudio.kkt.Candidate::predicted).toArray(),
                cs.stream().mapToDouble(org.dsvstudio.kkt.Candidate::confidence).toArray(),
                cs.stream().mapToDouble(org.dsvstudio.kkt.Candidate::entropy).toArray(),
                cs.stream().map(org.dsvstudio.kkt.Candidate::image01).toArray(float[][]::new), 0,
                r.nonFiniteRecomputes()));
        job.finish(r, null);
        job.status.set("Opened from a file · " + job.status.get());
        return job;
    }

    private static boolean[] removedFlags(List<org.dsvstudio.kkt.Candidate> cs) {
        boolean[] out = new boolean[cs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cs.get(i).removed();
        }
        return out;
    }

    /** Whether this run was opened from a session or a run folder. */
    public boolean isRestored() {
        return restoredTitle != null;
    }

    /** A restored run's model was opened (the same file): the views that need the model can use it now. */
    void rebind(Workbench.ModelSummary loaded) {
        if (isRestored()) {
            model = loaded;
        }
    }

    /** The run as it is saved in a session or a report: result, card and provenance. */
    public org.dsvstudio.session.SavedRun toSavedRun() {
        KktResult r = result.get();
        if (r == null) {
            throw new IllegalStateException("run " + number + " has no result");
        }
        org.dsvstudio.app.DsvExport.Provenance p = restoredProvenance != null ? restoredProvenance
                : new org.dsvstudio.app.DsvExport.Provenance(card().name(), String.valueOf(model.path()),
                        model.sha256(), org.dsvstudio.app.AppInfo.VERSION, model.engine(), model.device(),
                        "DSV Studio app: " + title(), java.time.Instant.now().toString());
        return new org.dsvstudio.session.SavedRun(plainTitle(), r, card(), p, imagesExact, legibility.get());
    }

    /** The judges' verdict on this run's kept DSVs, or null while not judged. */
    public ObjectProperty<org.dsvstudio.evidence.Legibility.Report> legibilityProperty() {
        return legibility;
    }

    public RunSpec spec() {
        return spec;
    }

    public ModelCard card() {
        return model.card();
    }

    /** The model the job was queued for. */
    public Workbench.ModelSummary model() {
        return model;
    }

    /** Queued or running: what Cancel can still stop. */
    public boolean isActive() {
        return state.get() == State.QUEUED || state.get() == State.RUNNING;
    }

    public ReadOnlyObjectProperty<State> stateProperty() {
        return state;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public ReadOnlyObjectProperty<KktProgress> snapshotProperty() {
        return snapshot;
    }

    public ReadOnlyObjectProperty<KktResult> resultProperty() {
        return result;
    }

    /** Why the job failed, or null. */
    public StringProperty errorProperty() {
        return error;
    }

    /** The loss curve so far (FX thread). */
    public ObservableList<LossPoint> losses() {
        return losses;
    }

    /** Cancels: a queued job never starts, a running one stops after its current step and keeps its result. */
    public void cancel() {
        if (run != null && !state.get().finished()) {
            run.requestCancel();
            status.set(state.get() == State.QUEUED ? "cancelling before it starts…" : "cancelling after this step…");
        }
    }

    // Workbench.RunListener, on the worker client's reading thread

    @Override
    public void started() {
        startedNanos = System.nanoTime();
        Platform.runLater(() -> {
            if (state.get() == State.QUEUED) {
                state.set(State.RUNNING);
                status.set("starting…");
            }
        });
    }

    @Override
    public void progress(KktProgress p) {
        double priors = p.losses().tv() + p.losses().norm();
        synchronized (pendingLosses) {
            pendingLosses.add(new LossPoint(p.step(), p.losses().total(), p.losses().primal(),
                    p.losses().stationarity(), p.losses().stationarityRatio(), priors));
        }
        latest.set(p);
        if (hopPending.compareAndSet(false, true)) {
            Platform.runLater(this::applyLatest);
        }
    }

    private void applyLatest() {
        hopPending.set(false);
        KktProgress p = latest.get();
        List<LossPoint> fresh;
        synchronized (pendingLosses) {
            fresh = new ArrayList<>(pendingLosses);
            pendingLosses.clear();
        }
        losses.addAll(fresh);
        if (state.get().finished()) {
            return;
        }
        progress.set((double) p.step() / p.steps());
        snapshot.set(p);
        status.set(progressText(p, (System.nanoTime() - startedNanos) / 1e9));
    }

    static String progressText(KktProgress p, double elapsedSeconds) {
        double rate = p.stepsPerSecond();
        String eta = rate > 0 ? " · " + duration((p.steps() - p.step()) / rate) + " left" : "";
        return String.format(Locale.ROOT, "step %d/%d · %.1f steps/s%s · stationarity %.3f × its λ=0 value"
                        + " · mean entropy %.2f", p.step(), p.steps(), rate, eta, p.losses().stationarityRatio(),
                p.meanEntropy());
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    private void finish(KktResult r, Throwable failure) {
        applyLatestIfAny();
        if (failure != null) {
            String message = MainViewModel.message(failure);
            status.set("failed: " + message);
            state.set(State.FAILED);
            if (!MainViewModel.workerDied(failure)) {
                error.set(message); // a death of the compute process has its own notice
            }
            return;
        }
        if (r == null) {
            state.set(State.CANCELLED);
            status.set("cancelled before it started");
            return;
        }
        result.set(r);
        progress.set((double) r.stepsDone() / r.config().steps());
        status.set(summary(r)); // before the state, whose listeners read it
        state.set(r.completed() ? State.DONE : r.cancelled() ? State.CANCELLED : State.STOPPED);
    }

    private void applyLatestIfAny() {
        if (latest.get() != null) {
            applyLatest();
        }
    }

    static String summary(KktResult r) {
        String how = r.completed() ? "Done" : r.cancelled() ? "Cancelled (partial result kept)"
                : "Stopped: " + r.stopReason();
        return String.format(Locale.ROOT, "%s · %d steps in %.1f s · %d of %d kept · %.0f %% classified as their "
                        + "class · entropy %.2f → %.2f", how, r.stepsDone(), r.wallSeconds(), r.kept().size(),
                r.candidates().size(), 100 * r.primalFeasibility(), r.initialMeanEntropy(), r.finalMeanEntropy())
                + (r.notes().isEmpty() ? "" : " · " + String.join(" · ", r.notes()))
                + (r.kktWarning() == null ? "" : " · ⚠ " + r.kktWarningShort());
    }

    // ---- Start images (editing's "before") ----

    private volatile float[][] startImages;

    @Override
    public void request(org.dsvstudio.kkt.KktRequest request) {
        startImages = request.initImages01();
    }

    /**
     * The images the run's candidates start from (step 0, pixel space), once it has started; null for a run from
     * noise or one not started yet.
     */
    public float[][] startImages() {
        return startImages;
    }
}
