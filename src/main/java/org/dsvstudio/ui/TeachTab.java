package org.dsvstudio.ui;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.dsvstudio.teach.Lesson;
import org.dsvstudio.teach.Svm;
import org.dsvstudio.teach.ToyData;

import java.util.List;

/**
 * Teach: an SVM beside a deep network on 2-D data. Left, LIBSVM's decision regions, margins and circled support
 * vectors; right, the network's regions and DeepKKT's candidates moving from noise to where the network's weights
 * are explained (marker size = λ). A lesson walks through it stage by stage.
 */
final class TeachTab extends BorderPane {

    /** Each canvas's side: two fit beside the controls in a window of 1280 px with the side panels. */
    static final double SIZE = 220;
    private static final Color[] CLASS = {Color.web("#1f77b4"), Color.web("#ff7f0e"), Color.web("#2ca02c")};
    private static final Color[] REGION = {Color.web("#d6e6f4"), Color.web("#fde3cc"), Color.web("#d5efd5")};

    private final TeachViewModel vm;
    private final Canvas svmCanvas = new Canvas(SIZE, SIZE);
    private final Canvas netCanvas = new Canvas(SIZE, SIZE);
    private final Label caption = new Label();
    /** The stationarity ratio over DeepKKT's steps: how much of the weights is left unexplained (0 = none). */
    private final Canvas stationarity = new Canvas(SIZE, 56);
    /** The SVM's regions on a grid, computed once per SVM (LIBSVM is too slow to ask per pixel per frame). */
    /** The SVM's regions are drawn on this grid (TeachViewModel computes them in the background with the SVM). */
    static final int GRID = TeachViewModel.SVM_GRID;

