package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.dsvstudio.app.Computation;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.teach.Lesson;
import org.dsvstudio.teach.Playground;
import org.dsvstudio.teach.Svm;
import org.dsvstudio.teach.ToyData;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Teach tab's state: the 2-D data, the SVM beside it (LIBSVM, trained here on a background thread: plain
 * Java), the network and DeepKKT run in the compute process with their live frames, the read-outs and the lesson's
 * stage. The FX thread only reads what the background work hands over.
 */
public final class TeachViewModel {

    /** The lesson, one caption per stage; what is drawn grows with the stage. */
    public static final List<String> STAGES = List.of(
            "1 · The data: points of two classes in a plane.",
            "2 · An SVM draws the widest street between the classes: the boundary (solid) and its margins (dashed).",
            "3 · Its support vectors (circled) alone decide the street: every other point could move and nothing"
                    + " would change. Their dual coefficients α say how much each one pulls.",
            "4 · A neural network, trained with weight decay, draws its own boundary — curved where the data bends.",
            "5 · DeepKKT gets the network alone, no data: it moves random points until the network's weights are"
                    + " explained as λ-weighted gradients at them. Marker size = λ; faded = removed (λ < 0).",
            "6 · Compare: the network's support vectors beside the SVM's (circled). The read-outs say how near the"
                    + " boundary they end and how many lie within one margin width of an SVM support vector.");

    public static final int LAST_STAGE = STAGES.size() - 1;
    /** The grid the SVM's regions are drawn on. */
    static final int SVM_GRID = 90;

    private final Workbench workbench;
    // the settings a teacher changes
    private final ObjectProperty<String> kind = new SimpleObjectProperty<>("moons");
    private final IntegerProperty points = new SimpleIntegerProperty(200);
    private final ObjectProperty<Double> noise = new SimpleObjectProperty<>(0.15);
    private final IntegerProperty seed = new SimpleIntegerProperty(1);
    private final IntegerProperty classes = new SimpleIntegerProperty(2);
    private final ObjectProperty<Svm.Kernel> kernel = new SimpleObjectProperty<>(Svm.Kernel.RBF);
    private final ObjectProperty<Double> c = new SimpleObjectProperty<>(1.0);
    private final ObjectProperty<Double> gamma = new SimpleObjectProperty<>(1.0);
    private final IntegerProperty width = new SimpleIntegerProperty(32);
    private final ObjectProperty<Double> weightDecay = new SimpleObjectProperty<>(5e-3);
    private final IntegerProperty epochs = new SimpleIntegerProperty(200);
    private final IntegerProperty perClass = new SimpleIntegerProperty(10);
    private final IntegerProperty steps = new SimpleIntegerProperty(400);
    // what is shown
    private final ObjectProperty<ToyData> data = new SimpleObjectProperty<>();
    private final ObjectProperty<Svm> svm = new SimpleObjectProperty<>();
    private final ObjectProperty<Lesson.Frame> frame = new SimpleObjectProperty<>();
    private final ObjectProperty<Lesson.Result> result = new SimpleObjectProperty<>();
    /** The network's regions during its training (the newest training frame with a grid), until the result. */
    private final ObjectProperty<Lesson.Frame> trainingGrid = new SimpleObjectProperty<>();
    private final AtomicReference<Lesson.Frame> latestGrid = new AtomicReference<>();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty overlay = new SimpleBooleanProperty();
    private final IntegerProperty stage = new SimpleIntegerProperty(LAST_STAGE);
    private final StringProperty status = new SimpleStringProperty("Choose data and press Run.");
    private final StringProperty readouts = new SimpleStringProperty("");
    private Computation<Lesson.Result> running;
    /** DeepKKT's frames of the last run, for replay and the animation; at most {@value #MAX_FRAMES}. */
    private final java.util.List<Lesson.Frame> recorded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    static final int MAX_FRAMES = 2000;
    /** The recorded frame shown instead of the end state, or -1 (the end state / the live run). */
    private final IntegerProperty replay = new SimpleIntegerProperty(-1);
    private final AtomicReference<Lesson.Frame> latest = new AtomicReference<>();
    private long svmRequest;

