package org.dsvstudio.ui;

import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.dsvstudio.app.Saliency;
import org.dsvstudio.explain.Baseline;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The Explain tab: saliency maps of one image (a file, or a DSV from the gallery) for the loaded model. Left: the
 * method with its settings and the target ("why A", optionally "rather than B"). Middle: the heat map over the
 * image with its colour bar and an opacity slider, the model's top classes beside it, and below the grid of all
 * methods for the same image and target. A PNG/JPEG dropped on the tab is explained.
 */
public final class ExplainTab extends BorderPane {

    private static final double IMAGE_SIZE = 280;
    private static final double CELL_SIZE = 150;
    private static final int TOP_CLASSES = 5;

    private final ExplainViewModel vm;
    private final ToggleGroup methods = new ToggleGroup();
    private final Map<Saliency.Method, RadioButton> methodButtons = new EnumMap<>(Saliency.Method.class);
    private final Label gradCamHint = hint("");
    private final ComboBox<Integer> classA = new ComboBox<>();
    private final ComboBox<Integer> classB = new ComboBox<>();
    private final Label contrastHint = hint(Saliency.NO_CONTRAST);
    private final HBox classBBox = new HBox(classB);
    private final ChoiceBox<Baseline.Kind> baseline = new ChoiceBox<>(FXCollections.observableArrayList(
            Baseline.Kind.values()));
    private final Spinner<Integer> steps = new Spinner<>(1, 1024, 32, 16);
    private final Spinner<Integer> samples = new Spinner<>(1, 256, 16, 4);
    private final Spinner<Double> sigma = new Spinner<>(0.0, 1.0, 0.15, 0.05);
    private final Spinner<Integer> window = new Spinner<>(1, 64, 4, 1);
    private final Spinner<Integer> stride = new Spinner<>(1, 64, 2, 1);
    private final ChoiceBox<String> layer = new ChoiceBox<>();
    private final GridPane settingsGrid = new GridPane();
    private final Label sourceTitle = new Label("No image");
    private final Label message = new Label();
    private final ImageView base = pixelView(IMAGE_SIZE);
    private final ImageView heat = pixelView(IMAGE_SIZE);
    private final ProgressIndicator spinner = new ProgressIndicator();
    private final Slider opacity = new Slider(0, 1, 0.65);
    private final ImageView bar = new ImageView();
    private final Label barTop = new Label();
    private final Label barMiddle = new Label();
    private final Label barBottom = new Label();
    private final Label caption = new Label();
    private final VBox probabilities = new VBox(3);
    private final FlowPane grid = new FlowPane(10, 10);
    private final ProgressBar gridProgress = new ProgressBar(0);
    private final Label gridStatus = new Label();
    private final Button all = new Button("All methods");
    private final Button cancel = new Button("Cancel");
    private final Tooltip gradCamTip = wrappingTip();
    private final Tooltip contrastTip = wrappingTip();
    private Path lastFolder;
    /** The method and layers the settings rows were built for. */
    private String settingsLayout;
    private boolean syncing;

    ExplainTab(ExplainViewModel vm) {
        ViewExport.install(grid, "saliency of every method");
        this.vm = vm;
        setId("explainTab");
        getStyleClass().add("explain-tab");
        setTop(buildHeader());
        setLeft(buildControls());
        setCenter(buildViews());
        bindViewModel();
        enableImageDrop();
        refreshClassItems();
        refreshControls();
        refreshMap();
    }

    // Layout

