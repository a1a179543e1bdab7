package org.dsvstudio.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.dsvstudio.app.SampleModels;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.model.ModelCard;

import java.io.File;
import java.util.Arrays;
import java.util.Locale;

/** The main window: model list on the left, the selected model's card in the middle, status at the bottom. */
public final class MainWindow {

    private final MainViewModel model = new MainViewModel(DeviceChoice.parse(System.getProperty("dsv.device", "auto")));
    private final ListView<SampleModels.Sample> sampleList = new ListView<>(model.samples());
    private final GridPane details = new GridPane();
    private final Label title = new Label("No model loaded");
    private final DsvThumbnails thumbnails = new DsvThumbnails();

    public void show(Stage stage) {
        BorderPane root = new BorderPane();
        root.setLeft(buildModelPanel(stage));
        root.setCenter(buildDetails());
        root.setBottom(buildStatusBar());

        Scene scene = new Scene(root, 1100, 720);
        scene.getStylesheets().add(MainWindow.class.getResource("/org/dsvstudio/ui/studio.css").toExternalForm());
        stage.setTitle("DSV Studio");
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> model.shutdown());

        model.loadedProperty().addListener((obs, old, summary) -> showSummary(summary));
        model.errorProperty().addListener((obs, old, message) -> showError(stage, "Could not load the model", message,
                model.errorProperty()));
        model.run().errorProperty().addListener((obs, old, message) -> showError(stage, "The run failed", message,
                model.run().errorProperty()));
        model.run().snapshotProperty().addListener((obs, old, p) -> {
            if (p != null) {
                thumbnails.show(p);
            }
        });
        sampleList.getSelectionModel().selectedItemProperty().addListener((obs, old, sample) -> {
            if (sample != null) {
                model.open(sample.folder());
            }
        });
        stage.show();
        model.startEngine();
        if (!model.samples().isEmpty()) {
            sampleList.getSelectionModel().selectFirst();
        }
    }

    private VBox buildModelPanel(Stage stage) {
        Label header = new Label("Sample models");
        header.getStyleClass().add("section-header");
        sampleList.setId("sampleList");
        sampleList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(SampleModels.Sample item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setText(null);
                } else {
                    ModelCard c = item.card();
                    String acc = c.testAccuracy() == null ? ""
                            : String.format(Locale.ROOT, " · %.1f %%", 100 * c.testAccuracy());
                    setText(item.name() + "\n" + c.architecture() + acc);
                }
            }
        });
        VBox.setVgrow(sampleList, Priority.ALWAYS);
        Button openFolder = new Button("Open model folder…");
        openFolder.setMaxWidth(Double.MAX_VALUE);
        openFolder.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a model folder (model.json + weights)");
            File dir = chooser.showDialog(stage);
            if (dir != null) {
                sampleList.getSelectionModel().clearSelection();
                model.open(dir.toPath());
            }
        });
        Button openPt = new Button("Open TorchScript .pt…");
        openPt.setMaxWidth(Double.MAX_VALUE);
        openPt.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open a TorchScript image classifier");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("TorchScript", "*.pt", "*.pth"));
            File file = chooser.showOpenDialog(stage);
            if (file != null) {
                sampleList.getSelectionModel().clearSelection();
                model.open(file.toPath());
            }
        });
        VBox panel = new VBox(8, header, sampleList, openFolder, openPt);
        panel.setPadding(new Insets(12));
        panel.setPrefWidth(260);
        panel.getStyleClass().add("side-panel");
        return panel;
    }

    private static void showError(Stage stage, String header, String message,
            javafx.beans.property.StringProperty source) {
        if (message == null) {
            return;
        }
        Alert alert = new Alert(Alert.AlertType.ERROR, message);
        alert.setHeaderText(header);
        alert.initOwner(stage);
        alert.show();
        source.set(null);
    }

    private ScrollPane buildDetails() {
        title.getStyleClass().add("model-title");
        title.setId("modelTitle");
        details.setHgap(16);
        details.setVgap(8);
        details.setId("modelDetails");
        VBox box = new VBox(16, title, details, new Separator(), buildRunPanel());
        box.setPadding(new Insets(20));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        return scroll;
    }

    /** Preset, candidates per class, seed, Generate / Cancel, progress, and the live thumbnails. */
    private VBox buildRunPanel() {
        RunViewModel run = model.run();
        Label header = new Label("Deep Support Vectors");
        header.getStyleClass().add("section-header");
        ChoiceBox<String> preset = new ChoiceBox<>();
        preset.getItems().setAll(KktPresets.NAMES);
        preset.setId("preset");
        preset.valueProperty().bindBidirectional(run.presetProperty());
        Spinner<Integer> perClass = new Spinner<>(1, 20, 1);
        perClass.setId("perClass");
        perClass.setPrefWidth(80);
        perClass.getValueFactory().valueProperty().bindBidirectional(run.perClassProperty());
        Spinner<Integer> seed = new Spinner<>(0, Integer.MAX_VALUE, 0);
        seed.setId("seed");
        seed.setEditable(true);
        seed.setPrefWidth(100);
        seed.getValueFactory().valueProperty().bindBidirectional(run.seedProperty());
        Button generate = new Button("Generate");
        generate.setId("generate");
        generate.setDefaultButton(true);
        generate.disableProperty().bind(run.runningProperty().or(model.loadedProperty().isNull())
                .or(model.busyProperty()));
        generate.setOnAction(e -> {
            thumbnails.reset(model.loadedProperty().get().card(), run.perClassProperty().get());
            run.start();
        });
        Button cancel = new Button("Cancel");
        cancel.setId("cancel");
        cancel.disableProperty().bind(run.runningProperty().not());
        cancel.setOnAction(e -> run.cancel());
        HBox controls = new HBox(10, new Label("Preset"), preset, new Label("per class"), perClass, new Label("seed"),
                seed, generate, cancel);
        controls.setAlignment(Pos.CENTER_LEFT);
        ProgressBar bar = new ProgressBar();
        bar.setId("runProgress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(run.progressProperty());
        Label status = new Label();
        status.setId("runStatus");
        status.setWrapText(true);
        status.textProperty().bind(run.statusProperty());
        return new VBox(10, header, controls, bar, status, thumbnails);
    }

    private HBox buildStatusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(model.statusProperty());
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(16, 16);
        spinner.visibleProperty().bind(model.busyProperty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, status, grow, spinner);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 12, 4, 12));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private void showSummary(Workbench.ModelSummary s) {
        details.getChildren().clear();
        if (s == null) {
            title.setText("No model loaded");
            return;
        }
        ModelCard c = s.card();
        title.setText(c.name());
        int row = 0;
        row = addRow(row, "Architecture", c.width() == null ? c.architecture() : c.architecture() + " (width " + c.width() + ")");
        row = addRow(row, "Parameters", String.format(Locale.ROOT, "%,d", s.parameterCount()));
        row = addRow(row, "Input", c.channels() + " × " + c.height() + " × " + c.imageWidth() + "  (C × H × W)");
        row = addRow(row, "Normalization", "mean " + Arrays.toString(c.mean()) + ", std " + Arrays.toString(c.std()));
        row = addRow(row, "Classes", c.numClasses() + ": " + String.join(", ", c.classNames()));
        if (c.testAccuracy() != null) {
            row = addRow(row, "Test accuracy", String.format(Locale.ROOT, "%.2f %% on %d images of %s",
                    100 * c.testAccuracy(), c.testSamples(), c.dataset()));
        }
        if (c.provenance() != null) {
            ModelCard.Provenance p = c.provenance();
            if (p.command() != null) {
                row = addRow(row, "Trained by", p.command());
            }
            if (p.optimizer() != null) {
                row = addRow(row, "Training", String.format(Locale.ROOT,
                        "%s, lr %s (%s), weight decay μ = %s, %d epochs, seed %d, %.0f s", p.optimizer(),
                        p.learningRate(), p.schedule(), p.weightDecay(), p.epochs(), p.seed(), p.wallTimeSeconds()));
            }
        }
        row = addRow(row, "Device", s.device());
        row = addRow(row, "Engine", s.engine());
        row = addRow(row, "Source", s.path().toString());
        addRow(row, "SHA-256", s.sha256());
    }

    private int addRow(int row, String key, String value) {
        Label k = new Label(key);
        k.getStyleClass().add("detail-key");
        Label v = new Label(value);
        v.setWrapText(true);
        v.getStyleClass().add("detail-value");
        details.addRow(row, k, v);
        return row + 1;
    }
}
