package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.Computation;
import org.dsvstudio.app.Saliency;
import org.dsvstudio.app.ExplainService;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.model.ModelCard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * State of the Explain tab: the image (a file or a DSV) prepared for the loaded model, the method, its settings and
 * the target ("why A", optionally "rather than B"), the heat map of the current choice (recomputed on every change,
 * a new request superseding the one before), and the grid of all methods (on demand, each cell as it is ready).
 * All compute goes through the {@link Workbench}; results come back with {@code Platform.runLater}. FX thread only.
 */
public final class ExplainViewModel {

    /** Class index meaning "the predicted class" (A) or "no contrast" (B). */
    public static final int NONE = -1;

    // Properties
    private final ObjectProperty<Saliency.Source> source = new SimpleObjectProperty<>();
    private final ObjectProperty<Saliency.Prepared> prepared = new SimpleObjectProperty<>();
    private final ObjectProperty<Saliency.Method> method = new SimpleObjectProperty<>(Saliency.Method.GRADIENT);
    private final ObjectProperty<Saliency.Settings> settings = new SimpleObjectProperty<>(Saliency.Settings.defaults());
    private final IntegerProperty classA = new SimpleIntegerProperty(NONE);
    private final IntegerProperty classB = new SimpleIntegerProperty(NONE);
    private final ObjectProperty<Saliency.MapResult> map = new SimpleObjectProperty<>();
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty();
    private final ObservableList<Saliency.MapResult> grid = FXCollections.observableArrayList();
    private final IntegerProperty gridTotal = new SimpleIntegerProperty();
    private final BooleanProperty gridBusy = new SimpleBooleanProperty();
    private final DoubleProperty gridProgress = new SimpleDoubleProperty();
    private final StringProperty gridStatus = new SimpleStringProperty("");

    private final ExplainService explanations;
    private final ReadOnlyObjectProperty<Workbench.ModelSummary> loaded;
    /** Bumped per request, so a late answer to an older one is dropped. */
    private long prepareRequest;
    private long mapRequest;
    private long gridRequest;
    private Computation<List<Saliency.MapResult>> mapRun;
    private Computation<List<Saliency.MapResult>> gridRun;
    /** True while a new image's answer adjusts the choices: one compute at the end, not one per change. */
    private boolean adjusting;

    ExplainViewModel(ExplainService explanations, ReadOnlyObjectProperty<Workbench.ModelSummary> loaded) {
        this.explanations = explanations;
        this.loaded = loaded;
        loaded.addListener((obs, old, summary) -> {
            if (summary != null && source.get() != null) {
                prepare(source.get());
            }
        });
        method.addListener((obs, old, m) -> compute());
        settings.addListener((obs, old, s) -> compute());
        classA.addListener((obs, old, c) -> compute());
        classB.addListener((obs, old, c) -> compute());
    }

    public ObjectProperty<Saliency.Source> sourceProperty() {
        return source;
    }

    /** The image prepared for the loaded model, or null. */
    public ObjectProperty<Saliency.Prepared> preparedProperty() {
        return prepared;
    }

    public ObjectProperty<Saliency.Method> methodProperty() {
        return method;
    }

    public ObjectProperty<Saliency.Settings> settingsProperty() {
        return settings;
    }

    /** The class to explain, or {@link #NONE} for the predicted one. */
    public IntegerProperty classAProperty() {
        return classA;
    }

    /** The class to contrast with ("A rather than B"), or {@link #NONE}. */
    public IntegerProperty classBProperty() {
        return classB;
    }

    /** The heat map of the current choice, or null while none is ready. */
    public ObjectProperty<Saliency.MapResult> mapProperty() {
        return map;
    }

    /** True while the current map (or the image) is being computed. */
    public BooleanProperty busyProperty() {
        return busy;
    }

    /** What went wrong with the image or the last map (shown inline), or null. */
    public StringProperty messageProperty() {
        return message;
    }

    /** The grid's maps in the order they arrived. */
    public ObservableList<Saliency.MapResult> grid() {
        return grid;
    }

    /** How many cells the grid will have. */
    public IntegerProperty gridTotalProperty() {
        return gridTotal;
    }

    public BooleanProperty gridBusyProperty() {
        return gridBusy;
    }

    public DoubleProperty gridProgressProperty() {
        return gridProgress;
    }

    public StringProperty gridStatusProperty() {
        return gridStatus;
    }

    /** Whether the chosen method can explain "A rather than B". */
    public boolean contrastAvailable() {
        return method.get().supportsContrast();
    }

    /** The class A really explained: the chosen one, or the predicted one. */
    public int effectiveClassA() {
        Saliency.Prepared p = prepared.get();
        return classA.get() != NONE || p == null ? classA.get() : p.predicted();
    }

    // Commands

    /** Explains an image file (read and resized to the loaded model's input). */
    public void openImage(Path file) {
        prepare(Saliency.Source.file(file));
    }

    /** Explains an image in pixel space [0,1] made for a model with {@code card}, e.g. a DSV. */
    public void showImage(String title, float[] image01, ModelCard card) {
        prepare(Saliency.Source.image(title, image01, card));
    }