    TeachTab(TeachViewModel vm) {
        this.vm = vm;
        setId("teachTab");
        svmCanvas.setId("teachSvmCanvas");
        netCanvas.setId("teachNetCanvas");
        setLeft(controls());
        VBox svmSide = new VBox(4, title("SVM (LIBSVM)"), note("sees the data · a click adds a point\n"
                + "(left / right / middle: class 0 / 1 / 2)"), svmCanvas);
        stationarity.setId("teachStationarity");
        VBox netSide = new VBox(4, title("Network + DeepKKT"), note("DeepKKT sees only the network,\nnot the data"),
                netCanvas,
                stationarity);
        HBox canvases = new HBox(18, svmSide, netSide);
        canvases.setPadding(new Insets(12));
        Label readouts = new Label();
        readouts.setId("teachReadouts");
        readouts.setTooltip(HelpTexts.tip(HelpTexts.TEACH_TIP));
        readouts.setWrapText(true);
        readouts.textProperty().bind(vm.readoutsProperty());
        Label status = new Label();
        status.setId("teachStatus");
        status.textProperty().bind(vm.statusProperty());
        caption.setId("teachCaption");
        caption.setWrapText(true);
        caption.getStyleClass().add("section-header");
        Button back = new Button("◀ Back");
        back.setId("teachBack");
        back.setOnAction(e -> vm.stageProperty().set(Math.max(0, vm.stageProperty().get() - 1)));
        Button next = new Button("Next ▶");
        next.setId("teachNext");
        next.setOnAction(e -> vm.stageProperty().set(Math.min(TeachViewModel.LAST_STAGE, vm.stageProperty().get() + 1)));
        Button start = new Button("Start the lesson");
        start.setId("teachLesson");
        start.setOnAction(e -> vm.stageProperty().set(0));
        back.disableProperty().bind(vm.stageProperty().isEqualTo(0));
        next.disableProperty().bind(vm.stageProperty().isEqualTo(TeachViewModel.LAST_STAGE));
        for (Button b : List.of(start, back, next)) {
            b.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox lesson = new HBox(8, start, back, next, caption);
        HBox.setHgrow(caption, Priority.ALWAYS);
        VBox center = new VBox(8, canvases, replayControls(), lesson, status, readouts);
        center.setPadding(new Insets(8, 12, 12, 12));
        ScrollPane scroll = new ScrollPane(center);
        scroll.setFitToWidth(true);
        setCenter(scroll);
        for (javafx.beans.Observable o : List.of(vm.dataProperty(), vm.svmProperty(), vm.frameProperty(),
                vm.resultProperty(), vm.stageProperty(), vm.overlayProperty(), vm.replayProperty(),
                vm.trainingGridProperty())) {
            o.addListener(x -> redraw());
        }
        redraw();
        // points clicked in: left button class 0, right class 1, middle class 2 (a context menu needs a modifier)
        svmCanvas.setOnMouseClicked(e -> {
            int cls = switch (e.getButton()) {
                case PRIMARY -> 0;
                case SECONDARY -> 1;
                case MIDDLE -> 2;
                default -> -1;
            };
            if (cls >= 0) {
                vm.addPoint(e.getX() / SIZE * 2 * ToyData.RANGE - ToyData.RANGE,
                        ToyData.RANGE - e.getY() / SIZE * 2 * ToyData.RANGE, cls);
            }
        });
        // hovering near a support vector shows its dual coefficient: how much it pulls on the boundary
        Tooltip hover = new Tooltip();
        hover.setShowDelay(javafx.util.Duration.millis(100));
        svmCanvas.setOnMouseMoved(e -> {
            Svm svm = vm.svmProperty().get();
            Svm.SupportVector near = null;
            double best = 9;
            if (svm != null && vm.stageProperty().get() >= 2) {
                for (Svm.SupportVector v : svm.supportVectors()) {
                    double d = Math.hypot(sx(v.point()[0]) - e.getX(), sy(v.point()[1]) - e.getY());
                    if (d < best) {
                        best = d;
                        near = v;
                    }
                }
            }
            if (near == null) {
                hover.hide();
            } else {
                hover.setText(String.format(java.util.Locale.ROOT, "support vector: point #%d at (%.2f, %.2f)%n"
                        + "dual coefficient y·α = %.3f%s", near.index(), near.point()[0], near.point()[1],
                        near.dualCoefficient(), Math.abs(near.dualCoefficient()) >= svm.c() * (1 - 1e-6)
                                ? " (at C: inside the margin or misclassified)" : " (on the margin)"));
                hover.show(svmCanvas, e.getScreenX() + 12, e.getScreenY() + 12);
            }
        });
        svmCanvas.setOnMouseExited(e -> hover.hide());
        // a right click here is a point of class 1, so this canvas has no copy/save menu (the network's has)
        svmCanvas.setAccessibleHelp("Click to add a point: left button class 0, right class 1, middle class 2.");
        ViewExport.install(netCanvas, "network view");
    }

    /** Play / pause / step / reset of the last run's DeepKKT frames, a speed slider, and the run as a GIF. */
    private VBox replayControls() {
        javafx.animation.Timeline timeline = new javafx.animation.Timeline();
        timeline.setCycleCount(javafx.animation.Animation.INDEFINITE);
        javafx.scene.control.Slider speed = new javafx.scene.control.Slider(1, 30, 8);
        speed.setId("teachSpeed");
        speed.setPrefWidth(90);
        speed.setTooltip(new Tooltip("Frames per second of the replay"));
        javafx.scene.control.ToggleButton play = new javafx.scene.control.ToggleButton("▶ Play");
        play.setId("teachPlay");
        Runnable restart = () -> {
            timeline.stop();
            timeline.getKeyFrames().setAll(new javafx.animation.KeyFrame(javafx.util.Duration.millis(
                    1000 / speed.getValue()), e -> {
                        if (!vm.step()) {
                            play.setSelected(false);
                        }
                    }));
            if (play.isSelected()) {
                timeline.play();
            }
        };
        play.selectedProperty().addListener((o, was, on) -> {
            play.setText(on ? "❚❚ Pause" : "▶ Play");
            restart.run();
        });
        speed.valueProperty().addListener((o, a, b) -> restart.run());
        Button step = new Button("Step");
        step.setId("teachStep");
        step.setOnAction(e -> vm.step());
        Button reset = new Button("Reset");
        reset.setOnAction(e -> {
            play.setSelected(false);
            vm.replayProperty().set(-1);
        });
        Button gif = new Button("Save as GIF…");
        gif.setId("teachGif");
        gif.setOnAction(e -> saveGif());
        Label at = new Label();
        at.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.replayProperty().get() < 0
                ? "end state" : "frame " + (vm.replayProperty().get() + 1) + " of " + vm.recorded().size(),
                vm.replayProperty(), vm.resultProperty()));
        for (javafx.scene.control.Control c : List.of(play, step, reset, gif)) {
            c.disableProperty().bind(vm.resultProperty().isNull());
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        vm.busyProperty().addListener((o, was, on) -> play.setSelected(false));
        at.setMinWidth(Region.USE_PREF_SIZE);
        Label speedLabel = new Label("speed");
        speedLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox buttons = new HBox(8, play, step, reset, speedLabel, speed);
        buttons.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox where = new HBox(8, gif, at);
        where.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return new VBox(6, buttons, where);
    }

