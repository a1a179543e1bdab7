package org.dsvstudio.ui;

import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.layout.GridPane;
import org.controlsfx.control.CheckComboBox;
import org.dsvstudio.report.GalleryFigure;

import java.util.List;

/**
 * How a gallery is laid out in an exported figure or report: layout, DSVs per row, image size, captions, classes,
 * order, removed candidates, light or dark. The same options as {@code export} on the command line.
 */
final class ExportOptionsDialog extends Dialog<GalleryFigure.Options> {

    private final CheckBox saliency = new CheckBox("lay each DSV's saliency over it (PNG, SVG)");

    /** Whether the saliency overlay was asked for (read after the dialog closed with OK). */
    boolean saliency() {
        return saliency.isSelected();
    }

    ExportOptionsDialog(List<String> classNames) {
        setTitle("Export report or figure");
        setHeaderText("How the gallery is drawn in the file (class names are never cut)");
        ChoiceBox<GalleryFigure.Layout> layout = new ChoiceBox<>(FXCollections.observableArrayList(
                GalleryFigure.Layout.values()));
        layout.setValue(GalleryFigure.Layout.ROWS);
        layout.setId("exportLayout");
        Spinner<Integer> columns = new Spinner<>(1, 64, GalleryFigure.Options.DEFAULT.columns());
        columns.setEditable(true);
        Spinner<Integer> size = new Spinner<>(24, 512, (int) GalleryFigure.Options.DEFAULT.cell(), 8);
        size.setEditable(true);
        CheckBox captions = new CheckBox("λ, the class the model sees with its probability, and the entropy");
        captions.setSelected(true);
        ChoiceBox<GalleryFigure.Sort> sort = new ChoiceBox<>(FXCollections.observableArrayList(
                GalleryFigure.Sort.values()));
        sort.setValue(GalleryFigure.Sort.LAMBDA);
        CheckComboBox<String> classes = new CheckComboBox<>(FXCollections.observableArrayList(classNames));
        classes.getCheckModel().checkAll();
        classes.setId("exportClasses");
        CheckBox removed = new CheckBox("also the removed candidates (λ < 0), faded");
        removed.setSelected(true);
        CheckBox dark = new CheckBox("light text on a dark background");
        saliency.setId("exportSaliency");
        saliency.setTooltip(new javafx.scene.control.Tooltip("Gradient × input for each DSV's class, from the open"
                + " model (it must be the one that made the run): red raises the class score, blue lowers it."
                + " For the PNG and SVG figures."));

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(12));
        int row = 0;
        grid.addRow(row++, new Label("Classes"), layout);
        grid.addRow(row++, new Label("DSVs per row"), columns);
        grid.addRow(row++, new Label("Image width (pt)"), size);
        grid.addRow(row++, new Label("Captions"), captions);
        grid.addRow(row++, new Label("Order"), sort);
        grid.addRow(row++, new Label("Show classes"), classes);
        grid.addRow(row++, new Label("Removed"), removed);
        grid.addRow(row++, new Label("Theme"), dark);
        grid.addRow(row, new Label("Saliency"), saliency);
        // ROWS: a block per class, the DSVs in rows of N; COLUMNS: a column per class (slides)
        layout.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(GalleryFigure.Layout l) {
                return l == GalleryFigure.Layout.ROWS ? "one below the other" : "side by side (slides)";
            }

            @Override
            public GalleryFigure.Layout fromString(String s) {
                return null;
            }
        });
        columns.disableProperty().bind(layout.valueProperty().isEqualTo(GalleryFigure.Layout.COLUMNS));
        sort.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(GalleryFigure.Sort s) {
                return switch (s) {
                    case LAMBDA -> "largest λ first";
                    case CONFIDENCE -> "most confident first";
                    case ENTROPY -> "nearest a boundary first";
                    case INDEX -> "as generated";
                };
            }

            @Override
            public GalleryFigure.Sort fromString(String s) {
                return null;
            }
        });
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        // no class at all would be an empty figure
        getDialogPane().lookupButton(ButtonType.OK).disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(
                classes.getCheckModel().getCheckedIndices()));
        setResultConverter(button -> {
            if (button != ButtonType.OK) {
                return null;
            }
            List<Integer> wanted = classes.getCheckModel().getCheckedIndices().size() == classNames.size() ? null
                    : classes.getCheckModel().getCheckedIndices().stream().sorted().toList();
            return new GalleryFigure.Options(layout.getValue(), columns.getValue(), size.getValue(),
                    captions.isSelected(), wanted, sort.getValue(), dark.isSelected(), removed.isSelected());
        });
        getDialogPane().setId("exportOptions");
        setResizable(true);
        sort.setId("exportSort");
        size.setId("exportSize");
        columns.setId("exportColumns");
        dark.setId("exportDark");
        captions.setId("exportCaptions");
        removed.setId("exportRemoved");
        getDialogPane().setMinWidth(520);
    }
}
