package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.DataService;
import org.dsvstudio.app.BoundaryService;
import org.dsvstudio.app.Computation;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.explain.DecisionPath;
import org.dsvstudio.explain.DecisionPlane;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * State of the Boundaries tab: the images picked as plane anchors (A, B, C) and path ends, the plane's window
 * and last result, the path, and the margins of the gallery run's DSVs against real images. Every computation
 * runs on the compute thread through the {@link Workbench}; a new request supersedes (cancels) the one before.
 */
public final class BoundaryViewModel {

    /** Slots: plane anchors A, B, C, then the path's start (P) and end (Q). */
    public static final int A = 0;
    public static final int B = 1;
    public static final int C = 2;
    public static final int PATH_START = 3;
    public static final int PATH_END = 4;
    static final String[] SLOT_NAMES = {"anchor A", "anchor B", "anchor C", "path start", "path end"};

    static final String QUEUED = "queued behind the job in progress…";

    /** Grid resolutions offered. */
    public static final List<Integer> RESOLUTIONS = List.of(50, 100, 200, 400);

    /**
     * An image to explain with: a caption, its pixels in [0, 1] and, for a DSV, the generation of the model
     * that made it (-1 for real images and files).
     */
    public record BoundaryImage(String label, float[] image01, long modelGeneration) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** A DSV of the gallery run with its margin (null until computed, +∞ when no boundary was reached). */
    public static final class MarginRow {
        private final Candidate candidate;
        private final String className;
        private final ObjectProperty<Double> margin = new SimpleObjectProperty<>();

        MarginRow(Candidate candidate, String className) {
            this.candidate = candidate;
            this.className = className;
        }

        public Candidate candidate() {
            return candidate;
        }

        public String className() {
            return className;
        }

        public ObjectProperty<Double> marginProperty() {
            return margin;
        }
    }

    /** DSV margins against real images' margins: both finite and infinite (no boundary within the limit). */
    public record MarginComparison(double[] dsv, double[] real, String realSource) {
    }

    // Properties
    @SuppressWarnings("unchecked")
    private final ObjectProperty<BoundaryImage>[] slots = new ObjectProperty[5];
    private final ObjectProperty<Integer> resolution = new SimpleObjectProperty<>(50);
    private final ObjectProperty<DecisionPlane.Window> viewWindow = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<DecisionPlane.Result> plane = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty planeProgress = new SimpleDoubleProperty();
    private final BooleanProperty planeBusy = new SimpleBooleanProperty();
    private final StringProperty planeMessage = new SimpleStringProperty();
    private final StringProperty planeStatus = new SimpleStringProperty("");
    private final StringProperty pathStatus = new SimpleStringProperty("");
    private final StringProperty marginStatus = new SimpleStringProperty("");
    private final ObjectProperty<List<String>> planeClassNames = new SimpleObjectProperty<>(List.of());

    private final IntegerProperty pathPoints = new SimpleIntegerProperty(101);
    private final ReadOnlyObjectWrapper<DecisionPath.Result> path = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty pathProgress = new SimpleDoubleProperty();
    private final BooleanProperty pathBusy = new SimpleBooleanProperty();
    private final StringProperty pathMessage = new SimpleStringProperty();
    private ModelCard pathCard;

    private final ObservableList<MarginRow> marginRows = FXCollections.observableArrayList();
    private final IntegerProperty realCount = new SimpleIntegerProperty(200);
    private final ReadOnlyObjectWrapper<MarginComparison> comparison = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty marginProgress = new SimpleDoubleProperty();
    private final BooleanProperty marginBusy = new SimpleBooleanProperty();
    private final StringProperty marginMessage = new SimpleStringProperty();
    private final ObservableList<BoundaryImage> dsvImages = FXCollections.observableArrayList();