    private HBox buildHeader() {
        sourceTitle.setId("explainSource");
        sourceTitle.getStyleClass().add("section-header");
        sourceTitle.setMinWidth(0);
        Label dropHint = hint("Drop a PNG/JPEG here, or");
        dropHint.setMinWidth(Region.USE_PREF_SIZE);
        Button open = new Button("Open image…");
        open.setId("explainOpen");
        open.setMinWidth(Region.USE_PREF_SIZE);
        open.setTooltip(new Tooltip("A PNG or JPEG, resized to the model's input (File → Explain image…, Ctrl+I)"));
        open.setOnAction(e -> chooseImage(getScene().getWindow()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(10, sourceTitle, grow, dropHint, open);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(10, 16, 6, 16));
        return top;
    }

    private ScrollPane buildControls() {
        VBox methodBox = new VBox(5);
        for (Saliency.Method m : Saliency.Method.values()) {
            RadioButton b = new RadioButton(m.label());
            b.setId("method-" + m.name());
            b.setUserData(m);
            b.setToggleGroup(methods);
            methodButtons.put(m, b);
            // a disabled control shows no tooltip of its own: the box around it carries it
            HBox wrapper = new HBox(b);
            wrapper.setId("methodBox-" + m.name());
            methodBox.getChildren().add(wrapper);
        }
        gradCamHint.setId("explainGradCamHint");
        methodBox.getChildren().add(gradCamHint);

        baseline.setId("explainBaseline");
        baseline.setConverter(converter(Baseline.Kind::label));
        steps.setId("explainSteps");
        samples.setId("explainSamples");
        sigma.setId("explainSigma");
        window.setId("explainWindow");
        stride.setId("explainStride");
        layer.setId("explainLayer");
        for (Spinner<?> s : List.of(steps, samples, sigma, window, stride)) {
            s.setEditable(true);
            s.setPrefWidth(96);
            // commit typed text when the field loses focus, not only on Enter
            s.getEditor().focusedProperty().addListener((obs, was, focused) -> {
                if (!focused) {
                    s.increment(0);
                }
            });
        }
        settingsGrid.setHgap(8);
        settingsGrid.setVgap(6);
        settingsGrid.setId("explainSettings");

        classA.setId("explainClassA");
        classB.setId("explainClassB");
        classA.setCellFactory(l -> classCell(true));
        classB.setCellFactory(l -> classCell(false));
        classA.setConverter(converter(k -> classText(vm.preparedProperty().get(), k, true)));
        classB.setConverter(converter(k -> classText(vm.preparedProperty().get(), k, false)));
        classA.setMaxWidth(Double.MAX_VALUE);
        classB.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(classB, Priority.ALWAYS);
        classBBox.setId("explainClassBBox");
        contrastHint.setId("explainContrastHint");

        VBox box = new VBox(8,
                section("Method"), methodBox,
                section("Settings"), settingsGrid,
                section("Target"), hint("Why does the model say"), classA, hint("rather than"), classBBox,
                contrastHint);
        box.setPadding(new Insets(8, 12, 12, 16));
        box.setPrefWidth(250);
        box.getStyleClass().add("explain-controls");
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setMinWidth(270);
        scroll.setPrefWidth(270);
        scroll.getStyleClass().add("explain-controls-scroll");
        return scroll;
    }

    private ScrollPane buildViews() {
        message.setId("explainMessage");
        message.getStyleClass().add("explain-message");
        message.setWrapText(true);
        message.managedProperty().bind(message.visibleProperty());

        heat.setId("explainHeat");
        heat.opacityProperty().bind(opacity.valueProperty());
        spinner.setMaxSize(48, 48);
        spinner.setId("explainSpinner");
        StackPane frame = new StackPane(base, heat, spinner);
        ViewExport.install(frame, "saliency map");
        frame.setId("explainOverlay");
        frame.getStyleClass().add("explain-frame");
        frame.setMinSize(IMAGE_SIZE, IMAGE_SIZE);
        frame.setMaxSize(IMAGE_SIZE, IMAGE_SIZE);

        bar.setId("explainColorBar");
        bar.setFitHeight(IMAGE_SIZE - 20);
        bar.setFitWidth(14);
        bar.setSmooth(true);
        for (Label l : List.of(barTop, barMiddle, barBottom)) {
            l.getStyleClass().add("explain-bar-label");
            l.setMinWidth(Region.USE_PREF_SIZE);
        }
        barTop.setId("explainBarMax");
        barBottom.setId("explainBarMin");
        Region g1 = new Region();
        Region g2 = new Region();
        VBox.setVgrow(g1, Priority.ALWAYS);
        VBox.setVgrow(g2, Priority.ALWAYS);
        VBox labels = new VBox(barTop, g1, barMiddle, g2, barBottom);
        labels.setPrefHeight(IMAGE_SIZE - 6);
        labels.setMaxHeight(IMAGE_SIZE - 6);
        HBox colourBar = new HBox(6, bar, labels);
        colourBar.setAlignment(Pos.CENTER_LEFT);

        opacity.setId("explainOpacity");
        opacity.setPrefWidth(180);
        Label opacityValue = new Label();
        opacityValue.setText(percent(opacity.getValue()));
        opacity.valueProperty().addListener((obs, old, v) -> opacityValue.setText(percent(v.doubleValue())));
        opacityValue.setMinWidth(40);
        Label opacityLabel = new Label("Heat-map opacity");
        opacityLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox opacityRow = new HBox(8, opacityLabel, opacity, opacityValue);
        opacityRow.setAlignment(Pos.CENTER_LEFT);

        caption.setId("explainCaption");
        caption.setWrapText(true);
        caption.setMaxWidth(IMAGE_SIZE + 80);
        caption.getStyleClass().add("explain-caption");
        VBox left = new VBox(8, new HBox(10, frame, colourBar), caption, opacityRow);

        probabilities.setId("explainProbabilities");
        VBox probs = new VBox(6, section("Prediction"), probabilities);
        probs.setMinWidth(Region.USE_PREF_SIZE);
        FlowPane topRow = new FlowPane(28, 12, left, probs); // the prediction goes below when the tab is narrow

        all.setId("explainAll");
        all.setTooltip(new Tooltip("Every method for this image and target, one after another"));
        all.setOnAction(e -> vm.computeGrid());
        all.setMinWidth(Region.USE_PREF_SIZE);
        cancel.setId("explainCancel");
        cancel.setOnAction(e -> vm.cancelGrid());
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        gridProgress.setId("explainGridProgress");
        gridProgress.setPrefWidth(140);
        gridStatus.setId("explainGridStatus");
        gridStatus.getStyleClass().add("gallery-hint");
        gridStatus.setWrapText(true);
        Label gridHeader = section("All methods");
        gridHeader.setMinWidth(Region.USE_PREF_SIZE);
        HBox gridBar = new HBox(10, gridHeader, all, cancel, gridProgress);
        gridBar.setAlignment(Pos.CENTER_LEFT);
        grid.setId("explainGrid");
        grid.getStyleClass().add("explain-grid");

        VBox content = new VBox(12, message, topRow, new VBox(4, gridBar, gridStatus), grid);
        content.setPadding(new Insets(8, 16, 16, 12));
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        return scroll;
    }

    // Binding

    private void bindViewModel() {
        methods.selectedToggleProperty().addListener((obs, old, t) -> {
            if (t == null) {
                // a click on the selected radio button would leave none selected
                methodButtons.get(vm.methodProperty().get()).setSelected(true);
            } else if (!syncing) {
                vm.methodProperty().set((Saliency.Method) t.getUserData());
            }
        });
        vm.methodProperty().addListener((obs, old, m) -> refreshControls());
        vm.preparedProperty().addListener((obs, old, p) -> {
            refreshClassItems();
            refreshControls();
            refreshSource();
        });
        vm.sourceProperty().addListener((obs, old, s) -> refreshSource());
        vm.mapProperty().addListener((obs, old, m) -> refreshMap());
        vm.classAProperty().addListener((obs, old, c) -> refreshTargets());
        vm.classBProperty().addListener((obs, old, c) -> refreshTargets());
        vm.settingsProperty().addListener((obs, old, s) -> refreshControls());
        spinner.visibleProperty().bind(vm.busyProperty());
        message.textProperty().bind(vm.messageProperty());
        message.visibleProperty().bind(vm.messageProperty().isNotNull());

        classA.valueProperty().addListener((obs, old, v) -> {
            if (!syncing && v != null) {
                vm.classAProperty().set(v);
            }
        });
        classB.valueProperty().addListener((obs, old, v) -> {
            if (!syncing && v != null) {
                vm.classBProperty().set(v);
            }
        });
        baseline.valueProperty().addListener((obs, old, v) -> {
            if (!syncing && v != null) {
                vm.settingsProperty().set(vm.settingsProperty().get().withBaseline(v));
            }
        });
        steps.valueProperty().addListener((obs, old, v) -> updateSettings(s -> s.withIgSteps(v)));
        samples.valueProperty().addListener((obs, old, v) -> updateSettings(s -> s.withSmoothSamples(v)));
        sigma.valueProperty().addListener((obs, old, v) -> updateSettings(s -> s.withSmoothSigma(v)));
        window.valueProperty().addListener((obs, old, v) -> updateSettings(s -> s.withWindow(v)));
        stride.valueProperty().addListener((obs, old, v) -> updateSettings(s -> s.withStride(v)));
        layer.valueProperty().addListener((obs, old, v) -> {
            if (!syncing && v != null) {
                updateSettings(s -> s.withLayer(v));
            }
        });

        gridProgress.progressProperty().bind(vm.gridProgressProperty());
        gridProgress.visibleProperty().bind(vm.gridBusyProperty());
        cancel.disableProperty().bind(vm.gridBusyProperty().not());
        all.disableProperty().bind(vm.preparedProperty().isNull());
        gridStatus.textProperty().bind(vm.gridStatusProperty());
        vm.grid().addListener((ListChangeListener<Saliency.MapResult>) c -> {
            while (c.next()) {
                if (c.wasRemoved() && vm.grid().isEmpty()) {
                    grid.getChildren().clear();
                }
                for (Saliency.MapResult m : c.getAddedSubList()) {
                    grid.getChildren().add(cell(m));
                }
            }
        });
    }

    private static <T> void setIfDifferent(T shown, T wanted, java.util.function.Consumer<T> set) {
        if (!java.util.Objects.equals(shown, wanted)) {
            set.accept(wanted);
        }
    }

    private void updateSettings(Function<Saliency.Settings, Saliency.Settings> change) {
        if (syncing) {
            return;
        }
        try {
            vm.settingsProperty().set(change.apply(vm.settingsProperty().get()));
        } catch (IllegalArgumentException e) {
            vm.messageProperty().set(e.getMessage());
        }
    }

    /** Method buttons, the settings rows the method uses, the class choices: from the view-model. */
    private void refreshControls() {
        syncing = true;
        try {
            Saliency.Prepared p = vm.preparedProperty().get();
            Saliency.Method m = vm.methodProperty().get();
            methodButtons.get(m).setSelected(true);
            boolean camOff = p != null && !p.gradCamAvailable();
            RadioButton cam = methodButtons.get(Saliency.Method.GRAD_CAM);
            cam.setDisable(camOff);
            Node camBox = cam.getParent();
            Tooltip.uninstall(camBox, gradCamTip);
            if (camOff) {
                gradCamTip.setText(p.gradCamUnavailable());
                Tooltip.install(camBox, gradCamTip);
                gradCamHint.setText(p.gradCamUnavailable());
            }
            gradCamHint.setVisible(camOff);
            gradCamHint.setManaged(camOff);

            // rows are rebuilt only when the method or the layers change, never under a spinner being clicked
            String layout = m + "|" + (p == null ? "" : p.layers());
            if (!layout.equals(settingsLayout)) {
                settingsLayout = layout;
                settingsGrid.getChildren().clear();
                int row = 0;
                if (m.usesBaseline()) {
                    settingsGrid.addRow(row++, key("Baseline"), baseline);
                }
                if (m == Saliency.Method.INTEGRATED_GRADIENTS) {
                    settingsGrid.addRow(row++, key("Steps"), steps);
                }
                if (m == Saliency.Method.SMOOTHGRAD) {
                    settingsGrid.addRow(row++, key("Samples"), samples);
                    settingsGrid.addRow(row++, key("Noise σ (pixels)"), sigma);
                }
                if (m == Saliency.Method.OCCLUSION) {
                    settingsGrid.addRow(row++, key("Window (px)"), window);
                    settingsGrid.addRow(row++, key("Stride (px)"), stride);
                }
                if (m == Saliency.Method.GRAD_CAM) {
                    layer.getItems().setAll(p == null ? List.of() : p.layers());
                    settingsGrid.addRow(row++, key("Layer"), layer);
                }
                if (row == 0) {
                    settingsGrid.addRow(row, hint(m == Saliency.Method.GRADIENT ? "No settings: one backward pass."
                            : "No settings: one backward pass, times the input."));
                }
            }
            Saliency.Settings s = vm.settingsProperty().get();
            setIfDifferent(baseline.getValue(), s.baseline(), baseline::setValue);
            setIfDifferent(steps.getValue(), s.igSteps(), steps.getValueFactory()::setValue);
            setIfDifferent(samples.getValue(), s.smoothSamples(), samples.getValueFactory()::setValue);
            setIfDifferent(sigma.getValue(), s.smoothSigma(), sigma.getValueFactory()::setValue);
            setIfDifferent(window.getValue(), s.window(), window.getValueFactory()::setValue);
            setIfDifferent(stride.getValue(), s.stride(), stride.getValueFactory()::setValue);
            String chosenLayer = s.layer() != null ? s.layer() : p == null ? null : p.defaultLayer();
            setIfDifferent(layer.getValue(), chosenLayer, layer::setValue);
            layer.setDisable(layer.getItems().isEmpty());
            boolean contrast = vm.contrastAvailable();
            classB.setDisable(!contrast);
            Tooltip.uninstall(classBBox, contrastTip);
            if (!contrast) {
                contrastTip.setText(Saliency.NO_CONTRAST);
                Tooltip.install(classBBox, contrastTip);
            }
            contrastHint.setVisible(!contrast);
            contrastHint.setManaged(!contrast);
        } finally {
            syncing = false;
        }
        refreshTargets();
    }

    /**
     * The class lists: "predicted"/"A alone" and every class with its probability. Rebuilt only for a new image
     * (cells read the prepared image when drawn); never while the user is picking from a list.
     */
    private void refreshClassItems() {
        syncing = true;
        try {
            Saliency.Prepared p = vm.preparedProperty().get();
            List<Integer> items = new ArrayList<>();
            items.add(ExplainViewModel.NONE);
            if (p != null) {
                IntStream.range(0, p.card().numClasses()).forEach(items::add);
            }
            classA.getItems().setAll(items);
            classB.getItems().setAll(items);
            classA.setButtonCell(classCell(true));
            classB.setButtonCell(classCell(false));
            classA.setValue(vm.classAProperty().get());
            classB.setValue(vm.classBProperty().get());
        } finally {
            syncing = false;
        }
        refreshTargets();
    }

    /** The class choices from the view-model, whether B may be chosen, the probability bars. */
    private void refreshTargets() {
        syncing = true;
        try {
            Saliency.Prepared p = vm.preparedProperty().get();
            if (!java.util.Objects.equals(classA.getValue(), vm.classAProperty().get())) {
                classA.setValue(vm.classAProperty().get());
            }
            if (!java.util.Objects.equals(classB.getValue(), vm.classBProperty().get())) {
                classB.setValue(vm.classBProperty().get());
            }
            classA.setDisable(p == null);
            classB.setDisable(p == null || !vm.contrastAvailable());
        } finally {
            syncing = false;
        }
        refreshProbabilities();
    }

    private void refreshSource() {
        Saliency.Source s = vm.sourceProperty().get();
        Saliency.Prepared p = vm.preparedProperty().get();
        if (s == null) {
            sourceTitle.setText("No image yet");
        } else if (p == null) {
            sourceTitle.setText(s.title());
        } else {
            sourceTitle.setText(s.title() + " · explained with " + p.modelName() + " (" + p.card().channels() + "×"
                    + p.card().height() + "×" + p.card().imageWidth() + ")");
        }
        base.setImage(p == null ? null : HeatMaps.enlarged(DsvThumbnails.toImage(p.image01(), p.card()),
                HeatMaps.factorFor(p.card().height(), p.card().imageWidth(), IMAGE_SIZE)));
        if (p == null) {
            heat.setImage(null);
            showBar(null);
            caption.setText(s == null ? "Open an image (File → Explain image…), drop a PNG or JPEG on this tab, or"
                    + " press Explain on a DSV in the gallery." : "");
        }
        refreshProbabilities();
    }

    private void refreshMap() {
        Saliency.MapResult m = vm.mapProperty().get();
        Saliency.Prepared p = vm.preparedProperty().get();
        if (m == null || p == null) {
            heat.setImage(null);
            showBar(null);
            return;
        }
        heat.setImage(HeatMaps.enlarged(HeatMaps.overlay(m.map(), m.height(), m.width(),
                m.request().method().signed(), m.scale()), HeatMaps.factorFor(m.height(), m.width(), IMAGE_SIZE)));
        showBar(m);
        caption.setText(describe(m, p) + String.format(Locale.ROOT, " · %d\u00a0ms", m.millis()));
    }

    private void showBar(Saliency.MapResult m) {
        bar.setVisible(m != null);
        if (m == null) {
            barTop.setText("");
            barMiddle.setText("");
            barBottom.setText("");
            return;
        }
        boolean signed = m.request().method().signed();
        bar.setImage(HeatMaps.colourBar(signed, 128));
        double s = m.scale();
        barTop.setText(signed ? "+" + num(s) : num(s));
        barMiddle.setText(signed ? "0" : num(s / 2));
        barBottom.setText(signed ? "−" + num(s) : "0");
    }

    /** "Gradient · why Coat rather than Shirt · range −0.0123 … 0.0456". */
    private static String describe(Saliency.MapResult m, Saliency.Prepared p) {
        List<String> names = p.card().classNames();
        Saliency.Request r = m.request();
        String target = "why " + names.get(r.classA()) + (r.classB() >= 0 ? " rather than " + names.get(r.classB())
                : "");
        String text = r.method().label() + " · " + target + " · range " + num(m.min()) + " … " + num(m.max());
        return m.note() == null ? text : text + " · " + m.note();
    }

    private void refreshProbabilities() {
        Saliency.Prepared p = vm.preparedProperty().get();
        probabilities.getChildren().clear();
        if (p == null) {
            probabilities.getChildren().add(hint("No image"));
            return;
        }
        List<String> names = p.card().classNames();
        int a = vm.effectiveClassA();
        int b = vm.classBProperty().get();
        List<Integer> order = IntStream.range(0, names.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> p.probabilities()[k]).reversed()).toList();
        List<Integer> shown = new ArrayList<>(order.subList(0, Math.min(TOP_CLASSES, order.size())));
        for (int extra : new int[] {a, b}) {
            if (extra >= 0 && !shown.contains(extra)) {
                shown.add(extra);
            }
        }
        for (int k : shown) {
            String tag = k == a && k == p.predicted() ? "why · predicted" : k == a ? "why"
                    : k == b && vm.contrastAvailable() ? "rather than" : k == p.predicted() ? "predicted" : "";
            probabilities.getChildren().add(probabilityRow(names.get(k), p.probabilities()[k], tag,
                    k == p.predicted(), k == a));
        }
    }

