package org.dsvstudio.ui;

import java.util.function.BiConsumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import org.dsvstudio.app.ModelComparison;
import org.dsvstudio.app.SampleModels;
import org.dsvstudio.app.Workbench;

import java.io.File;

/** The Compare tab: "Compare with model…", the runs to take DSVs from, both directions as heat maps. */
public final class CompareTab extends ScrollPane {

    private final MainViewModel main;
    private final CompareViewModel vm;
    private final ConfusionHeatMap forward = new ConfusionHeatMap();
    private final ConfusionHeatMap reverse = new ConfusionHeatMap();

    private static org.dsvstudio.report.Figure confusion(CompareViewModel vm, boolean forwards) {
        org.dsvstudio.app.ModelComparison.Result r = vm.resultProperty().get();
        org.dsvstudio.app.ModelComparison.Direction d = r == null ? null : forwards ? r.forward() : r.reverse();
        return d == null ? null : org.dsvstudio.report.ChartFigures.confusion(d.confusion(), d.classNames(),
                d.classifier() + " on the DSVs of " + d.dsvModel());
    }

    public CompareTab(MainViewModel main) {
        BiConsumer<String, String> onError = (title, message) -> org.controlsfx.control.Notifications.create()
                .title(title).text(message).showError();
        ViewExport.install(forward, "comparison matrix", onError, () -> confusion(main.compare(), true));
        ViewExport.install(reverse, "reverse comparison matrix", onError, () -> confusion(main.compare(), false));
        this.main = main;
        this.vm = main.compare();
        setId("compareTab");
        setFitToWidth(true);
        forward.setId("heatForward");
        reverse.setId("heatReverse");

        Label header = new Label("Compare with another model");
        header.getStyleClass().add("section-header");
        Label explain = new Label("A second model with the same classes classifies this model's DSVs: do the two"
                + " models agree on what a support vector of each class looks like? Rows: the class a DSV was"
                + " generated for; columns: the other model's prediction.");
        explain.setWrapText(true);

        MenuButton open = new MenuButton("Compare with model…");
        open.setId("compareOpen");
        MenuItem folder = new MenuItem("Model folder…");
        folder.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Model 2: a folder with model.json and the weights");
            File f = chooser.showDialog(getScene().getWindow());
            if (f != null) {
                vm.openSecond(f.toPath());
            }
        });
        MenuItem pt = new MenuItem("TorchScript .pt (with its card beside it)…");
        pt.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Model 2: a TorchScript file");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("TorchScript", "*.pt"));
            File f = chooser.showOpenDialog(getScene().getWindow());
            if (f != null) {
                vm.openSecond(f.toPath());
            }
        });
        open.getItems().addAll(folder, pt, new javafx.scene.control.SeparatorMenuItem());
        for (SampleModels.Sample s : main.samples()) {
            MenuItem m = new MenuItem("Sample: " + s.name());
            m.setMnemonicParsing(false);
            m.setOnAction(e -> vm.openSecond(s.folder()));
            open.getItems().add(m);
        }
        open.disableProperty().bind(vm.busyProperty());

        Label model1 = new Label();
        model1.setId("compareModel1");
        model1.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Workbench.ModelSummary m = main.loadedProperty().get();
            return "Model 1: " + (m == null ? "none loaded" : m.card().name() + " (the loaded model)");
        }, main.loadedProperty()));
        Label model2 = new Label();
        model2.setId("compareModel2");
        model2.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> {
            Workbench.ModelSummary m = vm.secondProperty().get();
            return "Model 2: " + (m == null ? "none yet" : m.card().name() + " · " + m.path());
        }, vm.secondProperty()));

        ComboBox<JobViewModel> runs1 = runChoice("compareRun1", vm.firstRuns(), "no finished run yet");
        runs1.valueProperty().bindBidirectional(vm.firstRunProperty());
        ComboBox<JobViewModel> runs2 = runChoice("compareRun2", vm.secondRuns(), "none: one direction only");
        runs2.valueProperty().bindBidirectional(vm.secondRunProperty());
        runs2.setTooltip(new Tooltip("A finished run of model 2 (the same weights) in the job list: its DSVs are"
                + " classified by model 1"));
        Button compare = new Button("Compare");
        compare.setId("compareRun");
        compare.disableProperty().bind(vm.busyProperty().or(vm.secondProperty().isNull())
                .or(vm.firstRunProperty().isNull()));
        compare.setOnAction(e -> vm.compare());

        FlowPane row1 = new FlowPane(10, 6, model1, labelled("DSVs from", runs1));
        row1.setAlignment(Pos.CENTER_LEFT);
        FlowPane row2 = new FlowPane(10, 6, model2, labelled("DSVs from", runs2));
        row2.setAlignment(Pos.CENTER_LEFT);
        HBox actions = new HBox(10, open, compare);
        actions.setAlignment(Pos.CENTER_LEFT);
        Label status = new Label();
        status.setId("compareStatus");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());

        FlowPane maps = new FlowPane(16, 16, forward, reverse);
        maps.setAlignment(Pos.TOP_LEFT);
        showResult(null);
        vm.resultProperty().addListener((obs, old, r) -> showResult(r));

        SideBySide sideBySide = new SideBySide();
        Runnable showPair = () -> sideBySide.show(vm.firstRunProperty().get(), vm.secondRunProperty().get());
        vm.firstRunProperty().addListener((o, a, b) -> showPair.run());
        vm.secondRunProperty().addListener((o, a, b) -> showPair.run());
        showPair.run();

        VBox box = new VBox(10, header, explain, actions, row1, row2, status, maps, sideBySide);
        box.setPadding(new Insets(16));
        setContent(box);
    }

    private void showResult(ModelComparison.Result r) {
        forward.show(r == null ? null : r.forward(), "Model 1's DSVs classified by model 2 appear here.");
        reverse.show(r == null ? null : r.reverse(), "Reverse direction: model 2 has no finished run in the job list.");
        // no empty box before the first comparison
        reverse.setVisible(r != null);
        reverse.setManaged(r != null);
    }

    private static ComboBox<JobViewModel> runChoice(String id, javafx.collections.ObservableList<JobViewModel> items,
            String none) {
        ComboBox<JobViewModel> box = new ComboBox<>(items);
        box.setId(id);
        box.setPromptText(none);
        box.setPrefWidth(360);
        box.setCellFactory(l -> new RunCell());
        box.setButtonCell(new RunCell());
        return box;
    }

    private static final class RunCell extends ListCell<JobViewModel> {
        @Override
        protected void updateItem(JobViewModel item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.title() + " · " + item.resultProperty().get().kept().size()
                    + " DSVs");
        }
    }

    private static HBox labelled(String text, javafx.scene.Node node) {
        HBox box = new HBox(6, new Label(text), node);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }
}