    private void prepare(Saliency.Source s) {
        long mine = ++prepareRequest;
        ++mapRequest; // a map of the image before arriving now is dropped
        source.set(s);
        cancelMap();
        cancelGrid();
        if (loaded.get() == null) {
            message.set("Open a model first: the image is explained with the loaded model.");
            return;
        }
        busy.set(true);
        message.set(null);
        explanations.prepareExplain(s).whenComplete((p, failure) -> Platform.runLater(() -> {
            if (mine != prepareRequest) {
                return;
            }
            busy.set(false);
            if (failure != null) {
                Saliency.Prepared before = prepared.get();
                Workbench.ModelSummary now = loaded.get();
                if (before != null && now != null && before.generation() == now.generation()
                        && before.source() != s) {
                    // keep showing the image before, which still fits the loaded model
                    source.set(before.source());
                    compute();
                } else {
                    prepared.set(null);
                    map.set(null);
                    clearGrid("");
                }
                message.set("Cannot explain " + s.title() + ": " + MainViewModel.message(failure));
                return;
            }
            adjusting = true;
            int k = p.card().numClasses();
            if (classA.get() >= k) {
                classA.set(NONE);
            }
            if (classB.get() >= k) {
                classB.set(NONE);
            }
            if (method.get() == Saliency.Method.GRAD_CAM && !p.gradCamAvailable()) {
                method.set(Saliency.Method.GRADIENT);
            }
            Saliency.Settings st = settings.get();
            if (st.layer() != null && !p.layers().contains(st.layer())) {
                settings.set(st.withLayer(null));
            }
            prepared.set(p);
            adjusting = false;
            clearGrid("Compare all methods for this image and target: press \"All methods\".");
            compute();
        }));
    }

    /** Computes the map of the current choice, superseding any map still in progress. */
    public void compute() {
        Saliency.Prepared p = prepared.get();
        if (adjusting) {
            return;
        }
        cancelMap();
        if (p == null) {
            return;
        }
        long mine = ++mapRequest;
        Saliency.Request r = request(method.get());
        busy.set(true);
        message.set(null);
        Computation<List<Saliency.MapResult>> run = explanations.explain(p, List.of(r), m -> { });
        mapRun = run;
        run.result().whenComplete((maps, failure) -> Platform.runLater(() -> {
            if (mine != mapRequest) {
                return;
            }
            busy.set(false);
            mapRun = null;
            if (failure != null) {
                if (!cancelled(failure)) {
                    message.set(r.method().label() + " failed: " + MainViewModel.message(failure));
                }
                return;
            }
            map.set(maps.get(0));
        }));
    }

    /** Computes every method available for this image and target, one after another; cells arrive as ready. */
    public void computeGrid() {
        Saliency.Prepared p = prepared.get();
        cancelGrid();
        if (p == null) {
            message.set("Open an image first (File → Explain image…, or drop one on this tab).");
            return;
        }
        long mine = ++gridRequest;
        List<Saliency.Request> requests = new ArrayList<>();
        for (Saliency.Method m : Saliency.Method.values()) {
            if (m != Saliency.Method.GRAD_CAM || p.gradCamAvailable()) {
                requests.add(request(m));
            }
        }
        grid.clear();
        gridTotal.set(requests.size());
        gridProgress.set(0);
        gridBusy.set(true);
        gridStatus.set("Computing " + requests.get(0).method().label() + " (1 of " + requests.size() + ")…");
        Computation<List<Saliency.MapResult>> run = explanations.explain(p, requests, m -> Platform.runLater(() -> {
            if (mine != gridRequest) {
                return;
            }
            grid.add(m);
            gridProgress.set((double) grid.size() / requests.size());
            if (grid.size() < requests.size()) {
                gridStatus.set("Computing " + requests.get(grid.size()).method().label() + " (" + (grid.size() + 1)
                        + " of " + requests.size() + ")…");
            }
        }));
        gridRun = run;
        run.result().whenComplete((maps, failure) -> Platform.runLater(() -> {
            if (mine != gridRequest) {
                return;
            }
            gridBusy.set(false);
            gridRun = null;
            if (failure == null) {
                gridStatus.set(p.gradCamAvailable() ? "All " + maps.size() + " methods"
                        : "All " + maps.size() + " methods (Grad-CAM needs a built-in network)");
            } else if (cancelled(failure)) {
                gridStatus.set(String.format(Locale.ROOT, "Cancelled after %d of %d", grid.size(), requests.size()));
            } else {
                gridStatus.set("Stopped: " + MainViewModel.message(failure));
            }
        }));
    }

    /** Stops the grid after the batch in progress. */
    public void cancelGrid() {
        if (gridRun != null) {
            gridRun.requestCancel();
        }
    }

    private void cancelMap() {
        if (mapRun != null) {
            mapRun.requestCancel();
            mapRun = null;
        }
    }

    private void clearGrid(String status) {
        ++gridRequest;
        gridRun = null;
        grid.clear();
        gridTotal.set(0);
        gridBusy.set(false);
        gridProgress.set(0);
        gridStatus.set(status);
    }

    private Saliency.Request request(Saliency.Method m) {
        int b = classB.get();
        int a = effectiveClassA();
        // B = A (e.g. "predicted" chosen as A and the same class as B) cannot be contrasted: explain A alone
        if (b == a || (!m.supportsContrast() && m == method.get())) {
            b = NONE;
        }
        return new Saliency.Request(m, a, b, settings.get());
    }

    private static boolean cancelled(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c instanceof CancellationException;
    }
}