    // Grid

    private VBox cell(Saliency.MapResult m) {
        Saliency.Prepared p = vm.preparedProperty().get();
        ImageView cellBase = pixelView(CELL_SIZE);
        ImageView cellHeat = pixelView(CELL_SIZE);
        int factor = HeatMaps.factorFor(m.height(), m.width(), CELL_SIZE);
        if (p != null) {
            cellBase.setImage(HeatMaps.enlarged(DsvThumbnails.toImage(p.image01(), p.card()), factor));
        }
        cellHeat.setImage(HeatMaps.enlarged(HeatMaps.overlay(m.map(), m.height(), m.width(),
                m.request().method().signed(), m.scale()), factor));
        cellHeat.opacityProperty().bind(opacity.valueProperty());
        StackPane frame = new StackPane(cellBase, cellHeat);
        frame.getStyleClass().add("explain-frame");
        frame.setMinSize(CELL_SIZE, CELL_SIZE);
        frame.setMaxSize(CELL_SIZE, CELL_SIZE);
        Label name = new Label(m.request().method().label());
        name.getStyleClass().add("explain-cell-title");
        name.setWrapText(true);
        name.setMaxWidth(CELL_SIZE);
        double s = m.scale();
        Label range = new Label(m.request().method().signed() ? "±" + num(s) : "0 … " + num(s));
        range.getStyleClass().add("explain-cell-caption");
        VBox cell = new VBox(3, frame, name, range);
        if (m.note() != null) {
            Label note = new Label(m.note());
            note.getStyleClass().add("explain-cell-caption");
            note.setWrapText(true);
            note.setMaxWidth(CELL_SIZE);
            cell.getChildren().add(note);
        }
        cell.getStyleClass().add("explain-cell");
        cell.setPrefWidth(CELL_SIZE + 14); // every cell as wide, whatever its title
        cell.setMinWidth(Region.USE_PREF_SIZE);
        cell.setMaxWidth(Region.USE_PREF_SIZE);
        cell.setUserData(m);
        Tooltip.install(cell, new Tooltip(p == null ? m.request().method().label() : describe(m, p)));
        return cell;
    }

