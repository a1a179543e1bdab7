package org.dsvstudio.ui;

import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Group;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.dsvstudio.app.ModelComparison;

import java.util.List;
import java.util.Locale;

/**
 * One direction of a model comparison: the agreement figure and the K×K confusion matrix as a heat map (cells
 * coloured by count, the count written in, class names on both axes; rows = the DSV's class, columns = the
 * other model's prediction; the diagonal, where the models agree, is outlined).
 */
public final class ConfusionHeatMap extends VBox {

    private static final double CELL = 34;
    private static final Color LOW = Color.web("#f8fafc");
    private static final Color HIGH = Color.web("#1d4ed8");

    private final Label title = new Label();
    private final Label agreement = new Label();
    private final GridPane grid = new GridPane();

    public ConfusionHeatMap() {
        super(6);
        getStyleClass().add("heatmap");
        setPadding(new Insets(10));
        title.getStyleClass().add("section-header");
        title.setWrapText(true);
        agreement.getStyleClass().add("heatmap-agreement");
        grid.setHgap(1);
        grid.setVgap(1);
        getChildren().addAll(title, agreement, grid);
    }

    /** Shows one direction, or a hint (direction null). */
    public void show(ModelComparison.Direction d, String hintWhenNone) {
        grid.getChildren().clear();
        if (d == null) {
            title.setText(hintWhenNone);
            agreement.setText("");
            return;
        }
        title.setText("DSVs of " + d.dsvModel() + " (" + d.runLabel() + ") classified by " + d.classifier());
        agreement.setText(String.format(Locale.ROOT, "agreement %.0f %%  (%d of %d DSVs)", 100 * d.agreement(),
                d.agreed(), d.total()));
        List<String> names = d.classNames();
        int k = names.size();
        int max = Math.max(1, d.maxCount());

        Label columns = new Label("predicted by " + d.classifier() + " →");
        columns.getStyleClass().add("heatmap-axis");
        grid.add(columns, 2, 0, k, 1);
        Label rows = new Label("class of " + d.dsvModel() + "'s DSV ↓");
        rows.getStyleClass().add("heatmap-axis");
        Group rotatedRows = new Group(rows);
        rows.setRotate(-90);
        grid.add(rotatedRows, 0, 2, 1, k);
        GridPane.setValignment(rotatedRows, VPos.CENTER);
        for (int p = 0; p < k; p++) {
            Label name = new Label(names.get(p));
            name.getStyleClass().add("heatmap-class");
            name.setRotate(-60);
            Group g = new Group(name);
            grid.add(g, p + 2, 1);
            GridPane.setHalignment(g, HPos.CENTER);
            GridPane.setValignment(g, VPos.BOTTOM);
        }
        for (int t = 0; t < k; t++) {
            Label name = new Label(names.get(t));
            name.getStyleClass().add("heatmap-class");
            grid.add(name, 1, t + 2);
            GridPane.setHalignment(name, HPos.RIGHT);
            int rowTotal = 0;
            for (int v : d.confusion()[t]) {
                rowTotal += v;
            }
            for (int p = 0; p < k; p++) {
                int n = d.confusion()[t][p];
                double f = (double) n / max;
                Rectangle r = new Rectangle(CELL, CELL, n == 0 ? LOW : LOW.interpolate(HIGH, 0.15 + 0.85 * f));
                if (t == p) {
                    r.setStroke(Color.web("#16a34a"));
                    r.setStrokeWidth(2);
                    r.setWidth(CELL - 2);
                    r.setHeight(CELL - 2);
                }
                Label count = new Label(n == 0 ? "" : Integer.toString(n));
                count.setTextFill(f > 0.5 ? Color.WHITE : Color.web("#111827"));
                count.getStyleClass().add("heatmap-count");
                StackPane cell = new StackPane(r, count);
                cell.setAlignment(Pos.CENTER);
                cell.setMinSize(CELL, CELL);
                cell.getStyleClass().add("heatmap-cell");
                cell.setUserData(new int[] {t, p, n});
                Tooltip.install(cell, new Tooltip(String.format(Locale.ROOT, "%d of the %d DSVs of %s → %s", n,
                        rowTotal, names.get(t), names.get(p))));
                grid.add(cell, p + 2, t + 2);
            }
        }
    }

    /** The matrix as shown, rows = DSV class (tests read it back). */
    public int[][] shownCounts() {
        int k = (int) Math.round(Math.sqrt(grid.getChildren().stream().filter(n -> n.getUserData() instanceof int[])
                .count()));
        int[][] out = new int[k][k];
        grid.getChildren().stream().filter(n -> n.getUserData() instanceof int[]).forEach(n -> {
            int[] v = (int[]) n.getUserData();
            out[v[0]][v[1]] = v[2];
        });
        return out;
    }

    public String agreementText() {
        return agreement.getText();
    }
}
