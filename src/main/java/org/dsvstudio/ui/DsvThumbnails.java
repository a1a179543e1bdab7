package org.dsvstudio.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The candidates of a run as thumbnails, grouped by class, refreshed from progress snapshots. */
public final class DsvThumbnails extends FlowPane {

    private static final double SIZE = 72;

    private final List<ImageView> views = new ArrayList<>();
    private final List<Label> captions = new ArrayList<>();
    private ModelCard card;
    private int[] classOf;

    public DsvThumbnails() {
        super(14, 10);
        setId("thumbnails");
        setPadding(new Insets(4, 0, 0, 0));
    }

    /** Lays out empty cells for perClass candidates of each listed class (null = every class of card). */
    public void reset(ModelCard newCard, int perClass, int[] classes) {
        card = newCard;
        getChildren().clear();
        views.clear();
        captions.clear();
        int[] shown = classes != null ? classes : java.util.stream.IntStream.range(0, newCard.numClasses()).toArray();
        classOf = new int[shown.length * perClass];
        int i = 0;
        for (int c : shown) {
            Label name = new Label(newCard.classNames().get(c));
            name.getStyleClass().add("thumb-class");
            // at most eight in a row: 20 per class would otherwise make the run view wider than a 1280 px window
            javafx.scene.layout.FlowPane cells = new javafx.scene.layout.FlowPane(6, 6);
            cells.setPrefWrapLength(Math.min(perClass, 8) * (SIZE + 14));
            for (int k = 0; k < perClass; k++) {
                ImageView view = new ImageView();
                view.setFitWidth(SIZE);
                view.setFitHeight(SIZE);
                view.setSmooth(false);
                view.getStyleClass().add("thumb");
                Label caption = new Label("—");
                caption.getStyleClass().add("thumb-caption");
                VBox cell = new VBox(2, view, caption);
                cell.setAlignment(Pos.TOP_CENTER);
                cells.getChildren().add(cell);
                views.add(view);
                captions.add(caption);
                classOf[i++] = c;
            }
            VBox group = new VBox(4, name, cells);
            group.getStyleClass().add("thumb-group");
            getChildren().add(group);
        }
    }

    public int shownImages() {
        return (int) views.stream().filter(v -> v.getImage() != null).count();
    }

    public void show(KktProgress p) {
        if (card == null || p.images01().length != views.size()) {
            return;
        }
        for (int i = 0; i < views.size(); i++) {
            views.get(i).setImage(toImage(p.images01()[i], card));
            String text = p.removed()[i] ? "removed" : String.format(Locale.ROOT, "λ %.3g · %.0f%%", p.lambda()[i],
                    100 * p.confidence()[i]);
            captions.get(i).setText(text);
            boolean wrong = p.predicted()[i] != classOf[i];
            String tip = "predicted " + card.classNames().get(p.predicted()[i])
                    + String.format(Locale.ROOT, " (%.1f %%), entropy %.3f nats", 100 * p.confidence()[i], p.entropy()[i]);
            // one tooltip per cell, updated in place: a new Tooltip per snapshot only fed the FX thread garbage
            if (captions.get(i).getTooltip() == null) {
                captions.get(i).setTooltip(new Tooltip(tip));
            } else {
                captions.get(i).getTooltip().setText(tip);
            }
            // colours come from the style sheet (light and dark theme); only the state is set here
            if (wrong != captions.get(i).getStyleClass().contains("misclassified")) {
                if (wrong) {
                    captions.get(i).getStyleClass().add("misclassified");
                } else {
                    captions.get(i).getStyleClass().remove("misclassified");
                }
            }
            views.get(i).setOpacity(p.removed()[i] ? 0.35 : 1);
        }
    }

    static Image toImage(float[] image01, ModelCard card) {
        int h = card.height();
        int w = card.imageWidth();
        int plane = h * w;
        // one ARGB buffer written at once: a Color object and a setColor call per pixel cost the FX thread
        // tens of milliseconds per gallery (seen sampling its stack during a run)
        int[] argb = new int[plane];
        boolean gray = card.channels() == 1;
        for (int p = 0; p < plane; p++) {
            int r = byteOf(image01[p]);
            int g = gray ? r : byteOf(image01[plane + p]);
            int b = gray ? r : byteOf(image01[2 * plane + p]);
            argb[p] = 0xff000000 | r << 16 | g << 8 | b;
        }
        WritableImage img = new WritableImage(w, h);
        img.getPixelWriter().setPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, w);
        return img;
    }

    /** A pixel in [0, 1] as 0–255, as Color.gray / Color.color round it (NaN as black). */
    private static int byteOf(float v) {
        return (int) Math.round(clamp(v) * 255.0);
    }

    private static double clamp(float v) {
        return Float.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    /** Renames every group (a mix run's one group is titled by its soft target, not its largest class). */
    public void relabel(String title) {
        for (javafx.scene.Node group : getChildren()) {
            if (group instanceof VBox box && !box.getChildren().isEmpty() && box.getChildren().get(0) instanceof Label l) {
                l.setText(title);
            }
        }
    }
}