    // Commands

    /** Asks for a PNG/JPEG and explains it. */
    void chooseImage(Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Explain an image (resized to the model's input)");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.PNG", "*.JPG", "*.JPEG"),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.toFile().isDirectory()) {
            chooser.setInitialDirectory(lastFolder.toFile());
        }
        File file = chooser.showOpenDialog(owner);
        if (file != null) {
            lastFolder = file.toPath().getParent();
            vm.openImage(file.toPath());
        }
    }

    /** A dropped image file is explained here; other drops (model folders) go on to the window. */
    private void enableImageDrop() {
        setOnDragOver(e -> {
            if (droppedImage(e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of()) != null) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        setOnDragDropped(e -> {
            File f = droppedImage(e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of());
            if (f != null) {
                vm.openImage(f.toPath());
                e.setDropCompleted(true);
                e.consume();
            }
        });
    }

    /** The first file if it is named like an image, else null. */
    static File droppedImage(List<File> files) {
        if (files.isEmpty() || !files.get(0).isFile()) {
            return null;
        }
        String name = files.get(0).getName().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".gif")
                || name.endsWith(".bmp") ? files.get(0) : null;
    }

    // Pieces

    private static ImageView pixelView(double size) {
        ImageView v = new ImageView();
        v.setSmooth(false);
        v.setPreserveRatio(true);
        v.setFitWidth(size);
        v.setFitHeight(size);
        return v;
    }

    private static Tooltip wrappingTip() {
        Tooltip tip = new Tooltip();
        tip.setWrapText(true);
        tip.setMaxWidth(360);
        return tip;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("detail-section");
        return l;
    }

    private static Label key(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("detail-fact-key");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label hint(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("explain-hint");
        l.setWrapText(true);
        return l;
    }

    private static <T> StringConverter<T> converter(Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                throw new UnsupportedOperationException();
            }
        };
    }