    /** Every recorded frame drawn on the network's canvas, as a looping GIF (FX thread: drawing and snapshots). */
    private void saveGif() {
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle("Save DeepKKT's run as an animated GIF");
        chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("GIF", "*.gif"));
        chooser.setInitialFileName("deepkkt-" + vm.dataProperty().get().name().replaceAll("[^A-Za-z0-9-]+", "-")
                + ".gif");
        java.io.File f = chooser.showSaveDialog(getScene().getWindow());
        if (f != null) {
            try {
                writeGif(f.toPath());
                vm.statusProperty().set("Saved the run as " + f.getName());
            } catch (java.io.IOException | RuntimeException ex) {
                vm.statusProperty().set("could not write " + f + ": " + ex.getMessage());
            }
        }
    }

    /** The animation: each recorded frame, then the end state held for a second. */
    void writeGif(java.nio.file.Path file) throws java.io.IOException {
        int keep = vm.replayProperty().get();
        List<java.awt.image.BufferedImage> images = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < vm.recorded().size(); i++) {
                vm.replayProperty().set(i);
                images.add(javafx.embed.swing.SwingFXUtils.fromFXImage(netCanvas.snapshot(null, null), null));
            }
            vm.replayProperty().set(-1);
            java.awt.image.BufferedImage last = javafx.embed.swing.SwingFXUtils.fromFXImage(netCanvas.snapshot(null,
                    null), null);
            for (int i = 0; i < 10; i++) {
                images.add(last);
            }
        } finally {
            vm.replayProperty().set(keep);
        }
        org.dsvstudio.model.AtomicFiles.write(file, org.dsvstudio.report.AnimatedGif.of(images, 100));
    }

    /** Two lines under a canvas's title, the same height on both sides so the canvases line up. */
    private static Label note(String text) {
        Label l = new Label(text);
        l.setMaxWidth(SIZE);
        l.setWrapText(true);
        l.setStyle("-fx-font-size: 0.9em;");
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label title(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-header");
        return l;
    }

    private VBox controls() {
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        int row = 0;
        ChoiceBox<String> kind = new ChoiceBox<>(FXCollections.observableArrayList(ToyData.KINDS));
        kind.setId("teachData");
        kind.valueProperty().bindBidirectional(vm.kindProperty());
        g.addRow(row++, new Label("Data"), kind);
        Spinner<Integer> points = intSpinner(20, 2000, vm.pointsProperty(), 20);
        g.addRow(row++, new Label("Points"), points);
        Spinner<Double> noise = new Spinner<>(0.0, 1.0, vm.noiseProperty().get(), 0.05);
        noise.setPrefWidth(84);
        noise.valueProperty().addListener((o, a, b) -> vm.noiseProperty().set(b));
        g.addRow(row++, new Label("Noise"), noise);
        Spinner<Integer> seed = intSpinner(0, 1_000_000, vm.seedProperty(), 1);
        seed.setId("teachSeed");
        g.addRow(row++, new Label("Seed"), seed);
        ChoiceBox<Integer> classes = new ChoiceBox<>(FXCollections.observableArrayList(2, 3));
        classes.setValue(2);
        classes.valueProperty().addListener((o, a, b) -> vm.classesProperty().set(b));
        classes.setTooltip(new Tooltip("Three classes for blobs; the other data sets have two."));
        g.addRow(row++, new Label("Classes"), classes);
        g.addRow(row++, section("SVM"));
        ChoiceBox<Svm.Kernel> kernel = new ChoiceBox<>(FXCollections.observableArrayList(Svm.Kernel.values()));
        kernel.valueProperty().bindBidirectional(vm.kernelProperty());
        g.addRow(row++, new Label("Kernel"), kernel);
        Spinner<Double> c = new Spinner<>(0.01, 1000.0, vm.cProperty().get(), 0.5);
        c.setPrefWidth(84);
        c.setTooltip(new Tooltip("C: how much a point inside the street costs. Large C: a narrow street, few errors."));
        c.valueProperty().addListener((o, a, b) -> vm.cProperty().set(b));
        g.addRow(row++, new Label("C"), c);
        Spinner<Double> gamma = new Spinner<>(0.01, 100.0, vm.gammaProperty().get(), 0.25);
        gamma.setPrefWidth(84);
        gamma.setTooltip(new Tooltip("γ of the RBF kernel: large γ, a wigglier boundary."));
        gamma.valueProperty().addListener((o, a, b) -> vm.gammaProperty().set(b));
        g.addRow(row++, new Label("γ"), gamma);
        g.addRow(row++, section("Network"));
        Spinner<Integer> width = intSpinner(2, 256, vm.widthProperty(), 2);
        g.addRow(row++, new Label("Width"), width);
        ChoiceBox<Double> decay = new ChoiceBox<>(FXCollections.observableArrayList(1e-3, 5e-3, 1e-2, 5e-2));
        decay.valueProperty().bindBidirectional(vm.weightDecayProperty());
        decay.setTooltip(new Tooltip("Weight decay μ: DeepKKT assumes the weights sit at a stationary point of the"
                + " weight-decayed loss."));
        g.addRow(row++, new Label("Weight decay"), decay);
        Spinner<Integer> epochs = intSpinner(10, 2000, vm.epochsProperty(), 10);
        epochs.setId("teachEpochs");
        g.addRow(row++, new Label("Epochs"), epochs);
        g.addRow(row++, section("DeepKKT"));
        Spinner<Integer> perClass = intSpinner(1, 100, vm.perClassProperty(), 1);
        g.addRow(row++, new Label("Per class"), perClass);
        Spinner<Integer> steps = intSpinner(10, 5000, vm.stepsProperty(), 50);
        steps.setId("teachSteps");
        g.addRow(row++, new Label("Steps"), steps);
        Button run = new Button("Run");
        run.setId("teachRun");
        run.setDefaultButton(true);
        run.disableProperty().bind(vm.busyProperty());
        run.setOnAction(e -> vm.run());
        Button cancel = new Button("Cancel");
        cancel.disableProperty().bind(vm.busyProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        CheckBox overlay = new CheckBox("SVM's support vectors\non the network's side");
        overlay.setId("teachOverlay");
        overlay.selectedProperty().bindBidirectional(vm.overlayProperty());
        Button load = new Button("Load CSV…");
        load.setOnAction(e -> {
            javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
            chooser.setTitle("Load 2-D points (x,y,class per line)");
            chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("CSV", "*.csv", "*.txt"));
            java.io.File f = chooser.showOpenDialog(getScene().getWindow());
            if (f != null) {
                try {
                    vm.load(ToyData.readCsv(f.toPath()));
                } catch (java.io.IOException ex) {
                    vm.statusProperty().set(ex.getMessage());
                }
            }
        });
        Button save = new Button("Save CSV…");
        save.setOnAction(e -> {
            javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
            chooser.setTitle("Save these points as x,y,class lines");
            chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("CSV", "*.csv"));
            chooser.setInitialFileName("points.csv");
            java.io.File f = chooser.showSaveDialog(getScene().getWindow());
            if (f != null && vm.dataProperty().get() != null) {
                try {
                    vm.dataProperty().get().writeCsv(f.toPath());
                } catch (java.io.IOException ex) {
                    vm.statusProperty().set("could not write " + f + ": " + ex.getMessage());
                }
            }
        });
        VBox box = new VBox(10, g, new HBox(6, load, save), new HBox(8, run, cancel), overlay);
        box.setPadding(new Insets(10, 4, 10, 10));
        box.setMinWidth(Region.USE_PREF_SIZE);
        return box;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-header");
        return l;
    }

    private static Spinner<Integer> intSpinner(int min, int max, int value, int step) {
        Spinner<Integer> s = new Spinner<>(min, max, value, step);
        s.setEditable(true);
        s.setPrefWidth(84);
        return s;
    }

    /** A spinner and a view-model property that follow each other (a lesson or a test may set either). */
    private static Spinner<Integer> intSpinner(int min, int max, javafx.beans.property.IntegerProperty p, int step) {
        Spinner<Integer> s = intSpinner(min, max, p.get(), step);
        s.valueProperty().addListener((o, a, b) -> p.set(b));
        p.addListener((o, a, b) -> s.getValueFactory().setValue(b.intValue()));
        return s;
    }

    private static double sx(double x) {
        return (x + ToyData.RANGE) / (2 * ToyData.RANGE) * SIZE;
    }

    private static double sy(double y) {
        return (ToyData.RANGE - y) / (2 * ToyData.RANGE) * SIZE;
    }

    private void redraw() {
        int stage = vm.stageProperty().get();
        caption.setText(stage == TeachViewModel.LAST_STAGE && vm.resultProperty().get() == null
                ? "Press Run: the network is trained, then DeepKKT looks for its support vectors."
                : TeachViewModel.STAGES.get(stage));
        drawSvm(stage);
        drawNet(stage);
        drawStationarity();
    }

    private void drawSvm(int stage) {
        GraphicsContext g = svmCanvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, SIZE, SIZE);
        Svm svm = vm.svmProperty().get();
        ToyData data = vm.dataProperty().get();
        if (svm != null && stage >= 1) {
            Svm.Regions regions = svm.regions(GRID);
            int[] svmClasses = regions.classes();
            double[] svmGrid = regions.decision();
            double cell = SIZE / GRID;
            for (int r = 0; r < GRID; r++) {
                for (int c = 0; c < GRID; c++) {
                    g.setFill(REGION[svmClasses[r * GRID + c] % REGION.length]);
                    g.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
                }
            }
            // boundary (f = 0) and margins (f = ±1): cells where f crosses the level
            for (int r = 0; r + 1 < GRID; r++) {
                for (int c = 0; c + 1 < GRID; c++) {
                    double f = svmGrid[r * GRID + c];
                    double right = svmGrid[r * GRID + c + 1];
                    double down = svmGrid[(r + 1) * GRID + c];
                    if (crosses(f, right, 0) || crosses(f, down, 0)) {
                        g.setFill(Color.web("#222222"));
                        g.fillRect(c * cell + cell / 2 - 1, r * cell + cell / 2 - 1, 2.4, 2.4);
                    } else if (((r + c) % 2 == 0) && (crosses(f, right, 1) || crosses(f, down, 1)
                            || crosses(f, right, -1) || crosses(f, down, -1))) {
                        g.setFill(Color.web("#666666"));
                        g.fillRect(c * cell + cell / 2 - 0.8, r * cell + cell / 2 - 0.8, 1.6, 1.6);
                    }
                }
            }
        }
        drawData(g, data, 1.0);
        if (svm != null && stage >= 2) {
            g.setStroke(Color.BLACK);
            g.setLineWidth(1.6);
            for (Svm.SupportVector v : svm.supportVectors()) {
                g.strokeOval(sx(v.point()[0]) - 7, sy(v.point()[1]) - 7, 14, 14);
            }
        }
        frame(g);
    }

    private static boolean crosses(double a, double b, double level) {
        return (a - level) * (b - level) < 0;
    }


    private void drawNet(int stage) {
        GraphicsContext g = netCanvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, SIZE, SIZE);
        Lesson.Result result = vm.resultProperty().get();
        Lesson.Frame live = vm.trainingGridProperty().get();
        // the end state's regions, or while the network trains, its regions so far
        int n = result != null ? result.resolution() : live != null && live.gridClasses() != null
                ? live.gridResolution() : 0;
        int[] regionClasses = result != null ? result.netClasses() : n > 0 ? live.gridClasses() : null;
        float[] regionConfidence = result != null ? result.netConfidence() : n > 0 ? live.gridConfidence() : null;
        if (regionClasses != null && stage >= 3) {
            double cell = SIZE / n;
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    int k = regionClasses[r * n + c];
                    double conf = regionConfidence[r * n + c];
                    g.setFill(REGION[k % REGION.length].interpolate(Color.WHITE, Math.max(0, 1 - (conf - 0.5) * 2)
                            * 0.7));
                    g.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
                    boolean edge = (c + 1 < n && regionClasses[r * n + c + 1] != k)
                            || (r + 1 < n && regionClasses[(r + 1) * n + c] != k);
                    if (edge) {
                        g.setFill(Color.web("#222222"));
                        g.fillRect(c * cell + cell / 2 - 1, r * cell + cell / 2 - 1, 2.4, 2.4);
                    }
                }
            }
        }
        // the data is what the network was trained on: shown faintly, DeepKKT never sees it
        drawData(g, vm.dataProperty().get(), 0.3);
        Svm svm = vm.svmProperty().get();
        if (svm != null && (vm.overlayProperty().get() || stage == TeachViewModel.LAST_STAGE && result != null)
                && stage >= 2) {
            g.setStroke(Color.gray(0.2));
            g.setLineWidth(1.2);
            for (Svm.SupportVector v : svm.supportVectors()) {
                g.strokeOval(sx(v.point()[0]) - 7, sy(v.point()[1]) - 7, 14, 14);
            }
        }
        if (stage >= 4) {
            // a replayed frame, else the end state, else the live frame
            List<Lesson.Frame> frames = vm.replayProperty().get() >= 0 ? vm.recorded() : List.of();
            Lesson.Frame shown = vm.replayProperty().get() >= 0 && vm.replayProperty().get() < frames.size()
                    ? frames.get(vm.replayProperty().get()) : result == null ? vm.frameProperty().get() : null;
            double[][] pts = shown != null ? shown.points() : result != null ? result.dsvPoints() : null;
            double[] lambda = shown != null ? shown.lambda() : result != null ? result.lambdas() : null;
            boolean[] removed = shown != null ? shown.removed() : result != null ? result.removed() : null;
            if (pts != null && pts.length > 0 && lambda != null) {
                double max = 1e-12;
                for (double l : lambda) {
                    max = Math.max(max, l);
                }
                for (int i = 0; i < pts.length; i++) {
                    double size = 6 + 12 * Math.sqrt(Math.max(0, lambda[i]) / max);
                    boolean gone = removed != null && removed[i];
                    g.setGlobalAlpha(gone ? 0.25 : 1);
                    g.setFill(Color.web("#d62728"));
                    g.fillRect(sx(pts[i][0]) - size / 2, sy(pts[i][1]) - size / 2, size, size);
                    g.setStroke(Color.WHITE);
                    g.setLineWidth(1);
                    g.strokeRect(sx(pts[i][0]) - size / 2, sy(pts[i][1]) - size / 2, size, size);
                    g.setGlobalAlpha(1);
                }
            }
        }
        frame(g);
    }

    private void drawStationarity() {
        GraphicsContext g = stationarity.getGraphicsContext2D();
        double w = stationarity.getWidth();
        double h = stationarity.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        List<Lesson.Frame> frames = vm.recorded();
        g.setFill(Color.gray(0.35));
        g.setFont(javafx.scene.text.Font.font(10));
        g.fillText("stationarity ÷ its λ = 0 value", 4, 11);
        if (frames.size() < 2) {
            return;
        }
        double top = 16;
        double plotH = h - top - 4;
        // the 0.5 line: below it the condition counts as approximately met
        g.setStroke(Color.gray(0.75));
        g.setLineDashes(3, 3);
        g.strokeLine(0, top + plotH * 0.5, w, top + plotH * 0.5);
        g.setLineDashes();
        g.setStroke(Color.web("#d62728"));
        g.setLineWidth(1.5);
        g.beginPath();
        for (int i = 0; i < frames.size(); i++) {
            double v = Math.max(0, Math.min(1, frames.get(i).stationarityRatio()));
            double x = w * i / (frames.size() - 1);
            double y = top + plotH * (1 - v);
            if (i == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
        int at = vm.replayProperty().get();
        if (at >= 0 && at < frames.size()) {
            double x = w * at / (frames.size() - 1);
            g.setStroke(Color.gray(0.2));
            g.setLineWidth(1);
            g.strokeLine(x, top, x, top + plotH);
        }
        g.setStroke(Color.gray(0.6));
        g.setLineWidth(1);
        g.strokeRect(0.5, 0.5, w - 1, h - 1);
    }

    private static void drawData(GraphicsContext g, ToyData data, double alpha) {
        if (data == null) {
            return;
        }
        g.setGlobalAlpha(alpha);
        for (int i = 0; i < data.size(); i++) {
            g.setFill(CLASS[data.labels()[i] % CLASS.length]);
            g.fillOval(sx(data.points()[i][0]) - 3.5, sy(data.points()[i][1]) - 3.5, 7, 7);
        }
        g.setGlobalAlpha(1);
    }

    private static void frame(GraphicsContext g) {
        g.setStroke(Color.gray(0.6));
        g.setLineWidth(1);
        g.strokeRect(0.5, 0.5, SIZE - 1, SIZE - 1);
    }
}
