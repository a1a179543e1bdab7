package org.dsvstudio.ui;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;

import java.util.List;
import java.util.Locale;

/** The gallery's first row for an edit: the start image ("before"), an arrow, the edited candidates ("after"). */
final class BeforeAfterRow {

    private static final double SIZE = 112;

    private BeforeAfterRow() {
    }

    static Node of(JobViewModel job, KktResult result) {
        ModelCard card = job.card();
        float[] before = job.startImages()[0];
        List<String> names = card.classNames();
        float[] target = job.spec().singleTarget(card.numClasses());
        String to = target == null ? "" : GenerationPlan.describeTarget(target, names);
        Label title = new Label("Edit of " + job.spec().startLabel() + " → " + to);
        title.getStyleClass().add("gallery-row-header");

        VBox beforeTile = tile(before, card, "before", null);
        beforeTile.setId("editBefore");
        Label arrow = new Label("→");
        arrow.getStyleClass().add("edit-arrow");
        FlowPane row = new FlowPane(10, 6, beforeTile, arrow);
        row.setAlignment(Pos.CENTER_LEFT);
        for (Candidate c : result.kept()) {
            String caption = String.format(Locale.ROOT, "after · %s %.0f %%", names.get(c.predicted()),
                    100 * c.confidence());
            VBox t = tile(c.image01(), card, caption, String.format(Locale.ROOT,
                    "#%d · predicted %s (%.1f %%)\nentropy %.3f nats · λ %.3g", c.index(), names.get(c.predicted()),
                    100 * c.confidence(), c.entropy(), c.lambda()));
            t.getStyleClass().add("edit-after");
            if (!c.feasible()) {
                t.getChildren().get(1).getStyleClass().add("misclassified");
            }
            row.getChildren().add(t);
        }
        if (result.kept().isEmpty()) {
            Label none = new Label("no kept candidate");
            none.getStyleClass().add("gallery-hint");
            row.getChildren().add(none);
        }
        VBox box = new VBox(4, title, row);
        box.getStyleClass().addAll("gallery-row", "before-after");
        box.setId("beforeAfter");
        return box;
    }

    private static VBox tile(float[] image01, ModelCard card, String caption, String tooltip) {
        ImageView view = new ImageView(DsvThumbnails.toImage(image01, card));
        view.setSmooth(false);
        view.setPreserveRatio(true);
        view.setFitWidth(SIZE);
        view.setFitHeight(SIZE);
        Label text = new Label(caption);
        text.getStyleClass().add("gallery-caption");
        VBox tile = new VBox(2, view, text);
        tile.setAlignment(Pos.TOP_CENTER);
        if (tooltip != null) {
            Tooltip.install(tile, new Tooltip(tooltip));
        }
        return tile;
    }
}
