package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.stage.FileChooser;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.explain.DecisionPath;
import org.dsvstudio.explain.DecisionPlane;
import org.dsvstudio.model.ModelCard;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The Boundaries tab: pick images (a DSV of the gallery run, a real image of the attached data, an image file)
 * as the anchors of a plane or the ends of a path; the plane as a class map (wheel zooms, drag pans, hover
 * tells class and confidence); the class probabilities along the path with the images where the class changes;
 * the DSVs' margins against real images'.
 */
public final class BoundaryTab extends BorderPane {

    private static final double SLOT_SIZE = 56;
    /** Rendered plane side in pixels, about (the view scales it). */
    private static final double RENDER_SIDE = 720;

    private final MainViewModel main;
    private final BoundaryViewModel vm;
    private final BiConsumer<String, String> onError;
    private final SimpleObjectProperty<BoundaryViewModel.BoundaryImage> picked = new SimpleObjectProperty<>();
    private final TabPane views = new TabPane();
    private final Tab planeTab;
    private final Tab pathTab;
    private final Tab marginTab;

    // plane
    private final PlaneView planeView = new PlaneView();
    private final VBox legend = new VBox(4);
    private final Label hover = new Label(" ");
    private long rendered;
    private double[] pressed;
    private boolean dragged;

    // path
    private final NumberAxis pathX = new NumberAxis(0, 1, 0.1);
    private final NumberAxis pathY = new NumberAxis(0, 1, 0.1);
    private final LineChart<Number, Number> pathChart = new LineChart<>(pathX, pathY);
    private final FlowPane pathLegend = new FlowPane(12, 4);
    private final FlowPane crossings = new FlowPane(10, 8);

    // margins
    private final TableView<BoundaryViewModel.MarginRow> table = new TableView<>();
    private final CategoryAxis binAxis = new CategoryAxis();
    private final NumberAxis shareAxis = new NumberAxis();
    private final BarChart<String, Number> histogram = new BarChart<>(binAxis, shareAxis);
    private final Label marginSummary = new Label();

    BoundaryTab(MainViewModel main, BiConsumer<String, String> onError) {
        ViewExport.install(planeView, "decision plane", onError);
        ViewExport.install(pathChart, "decision path", onError, () -> {
            BoundaryViewModel b = main.boundary();
            org.dsvstudio.explain.DecisionPath.Result r = b.pathProperty().get();
            return r == null || b.card() == null ? null : org.dsvstudio.report.ChartFigures.path(r.t(),
                    r.probabilities(), b.card().classNames(), r.crossings().stream()
                            .mapToDouble(org.dsvstudio.explain.DecisionPath.Crossing::t).toArray(),
                    "Class probabilities from P to Q");
        });
        ViewExport.install(histogram, "margins histogram", onError, () -> {
            BoundaryViewModel.MarginComparison m = main.boundary().comparisonProperty().get();
            return m == null ? null : org.dsvstudio.report.ChartFigures.margins(m.dsv(), m.real(), m.realSource());
        });
        this.main = main;
        this.vm = main.boundary();
        this.onError = onError;
        setId("boundaryTab");
        getStylesheets().add(BoundaryTab.class.getResource("/org/dsvstudio/ui/boundary.css").toExternalForm());
        setTop(buildPicker());
        planeTab = new Tab("Plane", buildPlane());
        planeTab.setId("tabPlane");
        pathTab = new Tab("Path", buildPath());
        pathTab.setId("tabPath");
        marginTab = new Tab("Margins", buildMargins());
        marginTab.setId("tabMargins");
        views.getTabs().addAll(planeTab, pathTab, marginTab);
        views.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        views.setId("boundaryViews");
        setCenter(views);
    }

    // ---------------------------------------------------------------- picking images

    private Node buildPicker() {
        ComboBox<BoundaryViewModel.BoundaryImage> dsv = new ComboBox<>(vm.dsvImages());
        dsv.setId("pickDsv");
        dsv.setPromptText("DSV of the gallery run");
        dsv.setPrefWidth(180);
        dsv.setTooltip(new Tooltip("The kept DSVs of the run the gallery shows"));
        dsv.disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(vm.dsvImages()));
        dsv.valueProperty().addListener((obs, old, image) -> {
            if (image != null) {
                pick(image);
            }
        });