    private final MainViewModel main;
    private final BoundaryService boundaries;
    private final DataService data;
    /** Margins already computed, per candidate object (a run's candidates are immutable). */
    private final Map<Candidate, Double> marginCache = new IdentityHashMap<>();
    /** The plane request: the latest one counts (see LatestRequest). */
    private final LatestRequest<DecisionPlane.Result> planeTask = LatestRequest.onFxThread();
    private int planeResolution;
    /** The path request: the latest one counts (see LatestRequest). */
    private final LatestRequest<DecisionPath.Result> pathTask = LatestRequest.onFxThread();
    private Computation<?> marginJob;
    private long marginRequest;
    private JobViewModel followed;
    private final ChangeListener<KktResult> onResult = (obs, old, r) -> fillFromRun();

    BoundaryViewModel(MainViewModel main, BoundaryService boundaries, DataService data) {
        this.main = main;
        this.boundaries = boundaries;
        this.data = data;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new SimpleObjectProperty<>();
        }
        main.jobs().selectedProperty().addListener((obs, old, job) -> follow(job));
        follow(main.jobs().selectedProperty().get());
        // the plane's and the path's request state, as the view reads it
        mirror(planeTask, planeBusy, planeProgress, planeMessage, planeStatus,
                () -> String.format(Locale.ROOT, "computing %d×%d cells…", planeResolution, planeResolution));
        mirror(pathTask, pathBusy, pathProgress, pathMessage, pathStatus, () -> "computing…");
    }

    /**
     * Copies a request's state into the properties the view reads: busy and progress as they are, the status line
     * cleared when it ends (a success sets its own right after) and "computing…" once it reports progress, a
     * failure into the message.
     */
    private static void mirror(LatestRequest<?> task, BooleanProperty busy, DoubleProperty progress,
            StringProperty message, StringProperty status, java.util.function.Supplier<String> computing) {
        task.busyProperty().addListener((obs, was, now) -> {
            busy.set(now);
            if (!now) {
                status.set("");
            }
        });
        task.progressProperty().addListener((obs, was, f) -> {
            progress.set(f.doubleValue());
            if (task.busyProperty().get() && f.doubleValue() > 0) {
                status.set(computing.get());
            }
        });
        task.failureProperty().addListener((obs, was, failure) -> {
            if (failure != null) {
                message.set(failure);
            }
        });
    }

    // ---------------------------------------------------------------- properties

    public ObjectProperty<BoundaryImage> slot(int i) {
        return slots[i];
    }

    public ObjectProperty<Integer> resolutionProperty() {
        return resolution;
    }

    /** The part of the plane the view shows: changes at once on zoom and pan, before the recomputed grid. */
    public ObjectProperty<DecisionPlane.Window> viewWindowProperty() {
        return viewWindow;
    }

    /** The last computed plane (its own window may differ from the view's while a new one is computed). */
    public ReadOnlyObjectProperty<DecisionPlane.Result> planeProperty() {
        return plane.getReadOnlyProperty();
    }

    /** What the plane computation is doing: waiting in the compute queue, computing, done in … s. */
    public StringProperty planeStatusProperty() {
        return planeStatus;
    }

    public StringProperty pathStatusProperty() {
        return pathStatus;
    }

    public StringProperty marginStatusProperty() {
        return marginStatus;
    }

    public List<String> planeClassNames() {
        return planeClassNames.get();
    }

    public DoubleProperty planeProgressProperty() {
        return planeProgress;
    }

    public BooleanProperty planeBusyProperty() {
        return planeBusy;
    }

    /** An inline message under the plane (an error, or why nothing is shown); null when all is well. */
    public StringProperty planeMessageProperty() {
        return planeMessage;
    }

    public IntegerProperty pathPointsProperty() {
        return pathPoints;
    }

    public ReadOnlyObjectProperty<DecisionPath.Result> pathProperty() {
        return path.getReadOnlyProperty();
    }

    /** The card of the model the shown path was computed with. */
    public ModelCard pathCard() {
        return pathCard;
    }

    public DoubleProperty pathProgressProperty() {
        return pathProgress;
    }

    public BooleanProperty pathBusyProperty() {
        return pathBusy;
    }

    public StringProperty pathMessageProperty() {
        return pathMessage;
    }

    /** The kept DSVs of the gallery's run, with their margins once computed. */
    public ObservableList<MarginRow> marginRows() {
        return marginRows;
    }

    /** The DSVs of the gallery's run as images to pick. */
    public ObservableList<BoundaryImage> dsvImages() {
        return dsvImages;
    }

    public IntegerProperty realCountProperty() {
        return realCount;
    }

    public ReadOnlyObjectProperty<MarginComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }

    public DoubleProperty marginProgressProperty() {
        return marginProgress;
    }

    public BooleanProperty marginBusyProperty() {
        return marginBusy;
    }

    public StringProperty marginMessageProperty() {
        return marginMessage;
    }

    /** The loaded model's card, or null. */
    ModelCard card() {
        Workbench.ModelSummary s = main.loadedProperty().get();
        return s == null ? null : s.card();
    }

    // ---------------------------------------------------------------- commands: images

    /** Puts an image into a slot ({@link #A} … {@link #PATH_END}). */
    public void setSlot(int slot, BoundaryImage image) {
        slots[slot].set(image);
    }

    /** A DSV of a run as an image to pick. */
    public static BoundaryImage ofCandidate(JobViewModel job, Candidate c) {
        return new BoundaryImage("DSV #" + c.index() + " · " + job.card().classNames().get(c.targetClass()),
                c.image01(), job.model().generation());
    }

    /** Image {@code index} of the attached data set as an image to pick. */
    public static BoundaryImage ofReal(Workbench.AttachedData data, int index) {
        int label = data.train().label(index);
        List<String> names = data.train().classNames();
        return new BoundaryImage(data.train().name() + " #" + index + " · " + (label < names.size() ? names.get(label) : label),
                data.train().image01(index), -1);
    }

    /** The indices of the attached data's images of class {@code cls}, in order. */
    public static int[] indicesOfClass(Workbench.AttachedData data, int cls) {
        int[] labels = data.train().labels();
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == cls).toArray();
    }

    private void follow(JobViewModel job) {
        if (followed != null) {
            followed.resultProperty().removeListener(onResult);
        }
        followed = job;
        if (job != null) {
            job.resultProperty().addListener(onResult);
        }
        fillFromRun();
    }

    private void fillFromRun() {
        KktResult r = followed == null ? null : followed.resultProperty().get();
        List<MarginRow> rows = new ArrayList<>();
        List<BoundaryImage> images = new ArrayList<>();
        if (r != null) {
            for (Candidate c : r.kept()) {
                MarginRow row = new MarginRow(c, followed.card().classNames().get(c.targetClass()));
                row.marginProperty().set(marginCache.get(c));
                rows.add(row);
                images.add(ofCandidate(followed, c));
            }
        }
        marginRows.setAll(rows);
        dsvImages.setAll(images);
        comparison.set(null);
    }

    /** The run the gallery shows (its kept candidates are the table's rows), or null. */
    public JobViewModel run() {
        return followed;
    }

    // ---------------------------------------------------------------- commands: plane

    /** Computes the plane through A, B, C in its default window (anchors changed, or "reset view"). */
    public void computePlane() {
        requestPlane(null);
    }

    /** Zooms the view by {@code factor} (> 1 in) keeping plane point (u, v) under the pointer, and recomputes. */
    public void zoom(double factor, double u, double v) {
        DecisionPlane.Window w = viewWindow.get();
        if (w == null) {
            return;
        }
        double cu = u + (w.centerU() - u) / factor;
        double cv = v + (w.centerV() - v) / factor;
        requestPlane(new DecisionPlane.Window(cu, cv, w.halfSize() / factor));
    }

    /** Shows the window moved by (du, dv) at once, without computing (while the mouse drags). */
    public void panBy(double du, double dv) {
        DecisionPlane.Window w = viewWindow.get();
        if (w != null) {
            viewWindow.set(w.centredAt(w.centerU() + du, w.centerV() + dv));
        }
    }

    /** Recomputes the view's window at the current resolution (after a pan, or a resolution change). */
    public void recompute() {
        if (viewWindow.get() == null) {
            computePlane();
        } else {
            requestPlane(viewWindow.get());
        }
    }

    /** An image file as pixels in [0, 1] at the model's input size (for an anchor or a path end). */
    public java.util.concurrent.CompletableFuture<float[]> readImage01(java.nio.file.Path file, ModelCard card) {
        return data.readImage01(file, card);
    }

    public void cancelPlane() {
        if (planeTask.busyProperty().get()) {
            planeTask.cancel();
            planeMessage.set("Cancelled: the plane shows the last finished grid.");
        }
    }

    private void requestPlane(DecisionPlane.Window window) {
        float[][] anchors = new float[3][];
        long generation = -1;
        for (int i = 0; i < 3; i++) {
            BoundaryImage image = slots[i].get();
            if (image == null) {
                planeTask.cancel();
                planeMessage.set("Pick three images first: anchor " + "ABC".charAt(i) + " is empty. Choose an image"
                        + " above and press \u201cA\u201d, \u201cB\u201d or \u201cC\u201d.");
                return;
            }
            anchors[i] = image.image01();
            generation = Math.max(generation, image.modelGeneration());
        }
        ModelCard card = card();
        if (card == null) {
            planeMessage.set("Open a model first.");
            return;
        }
        if (window != null) {
            viewWindow.set(window);
        }
        planeMessage.set(null);
        int res = resolution.get();
        planeResolution = res;
        long anchorsGeneration = generation;
        java.util.concurrent.atomic.AtomicLong startedAt = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        planeTask.start(progress -> {
            planeStatus.set(QUEUED);
            Computation<DecisionPlane.Result> job = boundaries.plane(anchors, res, window,
                    anchorsGeneration, f -> {
                        if (f == 0) {
                            startedAt.set(System.nanoTime()); // it left the queue
                        }
                        progress.accept(f);
                    });
            return new LatestRequest.Handle<>(job.result(), job::requestCancel);
        }, r -> {
            planeStatus.set(String.format(Locale.ROOT, "%d×%d cells in %.1f s", res, res,
                    (System.nanoTime() - startedAt.get()) / 1e9));
            planeClassNames.set(card.classNames());
            plane.set(r);
            if (window == null || viewWindow.get() == null) {
                viewWindow.set(r.window());
            }
        });
    }

    // ---------------------------------------------------------------- commands: path

    public void computePath() {
        BoundaryImage p = slots[PATH_START].get();
        BoundaryImage q = slots[PATH_END].get();
        if (p == null || q == null) {
            pathTask.cancel();
            pathMessage.set("Pick the path's " + (p == null ? "start" : "end") + " first: choose an image above and"
                    + " press \u201cStart\u201d or \u201cEnd\u201d.");
            return;
        }
        ModelCard card = card();
        if (card == null) {
            pathMessage.set("Open a model first.");
            return;
        }
        pathMessage.set(null);
        long generation = Math.max(p.modelGeneration(), q.modelGeneration());
        int points = pathPoints.get();
        pathTask.start(progress -> {
            pathStatus.set(QUEUED);
            Computation<DecisionPath.Result> job = boundaries.path(p.image01(), q.image01(), points,
                    generation, progress::accept);
            return new LatestRequest.Handle<>(job.result(), job::requestCancel);
        }, r -> {
            pathCard = card;
            path.set(r);
        });
    }

    public void cancelPath() {
        if (pathTask.busyProperty().get()) {
            pathTask.cancel();
            pathMessage.set("Cancelled.");
        }
    }

    // ---------------------------------------------------------------- commands: margins

    /**
     * The margin of every kept DSV of the gallery's run and of {@link #realCountProperty()} real images of the
     * attached data (test split when it has one), for the table and the histogram.
     */
    public void computeMargins() {
        if (marginJob != null) {
            marginJob.requestCancel();
        }
        long mine = ++marginRequest;
        JobViewModel job = followed;
        List<MarginRow> rows = List.copyOf(marginRows);
        if (job == null || rows.isEmpty()) {
            marginJob = null;
            marginBusy.set(false);
            marginMessage.set("No DSVs to measure: select a finished run (its DSVs fill the gallery) first.");
            return;
        }
        marginMessage.set(null);
        marginBusy.set(true);
        marginProgress.set(0);
        marginStatus.set("reading " + realCount.get() + " real images…");
        List<float[]> dsvImages01 = rows.stream().map(r -> r.candidate().image01()).toList();
        long generation = job.model().generation();
        data.realImages(realCount.get(), 1, job.card()).whenComplete((real, readFailure) -> Platform.runLater(() -> {
            if (mine != marginRequest) {
                return;
            }
            if (readFailure != null) {
                marginBusy.set(false);
                marginStatus.set("");
                marginMessage.set(MainViewModel.message(readFailure));
                return;
            }
            List<float[]> all = new ArrayList<>(dsvImages01);
            all.addAll(real.images01());
            marginStatus.set(QUEUED);
            Computation<double[]> computation = boundaries.margins(all, generation,
                    f -> Platform.runLater(() -> {
                        if (mine == marginRequest) {
                            marginProgress.set(f);
                            marginStatus.set(String.format(Locale.ROOT, "computing %d margins…", all.size()));
                        }
                    }));
            marginJob = computation;
            computation.result().whenComplete((d, failure) -> Platform.runLater(() -> {
                if (mine != marginRequest) {
                    return;
                }
                marginJob = null;
                marginBusy.set(false);
                marginStatus.set("");
                if (failure != null) {
                    if (!(cause(failure) instanceof CancellationException)) {
                        marginMessage.set(MainViewModel.message(failure));
                    }
                    return;
                }
                double[] dsv = java.util.Arrays.copyOf(d, rows.size());
                double[] realMargins = java.util.Arrays.copyOfRange(d, rows.size(), d.length);
                for (int i = 0; i < rows.size(); i++) {
                    marginCache.put(rows.get(i).candidate(), dsv[i]);
                    rows.get(i).marginProperty().set(dsv[i]);
                }
                comparison.set(new MarginComparison(dsv, realMargins, real.source()));
            }));
        }));
    }

    public void cancelMargins() {
        if (marginBusy.get()) {
            if (marginJob != null) {
                marginJob.requestCancel();
            }
            marginRequest++;
            marginJob = null;
            marginBusy.set(false);
            marginStatus.set("");
            marginMessage.set("Cancelled.");
        }
    }

    /**
     * The margin of one DSV of {@code job} for the gallery's detail pane: at once when known, else computed in
     * the background; {@code done} gets the text to show (on the FX thread).
     */
    public void marginOf(JobViewModel job, Candidate c, Consumer<String> done) {
        Double known = marginCache.get(c);
        if (known != null) {
            done.accept(marginText(known));
            return;
        }
        done.accept("computing…");
        boundaries.margins(List.of(c.image01()), job.model().generation(), null).result()
                .whenComplete((d, failure) -> Platform.runLater(() -> {
                    if (failure != null) {
                        done.accept("— (" + MainViewModel.message(failure) + ")");
                        return;
                    }
                    marginCache.put(c, d[0]);
                    for (MarginRow row : marginRows) {
                        if (row.candidate() == c) {
                            row.marginProperty().set(d[0]);
                        }
                    }
                    done.accept(marginText(d[0]));
                }));
    }

    /** A margin as shown: 3 significant digits in pixel-space L2, or "> 64" when no boundary was reached. */
    static String marginText(double margin) {
        return Double.isInfinite(margin)
                ? String.format(Locale.ROOT, "> %.0f (no boundary reached)", 64.0)
                : String.format(Locale.ROOT, "%.3g (pixel-space L2 along the gradient)", margin);
    }

    private static Throwable cause(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
