package org.dsvstudio.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.dsvstudio.model.ModelCard;

import java.io.File;
import java.util.List;

/**
 * The Run tab's "Mix / Edit" section: a target of one class or a blend of two (δ slider), "Generate mix" from
 * noise, and an edit of a start image (the gallery's selected DSV, an image of the attached data or a file).
 */
public final class MixEditPanel extends TitledPane {

    private final MainViewModel main;
    private final MixEditViewModel vm;
    private final ChoiceBox<Integer> classA = new ChoiceBox<>();
    private final ChoiceBox<Integer> classB = new ChoiceBox<>();
    private final ImageView startView = new ImageView();
    private final Label startLabel = new Label("No start image");

    public MixEditPanel(MainViewModel main) {
        this.main = main;
        this.vm = main.mixEdit();
        setText("Mix classes / edit an image");
        setId("mixEdit");
        setExpanded(false);
        setContent(build());
        main.loadedProperty().addListener((obs, old, m) -> setClasses(m == null ? null : m.card()));
        if (main.loadedProperty().get() != null) {
            setClasses(main.loadedProperty().get().card());
        }
    }

    private VBox build() {
        classA.setId("mixClassA");
        classB.setId("mixClassB");
        classA.valueProperty().bindBidirectional(vm.classAProperty());
        classB.valueProperty().bindBidirectional(vm.classBProperty());
        CheckBox blend = new CheckBox("blend with");
        blend.setId("mixBlend");
        blend.selectedProperty().bindBidirectional(vm.blendProperty());
        blend.setTooltip(new Tooltip("Unticked: the target is class a alone (an edit towards one class)"));
        classB.disableProperty().bind(blend.selectedProperty().not());

        Slider delta = new Slider(0, 1, 0.6);
        delta.setId("mixDelta");
        delta.setPrefWidth(170);
        delta.setMajorTickUnit(0.5);
        delta.setMinorTickCount(4);
        delta.setShowTickMarks(true);
        delta.setBlockIncrement(0.05);
        delta.valueProperty().bindBidirectional(vm.deltaProperty());
        delta.disableProperty().bind(blend.selectedProperty().not());
        delta.setTooltip(new Tooltip("δ: target = (1−δ)·a + δ·b (the paper uses δ ≈ 0.6)"));
        Label deltaValue = new Label();
        deltaValue.textProperty().bind(vm.deltaProperty().asString(java.util.Locale.ROOT, "δ %.2f"));
        deltaValue.setMinWidth(48);
        Label target = new Label();
        target.setId("mixTarget");
        target.getStyleClass().add("mix-target");
        target.textProperty().bind(vm.targetTextProperty());

        FlowPane targetRow = new FlowPane(10, 8, labelled("Target a", classA), blend, labelled("b", classB),
                delta, deltaValue, labelled("=", target));
        targetRow.setAlignment(Pos.CENTER_LEFT);

        Spinner<Integer> count = new Spinner<>(1, 50, 4);
        count.setId("mixCount");
        count.setEditable(true);
        count.setPrefWidth(80);
        count.getValueFactory().valueProperty().bindBidirectional(vm.countProperty());
        count.setTooltip(new Tooltip("Candidates per mix or edit run"));
        Button mix = new Button("Generate mix");
        mix.setId("mixGenerate");
        mix.setTooltip(new Tooltip("DeepKKT from noise towards the target: the model's idea of a blend of a and b"));
        mix.disableProperty().bind(vm.mixProblemProperty().isNotNull().or(main.busyProperty()));
        mix.setOnAction(e -> vm.generateMix());
        Label uses = new Label("with the preset, advanced settings and seed above");
        uses.getStyleClass().add("mix-hint");
        FlowPane mixRow = new FlowPane(10, 8, labelled("candidates", count), mix, uses);
        mixRow.setAlignment(Pos.CENTER_LEFT);

        startView.setId("editStartImage");
        startView.setFitWidth(56);
        startView.setFitHeight(56);
        startView.setSmooth(false);
        startView.setPreserveRatio(true);
        javafx.scene.layout.StackPane frame = new javafx.scene.layout.StackPane(startView);
        frame.getStyleClass().add("edit-start");
        frame.setMinSize(60, 60);
        frame.setMaxSize(60, 60);
        startLabel.setId("editStartLabel");
        startLabel.setWrapText(true);
        startLabel.setMaxWidth(Double.MAX_VALUE);
        vm.startProperty().addListener((obs, old, s) -> showStart());
        main.loadedProperty().addListener((obs, old, s) -> showStart());

        Button fromDsv = new Button("Selected DSV");
        fromDsv.setId("editFromDsv");
        fromDsv.setTooltip(new Tooltip("Start from the DSV selected in the gallery"));
        fromDsv.disableProperty().bind(vm.gallerySelectionProperty().isNull());
        fromDsv.setOnAction(e -> vm.useSelectedDsv());
        Spinner<Integer> index = new Spinner<>(0, Integer.MAX_VALUE, 0);
        index.setId("editDataIndex");
        index.setEditable(true);
        index.setPrefWidth(90);
        Button fromData = new Button("Data image");
        fromData.setId("editFromData");
        fromData.setTooltip(new Tooltip("Start from this image (by index) of the attached data's train split"));
        fromData.disableProperty().bind(main.dataProperty().isNull());
        fromData.setOnAction(e -> vm.useDataImage(index.getValue()));
        CheckBox invert = new CheckBox("invert");
        invert.setId("editInvert");
        invert.setTooltip(new Tooltip("For a dark object on a light photo: Fashion-MNIST and MNIST are light on"
                + " black"));
        Button fromFile = new Button("Image file…");
        fromFile.setId("editFromFile");
        fromFile.setTooltip(new Tooltip("PNG, JPEG, GIF or BMP, scaled to the model's input size"));
        fromFile.disableProperty().bind(main.loadedProperty().isNull());
        fromFile.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Start the edit from an image file");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg",
                    "*.gif", "*.bmp"));
            File f = chooser.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.useFile(f.toPath(), invert.isSelected());
            }
        });
        Button edit = new Button("Edit image");
        edit.setId("editGenerate");
        edit.setTooltip(new Tooltip("DeepKKT from the start image towards the target: what must change for the"
                + " model to see the target class"));
        edit.disableProperty().bind(vm.editProblemProperty().isNotNull().or(main.busyProperty()));
        edit.setOnAction(e -> vm.generateEdit());
        HBox fromDataBox = new HBox(4, index, fromData);
        fromDataBox.setAlignment(Pos.CENTER_LEFT);
        HBox fromFileBox = new HBox(6, fromFile, invert);
        fromFileBox.setAlignment(Pos.CENTER_LEFT);
        FlowPane sources = new FlowPane(10, 6, new Label("start from"), fromDsv, fromDataBox, fromFileBox);
        sources.setAlignment(Pos.CENTER_LEFT);
        VBox editControls = new VBox(6, startLabel, sources, edit);
        HBox editRow = new HBox(10, frame, editControls);
        editRow.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(editControls, javafx.scene.layout.Priority.ALWAYS);

        Label problem = new Label();
        problem.setId("editProblem");
        problem.getStyleClass().add("mix-hint");
        problem.setWrapText(true);
        problem.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            String p = vm.editProblemProperty().get();
            return p == null || main.loadedProperty().get() == null ? "" : "Edit: " + p;
        }, vm.editProblemProperty(), main.loadedProperty()));

        Label mixHeader = new Label("Mix: DeepKKT from noise with the soft target");
        mixHeader.getStyleClass().add("section-header");
        Label editHeader = new Label("Edit: DeepKKT from an image with a new target");
        editHeader.getStyleClass().add("section-header");
        VBox box = new VBox(8, targetRow, mixHeader, mixRow, editHeader, editRow, problem);
        box.setPadding(new Insets(8));
        return box;
    }

    private static HBox labelled(String text, Node node) {
        HBox box = new HBox(6, new Label(text), node);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private void setClasses(ModelCard card) {
        List<String> names = card == null ? List.of() : card.classNames();
        StringConverter<Integer> byName = new StringConverter<>() {
            @Override
            public String toString(Integer i) {
                return i == null || i < 0 || i >= names.size() ? "" : names.get(i);
            }

            @Override
            public Integer fromString(String s) {
                return names.indexOf(s);
            }
        };
        Integer a = vm.classAProperty().get();
        Integer b = vm.classBProperty().get();
        classA.setConverter(byName);
        classB.setConverter(byName);
        List<Integer> indices = java.util.stream.IntStream.range(0, names.size()).boxed().toList();
        classA.getItems().setAll(indices);
        classB.getItems().setAll(indices);
        // setAll clears a value that is not (yet) an item: put the view model's choice back
        vm.classAProperty().set(a);
        vm.classBProperty().set(b);
    }

    private void showStart() {
        MixEditViewModel.StartImage s = vm.startProperty().get();
        if (s == null) {
            startView.setImage(null);
            startLabel.setText("No start image");
            return;
        }
        startView.setImage(toImage(s.image01(), s.channels(), s.height(), s.width()));
        ModelCard loaded = main.loadedProperty().get() == null ? null : main.loadedProperty().get().card();
        startLabel.setText(s.label() + (loaded != null && !s.fits(loaded) ? " — another size than the model's" : ""));
    }

    /** A gray or RGB image of C·H·W pixels in [0,1]. */
    static javafx.scene.image.Image toImage(float[] image01, int channels, int h, int w) {
        javafx.scene.image.WritableImage img = new javafx.scene.image.WritableImage(w, h);
        javafx.scene.image.PixelWriter px = img.getPixelWriter();
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                px.setColor(x, y, channels == 1 ? javafx.scene.paint.Color.gray(clamp(image01[p]))
                        : javafx.scene.paint.Color.color(clamp(image01[p]), clamp(image01[plane + p]),
                                clamp(image01[2 * plane + p])));
            }
        }
        return img;
    }

    private static double clamp(float v) {
        return Float.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