        ComboBox<String> cls = new ComboBox<>();
        cls.setId("pickClass");
        cls.setPromptText("class");
        cls.setPrefWidth(125);
        Spinner<Integer> index = new Spinner<>(0, 0, 0);
        index.setId("pickIndex");
        index.setEditable(true);
        index.setPrefWidth(80);
        index.setTooltip(new Tooltip("Which image of the class (0 = the first in the data set)"));
        Button random = new Button("Random");
        random.setId("pickRandom");
        Random rng = new Random();
        Runnable showReal = () -> {
            Workbench.AttachedData data = main.dataProperty().get();
            int c = cls.getSelectionModel().getSelectedIndex();
            if (data == null || c < 0) {
                return;
            }
            int[] members = BoundaryViewModel.indicesOfClass(data, c);
            if (members.length == 0) {
                return;
            }
            int k = Math.max(0, Math.min(members.length - 1, index.getValue() == null ? 0 : index.getValue()));
            pick(BoundaryViewModel.ofReal(data, members[k]));
        };
        cls.getSelectionModel().selectedIndexProperty().addListener((obs, old, c) -> {
            Workbench.AttachedData data = main.dataProperty().get();
            if (data != null && c.intValue() >= 0) {
                int n = BoundaryViewModel.indicesOfClass(data, c.intValue()).length;
                index.setValueFactory(new javafx.scene.control.SpinnerValueFactory.IntegerSpinnerValueFactory(0,
                        Math.max(0, n - 1), 0));
                showReal.run();
            }
        });
        index.valueProperty().addListener((o, was, now) -> showReal.run());
        random.setOnAction(e -> {
            Workbench.AttachedData data = main.dataProperty().get();
            if (data == null) {
                return;
            }
            if (cls.getSelectionModel().getSelectedIndex() < 0) {
                cls.getSelectionModel().select(rng.nextInt(data.train().numClasses()));
            }
            int n = BoundaryViewModel.indicesOfClass(data, cls.getSelectionModel().getSelectedIndex()).length;
            index.getValueFactory().setValue(rng.nextInt(Math.max(1, n)));
        });
        Runnable fillClasses = () -> {
            Workbench.AttachedData data = main.dataProperty().get();
            cls.getItems().setAll(data == null ? List.of() : data.train().classNames());
            cls.setPromptText(data == null ? "attach data (Ctrl+D)" : "class");
        };
        fillClasses.run();
        main.dataProperty().addListener((obs, old, d) -> fillClasses.run());
        cls.disableProperty().bind(main.dataProperty().isNull());
        index.disableProperty().bind(main.dataProperty().isNull());
        random.disableProperty().bind(main.dataProperty().isNull());

        Button file = new Button("Image file…");
        file.setId("pickFile");
        file.setTooltip(new Tooltip("A PNG or JPEG, resized to the model's input"));
        file.setOnAction(e -> chooseFile());

        ImageView preview = slotImage();
        preview.setId("pickPreview");
        Label caption = new Label("nothing picked");
        caption.setId("pickCaption");
        caption.getStyleClass().add("gallery-hint");
        caption.setMinWidth(120);
        caption.setPrefWidth(220);
        caption.setMaxWidth(Double.MAX_VALUE);
        picked.addListener((obs, old, image) -> {
            preview.setImage(image == null || vm.card() == null ? null : DsvThumbnails.toImage(image.image01(), vm.card()));
            caption.setText(image == null ? "nothing picked" : image.label());
            caption.getStyleClass().remove("gallery-hint");
        });

        Label pickLabel = fixed(new Label("Pick"));
        pickLabel.getStyleClass().add("section-header");
        HBox sources = new HBox(8, pickLabel, dsv, fixed(new Label("or")), cls, index, random, fixed(new Label("or")),
                file);
        sources.setAlignment(Pos.CENTER_LEFT);
        for (javafx.scene.control.Control control : List.of(random, file)) {
            control.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox use = new HBox(6, caption, fixed(new Label("Use as")));
        HBox.setHgrow(caption, Priority.ALWAYS);
        use.setAlignment(Pos.CENTER_LEFT);
        String[] text = {"A", "B", "C", "Path start", "Path end"};
        String[] ids = {"useA", "useB", "useC", "useStart", "useEnd"};
        for (int i = 0; i < text.length; i++) {
            int slot = i;
            Button b = new Button(text[i]);
            b.setId(ids[i]);
            b.setMinWidth(Region.USE_PREF_SIZE);
            b.setTooltip(new Tooltip("Put the picked image into " + BoundaryViewModel.SLOT_NAMES[i]));
            b.disableProperty().bind(picked.isNull());
            b.setOnAction(e -> {
                vm.setSlot(slot, picked.get());
                views.getSelectionModel().select(slot < 3 ? planeTab : pathTab);
            });
            if (i == 3) {
                use.getChildren().add(fixed(new Label(" · ")));
            }
            use.getChildren().add(b);
        }
        VBox controls = new VBox(6, sources, use);
        HBox.setHgrow(controls, Priority.ALWAYS);
        Region frame = new Region();
        frame.getStyleClass().add("slot-frame");
        javafx.scene.layout.StackPane previewBox = new javafx.scene.layout.StackPane(frame, preview);
        previewBox.setMinSize(SLOT_SIZE + 4, SLOT_SIZE + 4);
        previewBox.setMaxSize(SLOT_SIZE + 4, SLOT_SIZE + 4);
        HBox box = new HBox(12, previewBox, controls);
        box.setAlignment(Pos.CENTER_LEFT);
        box.setPadding(new Insets(8, 12, 8, 12));
        box.getStyleClass().add("boundary-picker");
        return box;
    }