    TeachViewModel(Workbench workbench) {
        this.workbench = workbench;
        for (javafx.beans.Observable o : List.of(kind, points, noise, seed, classes)) {
            o.addListener(x -> regenerate());
        }
        for (javafx.beans.Observable o : List.of(kernel, c, gamma)) {
            o.addListener(x -> retrainSvm());
        }
        regenerate();
    }

    /** New data from the settings; the SVM follows, the network's results belong to the old data and go. */
    private void regenerate() {
        try {
            data.set(ToyData.generate(kind.get(), points.get(), noise.get(), seed.get(), classes.get()));
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        result.set(null);
        frame.set(null);
        readouts.set("");
        retrainSvm();
    }

    /** A point the teacher clicked in (left = class 0, right = class 1, middle = class 2); the SVM follows. */
    public void addPoint(double x, double y, int cls) {
        ToyData d = data.get();
        int n = d == null ? 0 : d.size();
        double[][] p = new double[n + 1][];
        int[] labels = new int[n + 1];
        for (int i = 0; i < n; i++) {
            p[i] = d.points()[i];
            labels[i] = d.labels()[i];
        }
        p[n] = new double[] {Math.max(-ToyData.RANGE, Math.min(ToyData.RANGE, x)),
            Math.max(-ToyData.RANGE, Math.min(ToyData.RANGE, y))};
        labels[n] = cls;
        int classesNow = Math.max(cls + 1, d == null ? 2 : d.classes());
        load(new ToyData(d == null || d.name().endsWith("+ clicks") ? (d == null ? "clicks" : d.name())
                : d.name() + " + clicks", p, labels, classesNow));
    }

    /** Data read from a CSV file (x,y,class). */
    public void load(ToyData loaded) {
        data.set(loaded);
        result.set(null);
        frame.set(null);
        readouts.set("");
        retrainSvm();
    }

    private void retrainSvm() {
        ToyData d = data.get();
        if (d == null) {
            return;
        }
        long mine = ++svmRequest;
        if (java.util.Arrays.stream(d.labels()).distinct().count() < 2) {
            svm.set(null); // one class: nothing to separate yet
            return;
        }
        Svm.Kernel k = kernel.get();
        double cValue = c.get();
        double g = gamma.get();
        CompletableFuture.supplyAsync(() -> {
            Svm trained = Svm.train(d, k, cValue, g);
            trained.regions(SVM_GRID); // the regions the tab draws, computed here and kept, not on the FX thread
            return trained;
        }).whenComplete((trained, failure) ->
                Platform.runLater(() -> {
                    if (mine != svmRequest) {
                        return; // a newer setting is being trained
                    }
                    if (failure != null) {
                        status.set("SVM: " + MainViewModel.message(failure));
                    } else {
                        svm.set(trained);
                    }
                }));
    }

    /** Trains the network and runs DeepKKT on it in the compute process; frames come back as it goes. */
    public void run() {
        ToyData d = data.get();
        if (d == null || busy.get()) {
            return;
        }
        Playground.Settings s;
        try {
            s = new Playground.Settings(kernel.get(), c.get(), gamma.get(), "toy-mlp", width.get(), weightDecay.get(),
                    epochs.get(), perClass.get(), steps.get(), seed.get(), org.dsvstudio.kkt.Distance.COSINE);
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        busy.set(true);
        result.set(null);
        frame.set(null);
        readouts.set("");
        replay.set(-1);
        recorded.clear();
        trainingGrid.set(null);
        latestGrid.set(null);
        status.set("Training the network…");
        running = workbench.teach().run(d, s, 90, f -> {
            if (f.phase().equals("kkt") && recorded.size() < MAX_FRAMES) {
                recorded.add(f);
            }
            if (f.gridClasses() != null) {
                latestGrid.set(f);
            }
            // many frames a second: keep the newest, one hop to the FX thread at a time
            if (latest.getAndSet(f) == null) {
                Platform.runLater(() -> {
                    Lesson.Frame now = latest.getAndSet(null);
                    Lesson.Frame grid = latestGrid.get();
                    if (grid != null && busy.get()) {
                        trainingGrid.set(grid);
                    }
                    if (now != null && busy.get()) {
                        frame.set(now);
                        status.set(now.phase().equals("train")
                                ? String.format(Locale.ROOT, "Training the network… %d %%", 100 * now.step()
                                        / Math.max(1, now.steps()))
                                : String.format(Locale.ROOT, "DeepKKT on the network alone: step %d/%d · stationarity"
                                        + " %.3f of its λ = 0 value", now.step(), now.steps(), now.stationarityRatio()));
                    }
                });
            }
        });
        running.result().whenComplete((r, failure) -> Platform.runLater(() -> {
            busy.set(false);
            if (failure != null) {
                status.set(failure instanceof java.util.concurrent.CancellationException
                        || failure.getCause() instanceof java.util.concurrent.CancellationException ? "Cancelled."
                        : "Failed: " + MainViewModel.message(failure));
                return;
            }
            result.set(r);
            readouts.set(describe(r));
            status.set("Done: the network's DSVs are on the right.");
        }));
    }

    /** DeepKKT's recorded frames of the last run (FX thread reads; the list is only added to during a run). */
    public java.util.List<Lesson.Frame> recorded() {
        synchronized (recorded) {
            return java.util.List.copyOf(recorded);
        }
    }

    /** The replayed frame's index, or -1 for the end state. */
    public IntegerProperty replayProperty() {
        return replay;
    }

    /** One frame forward in the replay (from the start after the end); false when there is nothing to replay. */
    public boolean step() {
        int n = recorded.size();
        if (n == 0 || busy.get()) {
            return false;
        }
        int next = replay.get() + 1;
        replay.set(next >= n ? -1 : next);
        return true;
    }

    public void cancel() {
        if (running != null) {
            running.requestCancel();
        }
    }

    static String describe(Lesson.Result r) {
        Playground.SvmReadout s = r.svm();
        Playground.DsvReadout d = r.dsv();
        return String.format(Locale.ROOT, "SVM: %d support vectors, %.0f %% right, margin width %.2f. Network: %.0f %%"
                + " right. DeepKKT: %d of %d candidates kept (λ ≥ 0), stationarity %.3f of its λ = 0 value (0 = the"
                + " weights fully explained). Median distance to the network's boundary: DSVs %.2f, data %.2f."
                + " DSVs within one SVM margin width of an SVM support vector: %d of %d.", s.supportVectors(),
                100 * s.accuracy(), s.marginWidth(), 100 * r.net().accuracy(), d.kept(), d.candidates(),
                d.stationarityRatio(), d.medianDistance(), d.dataMedianDistance(), d.nearSvmSupportVector(),
                d.kept());
    }

    // properties

    public ObjectProperty<String> kindProperty() {
        return kind;
    }

    public IntegerProperty pointsProperty() {
        return points;
    }

    public ObjectProperty<Double> noiseProperty() {
        return noise;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    public IntegerProperty classesProperty() {
        return classes;
    }

    public ObjectProperty<Svm.Kernel> kernelProperty() {
        return kernel;
    }

    public ObjectProperty<Double> cProperty() {
        return c;
    }

    public ObjectProperty<Double> gammaProperty() {
        return gamma;
    }

    public IntegerProperty widthProperty() {
        return width;
    }

    public ObjectProperty<Double> weightDecayProperty() {
        return weightDecay;
    }

    public IntegerProperty epochsProperty() {
        return epochs;
    }

    public IntegerProperty perClassProperty() {
        return perClass;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public ObjectProperty<ToyData> dataProperty() {
        return data;
    }

    public ObjectProperty<Svm> svmProperty() {
        return svm;
    }

    public ObjectProperty<Lesson.Frame> frameProperty() {
        return frame;
    }

    public ObjectProperty<Lesson.Frame> trainingGridProperty() {
        return trainingGrid;
    }

    public ObjectProperty<Lesson.Result> resultProperty() {
        return result;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    public BooleanProperty overlayProperty() {
        return overlay;
    }

    public IntegerProperty stageProperty() {
        return stage;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty readoutsProperty() {
        return readouts;
    }
}