    private static String classText(Saliency.Prepared p, Integer k, boolean isA) {
        if (k == null) {
            return "";
        }
        if (k == ExplainViewModel.NONE) {
            return isA ? (p == null ? "the predicted class" : "predicted: " + p.card().classNames().get(p.predicted()))
                    : "— (A alone)";
        }
        return p == null ? String.valueOf(k) : String.format(Locale.ROOT, "%s  (%.1f %%)",
                p.card().classNames().get(k), 100 * p.probabilities()[k]);
    }

    private ListCell<Integer> classCell(boolean isA) {
        return new ListCell<>() {
            @Override
            protected void updateItem(Integer item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : classText(vm.preparedProperty().get(), item, isA));
            }
        };
    }

    /** A probability bar in the gallery's style (gallery.css). */
    private static HBox probabilityRow(String name, double p, String tagText, boolean predicted, boolean target) {
        Label nameLabel = new Label(name);
        nameLabel.getStyleClass().add("prob-name");
        Region fill = new Region();
        fill.getStyleClass().add("prob-bar");
        double width = 120 * Math.max(0, Math.min(1, p));
        fill.setMinWidth(width);
        fill.setMaxWidth(width);
        StackPane track = new StackPane(fill);
        track.getStyleClass().add("prob-track");
        track.setAlignment(Pos.CENTER_LEFT);
        track.setMinWidth(120);
        track.setMaxWidth(120);
        Label pct = new Label(String.format(Locale.ROOT, "%.1f %%", 100 * p));
        pct.getStyleClass().add("prob-percent");
        Label tag = new Label(tagText);
        tag.getStyleClass().add("prob-tag");
        tag.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(6, nameLabel, track, pct, tag);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("prob-row");
        if (predicted) {
            row.getStyleClass().add("predicted");
        }
        if (target) {
            row.getStyleClass().add("target");
        }
        return row;
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }

    private static String num(double v) {
        if (v == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.3g", v).replace("-", "−");
    }

    /** The overlay's current image (base, heat map at the slider's opacity), for tests. */
    Image overlaySnapshot() {
        return lookup("#explainOverlay").snapshot(null, null);
    }
}
