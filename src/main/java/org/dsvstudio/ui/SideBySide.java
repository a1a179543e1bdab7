package org.dsvstudio.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ClassLabels;
import org.dsvstudio.model.ModelCard;

import java.util.List;
import java.util.Locale;

/**
 * The kept DSVs of two runs, one row per class, model 1's on the left and model 2's on the right (classes matched
 * by name): how two models' support vectors of a class look, e.g. a standard model's texture beside a robust
 * model's shapes. Plain images of finished runs: nothing is computed.
 */
final class SideBySide extends VBox {

    private static final double SCALE = 2.5;

    private final Label header = new Label();
    private final GridPane grid = new GridPane();

    SideBySide() {
        super(8);
        setId("sideBySide");
        header.getStyleClass().add("section-header");
        grid.setHgap(16);
        grid.setVgap(6);
        getChildren().addAll(header, grid);
        show(null, null);
    }

    /** Shows run 1 (model 1's) and run 2 (model 2's, may be null); null run 1 clears the view. */
    void show(JobViewModel run1, JobViewModel run2) {
        grid.getChildren().clear();
        KktResult r1 = run1 == null ? null : run1.resultProperty().get();
        if (r1 == null) {
            header.setText("DSVs side by side: choose a finished run of model 1 (and of model 2)");
            return;
        }
        KktResult r2 = run2 == null ? null : run2.resultProperty().get();
        ModelCard c1 = run1.card();
        ModelCard c2 = r2 == null ? null : run2.card();
        header.setText("DSVs side by side: " + c1.name() + " (run #" + run1.number() + ")"
                + (r2 == null ? "" : " · " + c2.name() + " (run #" + run2.number() + ")"));
        grid.add(new Label(c1.name()), 1, 0);
        if (r2 != null) {
            grid.add(new Label(c2.name()), 2, 0);
        }
        int row = 1;
        for (int k = 0; k < c1.numClasses(); k++) {
            String name = c1.classNames().get(k);
            HBox left = images(r1, c1, k);
            if (left.getChildren().isEmpty()) {
                continue;
            }
            Label label = new Label(ClassLabels.caption(name));
            label.setMinWidth(90);
            grid.add(label, 0, row);
            grid.add(left, 1, row);
            if (r2 != null) {
                int k2 = c2.classNames().indexOf(name);
                grid.add(k2 < 0 ? new Label("(no class of this name)") : images(r2, c2, k2), 2, row);
            }
            row++;
        }
    }

    private static HBox images(KktResult r, ModelCard card, int cls) {
        HBox box = new HBox(4);
        box.setAlignment(Pos.CENTER_LEFT);
        box.setPadding(new Insets(1));
        List<Candidate> kept = r.kept().stream().filter(c -> c.targetClass() == cls).toList();
        for (Candidate c : kept) {
            ImageView view = new ImageView(DsvThumbnails.toImage(c.image01(), card));
            view.setFitWidth(card.imageWidth() * SCALE);
            view.setFitHeight(card.height() * SCALE);
            view.setSmooth(false);
            Label cell = new Label(null, view);
            cell.setTooltip(new Tooltip(String.format(Locale.ROOT, "#%d · λ %.3g · %s %.0f %%", c.index(),
                    c.lambda(), card.classNames().get(c.predicted()), 100 * c.confidence())));
            box.getChildren().add(cell);
        }
        return box;
    }
}