    /** Picks an image if it has the loaded model's input size. */
    void pick(BoundaryViewModel.BoundaryImage image) {
        ModelCard card = vm.card();
        if (card == null) {
            onError.accept("No model", "Open a model first.");
            return;
        }
        int size = card.channels() * card.height() * card.imageWidth();
        if (image.image01().length != size) {
            onError.accept("Image of another size", String.format(Locale.ROOT, "%s has %d values, the model takes"
                    + " %d×%d×%d images.", image.label(), image.image01().length, card.channels(), card.height(),
                    card.imageWidth()));
            return;
        }
        picked.set(image);
    }

    private void chooseFile() {
        ModelCard card = vm.card();
        if (card == null) {
            onError.accept("No model", "Open a model first.");
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("An image for the boundary views");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg"));
        File f = chooser.showOpenDialog(getScene().getWindow());
        if (f == null) {
            return;
        }
        main.boundary().readImage01(f.toPath(), card).whenComplete((x, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                onError.accept("Could not read the image", MainViewModel.message(failure));
            } else {
                pick(new BoundaryViewModel.BoundaryImage("file " + f.getName(), x, -1));
            }
        }));
    }

    /** The row's controls keep their width; only a progress row's status text gives way (ellipsis). */
    private static void keepPrefWidths(HBox row) {
        for (Node n : row.getChildren()) {
            if (n instanceof javafx.scene.control.Control control) {
                control.setMinWidth(Region.USE_PREF_SIZE);
            } else if (n instanceof HBox inner) {
                HBox.setHgrow(inner, Priority.ALWAYS);
                for (Node m : inner.getChildren()) {
                    if (m instanceof javafx.scene.control.Button || m instanceof ProgressBar) {
                        ((javafx.scene.control.Control) m).setMinWidth(Region.USE_PREF_SIZE);
                    }
                }
            }
        }
    }

    private static Label fixed(Label label) {
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }

    private static ImageView slotImage() {
        ImageView view = new ImageView();
        view.setFitWidth(SLOT_SIZE);
        view.setFitHeight(SLOT_SIZE);
        view.setSmooth(false);
        view.setPreserveRatio(true);
        return view;
    }

    /** A slot: its letter, the image and its caption, following the view-model. */
    private Node slotView(int slot, String name) {
        ImageView view = slotImage();
        Label letter = new Label(name);
        letter.getStyleClass().add("slot-letter");
        Label caption = new Label("empty");
        caption.setId("slot" + slot);
        caption.getStyleClass().add("slot-caption");
        caption.setWrapText(true);
        caption.setMaxWidth(110);
        vm.slot(slot).addListener((obs, old, image) -> {
            view.setImage(image == null || vm.card() == null ? null : DsvThumbnails.toImage(image.image01(), vm.card()));
            caption.setText(image == null ? "empty" : image.label());
        });
        Region frame = new Region();
        frame.getStyleClass().add("slot-frame");
        javafx.scene.layout.StackPane img = new javafx.scene.layout.StackPane(frame, view);
        img.setMinSize(SLOT_SIZE + 4, SLOT_SIZE + 4);
        img.setMaxSize(SLOT_SIZE + 4, SLOT_SIZE + 4);
        HBox box = new HBox(6, letter, img, caption);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private static HBox progressRow(javafx.beans.property.DoubleProperty progress,
            javafx.beans.property.BooleanProperty busy, javafx.beans.property.StringProperty status, Runnable cancel,
            String id) {
        ProgressBar bar = new ProgressBar();
        bar.setId(id + "Progress");
        bar.setPrefWidth(140);
        bar.progressProperty().bind(progress);
        Button stop = new Button("Cancel");
        stop.setId(id + "Cancel");
        stop.setOnAction(e -> cancel.run());
        stop.visibleProperty().bind(busy);
        bar.visibleProperty().bind(busy);
        Label text = new Label();
        text.setId(id + "Status");
        text.getStyleClass().add("gallery-hint");
        text.textProperty().bind(status);
        text.setMinWidth(0);
        HBox row = new HBox(6, bar, stop, text);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static Label messageLabel(javafx.beans.property.StringProperty message, String id) {
        Label label = new Label();
        label.setId(id);
        label.getStyleClass().add("boundary-message");
        label.setWrapText(true);
        label.textProperty().bind(message);
        label.visibleProperty().bind(message.isNotNull());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }

    // ---------------------------------------------------------------- plane

    private Node buildPlane() {
        ChoiceBox<Integer> resolution = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(
                BoundaryViewModel.RESOLUTIONS));
        resolution.setId("planeResolution");
        resolution.setTooltip(new Tooltip("Grid cells per side (R² forward passes)"));
        resolution.valueProperty().bindBidirectional(vm.resolutionProperty());
        resolution.valueProperty().addListener((obs, old, r) -> {
            if (vm.planeProperty().get() != null) {
                vm.recompute();
            }
        });
        Button compute = new Button("Compute plane");
        compute.setId("planeCompute");
        compute.setDefaultButton(false);
        compute.setOnAction(e -> vm.computePlane());
        Button reset = new Button("Reset view");
        reset.setId("planeReset");
        reset.setTooltip(new Tooltip("Back to the window around the three anchors"));
        reset.setOnAction(e -> vm.computePlane());
        reset.disableProperty().bind(vm.planeProperty().isNull());
        HBox slots = new HBox(14, slotView(BoundaryViewModel.A, "A"), slotView(BoundaryViewModel.B, "B"),
                slotView(BoundaryViewModel.C, "C"));
        slots.setAlignment(Pos.CENTER_LEFT);
        HBox tools = new HBox(8, new Label("Resolution"), resolution, compute, reset,
                progressRow(vm.planeProgressProperty(), vm.planeBusyProperty(), vm.planeStatusProperty(), vm::cancelPlane, "plane"));
        tools.setAlignment(Pos.CENTER_LEFT);
        keepPrefWidths(tools);
        Label message = messageLabel(vm.planeMessageProperty(), "planeMessage");
        VBox top = new VBox(8, slots, tools, message);
        top.setPadding(new Insets(10, 12, 6, 12));

        hover.setId("planeHover");
        hover.getStyleClass().add("plane-hover");
        Label hint = new Label("Wheel: zoom · drag: pan · hover: class and confidence");
        hint.getStyleClass().add("gallery-hint");
        legend.setId("planeLegend");
        legend.setPrefWidth(210);
        legend.setMinWidth(180);
        legend.getStyleClass().add("plane-legend");
        ScrollPane legendScroll = new ScrollPane(legend);
        legendScroll.setFitToWidth(true);
        legendScroll.setMinWidth(200);
        legendScroll.setPrefWidth(220);
        legendScroll.getStyleClass().add("plane-legend-scroll");
        Label empty = new Label("Pick three images above (A, B, C) and press \u201cCompute plane\u201d: the model's"
                + " predicted class on the plane through them.");
        empty.setWrapText(true);
        empty.setMaxWidth(360);
        empty.getStyleClass().add("gallery-hint");
        empty.visibleProperty().bind(vm.planeProperty().isNull());
        empty.setMouseTransparent(true);
        javafx.scene.layout.StackPane planeBox = new javafx.scene.layout.StackPane(planeView, empty);
        HBox.setHgrow(planeBox, Priority.ALWAYS);
        legendScroll.visibleProperty().bind(vm.planeProperty().isNotNull());
        HBox centre = new HBox(10, planeBox, legendScroll);
        centre.setPadding(new Insets(0, 12, 0, 12));
        VBox bottom = new VBox(2, hover, hint);
        bottom.setPadding(new Insets(4, 12, 8, 12));

        planeView.setOnScroll(e -> {
            if (e.getDeltaY() == 0 || planeView.view() == null) {
                return;
            }
            double[] uv = planeView.toPlane(e.getX(), e.getY());
            vm.zoom(e.getDeltaY() > 0 ? 1.25 : 0.8, uv[0], uv[1]);
            e.consume();
        });
        planeView.setOnMousePressed(e -> {
            pressed = new double[] {e.getX(), e.getY()};
            dragged = false;
        });
        planeView.setOnMouseDragged(e -> {
            if (pressed == null || planeView.view() == null) {
                return;
            }
            double k = planeView.unitsPerPixel();
            vm.panBy(-(e.getX() - pressed[0]) * k, (e.getY() - pressed[1]) * k);
            pressed = new double[] {e.getX(), e.getY()};
            dragged = true;
            showHover(e.getX(), e.getY());
        });
        planeView.setOnMouseReleased(e -> {
            if (dragged) {
                vm.recompute();
            }
            pressed = null;
            dragged = false;
        });
        planeView.setOnMouseMoved(e -> showHover(e.getX(), e.getY()));
        planeView.setOnMouseExited(e -> hover.setText(" "));

        vm.viewWindowProperty().addListener((obs, old, w) -> planeView.setView(w));
        vm.planeProperty().addListener((obs, old, r) -> showPlane(r));

        BorderPane pane = new BorderPane(centre, top, null, bottom, null);
        return pane;
    }

    private void showHover(double x, double y) {
        DecisionPlane.Result r = vm.planeProperty().get();
        double[] uv = planeView.toPlane(x, y);
        if (r == null || uv == null) {
            hover.setText(" ");
            return;
        }
        int[] cell = r.cellOf(uv[0], uv[1]);
        String where = String.format(Locale.ROOT, "u %.3g, v %.3g", uv[0], uv[1]);
        if (cell == null) {
            hover.setText(where + " · outside the computed grid (it is being recomputed)");
            return;
        }
        int cls = r.classAt(cell[0], cell[1]);
        hover.setText(String.format(Locale.ROOT, "%s · %s · confidence %.1f %%", where,
                name(vm.planeClassNames(), cls), 100 * r.confidenceAt(cell[0], cell[1])));
    }

    private static String name(List<String> names, int c) {
        return c < names.size() ? names.get(c) : Integer.toString(c);
    }

    private void showPlane(DecisionPlane.Result r) {
        long mine = ++rendered;
        if (r == null) {
            planeView.setImage(null, null);
            legend.getChildren().clear();
            return;
        }
        fillLegend(r);
        int scale = Math.max(1, (int) Math.ceil(RENDER_SIDE / r.resolution()));
        CompletableFuture.supplyAsync(() -> SwingFXUtils.toFXImage(DecisionPlane.render(r, scale), null))
                .whenComplete((image, failure) -> Platform.runLater(() -> {
                    if (mine != rendered) {
                        return;
                    }
                    if (failure != null) {
                        vm.planeMessageProperty().set("Could not draw the plane: " + MainViewModel.message(failure));
                    } else {
                        planeView.setImage(image, r.window());
                    }
                }));
    }

    private void fillLegend(DecisionPlane.Result r) {
        List<String> names = vm.planeClassNames();
        legend.getChildren().clear();
        Label head = new Label("Predicted class · share of grid");
        head.getStyleClass().add("section-header");
        head.setWrapText(true);
        legend.getChildren().add(head);
        double[] f = r.classFractions();
        for (int c = 0; c < r.numClasses(); c++) {
            int cls = c;
            boolean atAnchor = Arrays.stream(r.anchorClasses()).anyMatch(a -> a == cls);
            if (f[c] == 0 && !atAnchor) {
                continue;
            }
            Label l = new Label(String.format(Locale.ROOT, "%s  %.1f %%", name(names, c), 100 * f[c]), swatch(c));
            l.getStyleClass().add("legend-entry");
            legend.getChildren().add(l);
        }
        Label anchors = new Label("Anchors (own prediction)");
        anchors.getStyleClass().add("section-header");
        anchors.setPadding(new Insets(8, 0, 0, 0));
        legend.getChildren().add(anchors);
        String[] letters = {"A", "B", "C"};
        for (int i = 0; i < 3; i++) {
            int c = r.anchorClasses()[i];
            Label l = new Label(String.format(Locale.ROOT, "%s: %s (%.2f)", letters[i], name(names, c),
                    r.anchorProbabilities()[i][c]), swatch(c));
            l.setId("planeAnchor" + letters[i]);
            l.getStyleClass().add("legend-entry");
            legend.getChildren().add(l);
        }
        DecisionPlane.Window w = r.window();
        Label note = new Label(String.format(Locale.ROOT, "%d×%d grid; window u %.3g…%.3g, v %.3g…%.3g (input-space"
                + " distance). Paler = less confident; dark lines = decision boundaries.", r.resolution(),
                r.resolution(), w.uMin(), w.uMax(), w.vMin(), w.vMax()));
        note.setWrapText(true);
        note.getStyleClass().add("gallery-hint");
        note.setPadding(new Insets(8, 0, 0, 0));
        legend.getChildren().add(note);
    }

    private static Rectangle swatch(int cls) {
        Rectangle r = new Rectangle(12, 12, Color.rgb((DecisionPlane.colourOf(cls) >> 16) & 0xff,
                (DecisionPlane.colourOf(cls) >> 8) & 0xff, DecisionPlane.colourOf(cls) & 0xff));
        r.setStroke(Color.gray(0.2));
        return r;
    }

    private static String hex(int cls) {
        return String.format(Locale.ROOT, "#%06x", DecisionPlane.colourOf(cls));
    }

    // ---------------------------------------------------------------- path

    private Node buildPath() {
        ChoiceBox<Integer> points = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(51, 101, 201,
                401));
        points.setId("pathPoints");
        points.setValue(vm.pathPointsProperty().get());
        points.valueProperty().addListener((obs, old, n) -> vm.pathPointsProperty().set(n));
        Button compute = new Button("Compute path");
        compute.setId("pathCompute");
        compute.setOnAction(e -> vm.computePath());
        HBox slots = new HBox(14, slotView(BoundaryViewModel.PATH_START, "P"), slotView(BoundaryViewModel.PATH_END,
                "Q"));
        slots.setAlignment(Pos.CENTER_LEFT);
        HBox tools = new HBox(8, new Label("Points"), points, compute,
                progressRow(vm.pathProgressProperty(), vm.pathBusyProperty(), vm.pathStatusProperty(), vm::cancelPath, "path"));
        tools.setAlignment(Pos.CENTER_LEFT);
        keepPrefWidths(tools);
        VBox top = new VBox(8, slots, tools, messageLabel(vm.pathMessageProperty(), "pathMessage"));
        top.setPadding(new Insets(10, 12, 6, 12));

        pathChart.setId("pathChart");
        pathChart.setCreateSymbols(false);
        pathChart.setAnimated(false);
        pathChart.setLegendVisible(false);
        pathChart.setTitle("Class probabilities along P → Q");
        pathX.setLabel("t  (0 = P, 1 = Q)");
        pathY.setLabel("probability");
        pathX.setAutoRanging(false);
        pathY.setAutoRanging(false);
        pathChart.setMinHeight(220);
        pathLegend.setId("pathLegend");
        pathLegend.setPadding(new Insets(0, 12, 0, 12));
        crossings.setId("pathCrossings");
        crossings.setPadding(new Insets(6, 12, 10, 12));
        Label crossingsHead = new Label("Where the predicted class changes");
        crossingsHead.getStyleClass().add("section-header");
        crossingsHead.setPadding(new Insets(0, 12, 0, 12));
        VBox bottom = new VBox(4, pathLegend, crossingsHead, crossings);
        vm.pathProperty().addListener((obs, old, r) -> showPath(r));
        return new BorderPane(pathChart, top, null, bottom, null);
    }

    private void showPath(DecisionPath.Result r) {
        pathChart.getData().clear();
        pathLegend.getChildren().clear();
        crossings.getChildren().clear();
        if (r == null) {
            return;
        }
        ModelCard card = vm.pathCard();
        List<String> names = card.classNames();
        int k = r.probabilities()[0].length;
        for (int c = 0; c < k; c++) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(name(names, c));
            double peak = 0;
            for (int i = 0; i < r.t().length; i++) {
                s.getData().add(new XYChart.Data<>(r.t()[i], r.probabilities()[i][c]));
                peak = Math.max(peak, r.probabilities()[i][c]);
            }
            pathChart.getData().add(s);
            s.getNode().setStyle("-fx-stroke: " + hex(c) + "; -fx-stroke-width: " + (peak >= 0.01 ? 2.5 : 1) + "px;");
            if (peak >= 0.01) {
                Label l = new Label(name(names, c), swatch(c));
                l.getStyleClass().add("legend-entry");
                pathLegend.getChildren().add(l);
            }
        }
        for (int i = 0; i < r.crossings().size(); i++) {
            DecisionPath.Crossing x = r.crossings().get(i);
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName("crossing " + (i + 1));
            s.getData().add(new XYChart.Data<>(x.t(), 0));
            s.getData().add(new XYChart.Data<>(x.t(), 1));
            pathChart.getData().add(s);
            s.getNode().setStyle("-fx-stroke: #555555; -fx-stroke-width: 1.2px; -fx-stroke-dash-array: 6 4;");
        }
        int last = r.t().length - 1;
        crossings.getChildren().add(tile(slotImageOf(vm.slot(BoundaryViewModel.PATH_START).get(), card),
                "P · t = 0", name(names, r.classes()[0])));
        for (int i = 0; i < r.crossings().size(); i++) {
            DecisionPath.Crossing x = r.crossings().get(i);
            Node t = tile(DsvThumbnails.toImage(Pixels.toPixels(x.image(), card), card),
                    String.format(Locale.ROOT, "%d: t = %.4f", i + 1, x.t()),
                    name(names, x.from()) + " → " + name(names, x.to()));
            t.setUserData(x);
            crossings.getChildren().add(t);
        }
        crossings.getChildren().add(tile(slotImageOf(vm.slot(BoundaryViewModel.PATH_END).get(), card),
                "Q · t = 1", name(names, r.classes()[last])));
        if (r.crossings().isEmpty()) {
            Label none = new Label("The predicted class is the same all along the path.");
            none.getStyleClass().add("gallery-hint");
            crossings.getChildren().add(1, none);
        }
    }

    private static Image slotImageOf(BoundaryViewModel.BoundaryImage image, ModelCard card) {
        return image == null ? null : DsvThumbnails.toImage(image.image01(), card);
    }

    private static Node tile(Image image, String line1, String line2) {
        ImageView view = new ImageView(image);
        view.setFitWidth(72);
        view.setFitHeight(72);
        view.setSmooth(false);
        Label a = new Label(line1);
        a.getStyleClass().add("gallery-caption");
        Label b = new Label(line2);
        b.getStyleClass().add("gallery-caption");
        VBox tile = new VBox(2, view, a, b);
        tile.setAlignment(Pos.TOP_CENTER);
        tile.getStyleClass().add("crossing-tile");
        return tile;
    }

    // ---------------------------------------------------------------- margins

    private Node buildMargins() {
        Spinner<Integer> count = new Spinner<>(10, 5000, vm.realCountProperty().get(), 50);
        count.setId("marginRealCount");
        count.setEditable(true);
        count.setPrefWidth(100);
        count.valueProperty().addListener((obs, old, n) -> vm.realCountProperty().set(n));
        Button compute = new Button("Compute margins");
        compute.setId("marginCompute");
        compute.setTooltip(new Tooltip("Distance to the nearest decision boundary along the gradient (pixel-space"
                + " L2) of every DSV of the gallery run and of real images of the attached data"));
        compute.setOnAction(e -> vm.computeMargins());
        HBox tools = new HBox(8, new Label("Real images"), count, compute,
                progressRow(vm.marginProgressProperty(), vm.marginBusyProperty(), vm.marginStatusProperty(), vm::cancelMargins, "margin"));
        tools.setAlignment(Pos.CENTER_LEFT);
        keepPrefWidths(tools);
        Label explain = new Label("Margin: the smallest step against the gradient of (top logit − runner-up) that"
                + " changes the prediction, as an L2 length in pixels in [0, 1].");
        explain.getStyleClass().add("gallery-hint");
        explain.setWrapText(true);
        VBox top = new VBox(6, tools, explain, messageLabel(vm.marginMessageProperty(), "marginMessage"));
        top.setPadding(new Insets(10, 12, 6, 12));

        table.setId("marginTable");
        table.setItems(vm.marginRows());
        table.setPlaceholder(new Label("No DSVs: select a finished run; its kept DSVs appear here."));
        TableColumn<BoundaryViewModel.MarginRow, Integer> index = new TableColumn<>("#");
        index.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().candidate().index()));
        index.setPrefWidth(40);
        TableColumn<BoundaryViewModel.MarginRow, String> cls = new TableColumn<>("Class");
        cls.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().className()));
        cls.setPrefWidth(95);
        TableColumn<BoundaryViewModel.MarginRow, Double> lambda = numberColumn("λ", "%.3g");
        lambda.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().candidate().lambda()));
        TableColumn<BoundaryViewModel.MarginRow, Double> confidence = numberColumn("Confidence", "%.3f");
        confidence.setPrefWidth(90);
        confidence.setMinWidth(Region.USE_PREF_SIZE);
        confidence.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().candidate().confidence()));
        TableColumn<BoundaryViewModel.MarginRow, Double> margin = numberColumn("Margin", "%.3g");
        margin.setId("marginColumn");
        margin.setCellValueFactory(c -> c.getValue().marginProperty());
        table.getColumns().setAll(List.of(index, cls, lambda, confidence, margin));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setMinWidth(260);
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            if (row != null && vm.run() != null) {
                pick(BoundaryViewModel.ofCandidate(vm.run(), row.candidate()));
            }
        });

        histogram.setId("marginHistogram");
        histogram.setAnimated(false);
        histogram.setTitle("Margins: DSVs vs real images");
        histogram.setBarGap(1);
        histogram.setCategoryGap(6);
        binAxis.setLabel("margin (pixel-space L2)");
        shareAxis.setLabel("% of each group");
        marginSummary.setId("marginSummary");
        marginSummary.setWrapText(true);
        marginSummary.setPadding(new Insets(0, 8, 6, 8));
        VBox right = new VBox(histogram, marginSummary);
        VBox.setVgrow(histogram, Priority.ALWAYS);
        SplitPane split = new SplitPane(table, right);
        split.setDividerPositions(0.45);
        vm.comparisonProperty().addListener((obs, old, c) -> showHistogram(c));
        return new BorderPane(split, top, null, null, null);
    }

    private static TableColumn<BoundaryViewModel.MarginRow, Double> numberColumn(String title, String format) {
        TableColumn<BoundaryViewModel.MarginRow, Double> col = new TableColumn<>(title);
        col.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double value, boolean empty) {
                super.updateItem(value, empty);
                setText(empty ? null : value == null ? "—" : Double.isInfinite(value) ? "> 64"
                        : String.format(Locale.ROOT, format, value));
                setAlignment(Pos.CENTER_RIGHT);
            }
        });
        return col;
    }

    /**
     * Shared equal-width bins from 0 to the pooled 95th percentile of the finite margins (so one far outlier
     * does not squeeze the rest into one bar), one "≥" bin for the larger ones, "> 64" for boundaries not reached.
     */
    private void showHistogram(BoundaryViewModel.MarginComparison c) {
        histogram.getData().clear();
        marginSummary.setText("");
        if (c == null) {
            return;
        }
        double[] finite = java.util.stream.DoubleStream.concat(Arrays.stream(c.dsv()), Arrays.stream(c.real()))
                .filter(Double::isFinite).sorted().toArray();
        boolean anyInfinite = finite.length < c.dsv().length + c.real().length;
        double top = finite.length == 0 ? 1 : finite[(int) Math.floor(0.95 * (finite.length - 1))];
        if (!(top > 0)) {
            top = finite.length == 0 || finite[finite.length - 1] <= 0 ? 1 : finite[finite.length - 1];
        }
        boolean overflow = finite.length > 0 && finite[finite.length - 1] > top;
        int bins = 10;
        double width = top / bins;
        List<String> labels = new java.util.ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format(Locale.ROOT, "%.2g", (b + 0.5) * width));
        }
        if (overflow) {
            labels.add(String.format(Locale.ROOT, "> %.2g", top));
        }
        if (anyInfinite) {
            labels.add("> 64");
        }
        binAxis.setCategories(javafx.collections.FXCollections.observableArrayList(labels));
        binAxis.setLabel(String.format(Locale.ROOT, "margin (pixel-space L2), bin centres, bins %.2g wide", width));
        histogram.getData().add(series("DSVs (" + c.dsv().length + ")", c.dsv(), labels, width, bins, overflow));
        histogram.getData().add(series(c.realSource() + " (" + c.real().length + ")", c.real(), labels, width, bins,
                overflow));
        marginSummary.setText(String.format(Locale.ROOT, "Median margin: DSVs %s · real images %s. Smaller ="
                + " closer to a decision boundary.", median(c.dsv()), median(c.real())));
    }

    private static XYChart.Series<String, Number> series(String name, double[] values, List<String> labels,
            double width, int bins, boolean overflow) {
        int[] counts = new int[labels.size()];
        for (double d : values) {
            int b;
            if (!Double.isFinite(d)) {
                b = labels.size() - 1;
            } else if (d > width * bins && overflow) {
                b = bins;
            } else {
                b = Math.min(bins - 1, (int) Math.floor(d / width));
            }
            counts[b]++;
        }
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        s.setName(name);
        for (int b = 0; b < labels.size(); b++) {
            s.getData().add(new XYChart.Data<>(labels.get(b), values.length == 0 ? 0
                    : 100.0 * counts[b] / values.length));
        }
        return s;
    }

    private static String median(double[] values) {
        if (values.length == 0) {
            return "—";
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double m = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return Double.isInfinite(m) ? "> 64" : String.format(Locale.ROOT, "%.3g", m);
    }

    /** Brings the plane view forward (e.g. after the gallery set an anchor). */
    void showPlaneTab() {
        views.getSelectionModel().select(planeTab);
    }

    /** Brings the margins view forward. */
    void showMarginTab() {
        views.getSelectionModel().select(marginTab);
    }
}
