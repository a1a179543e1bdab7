package org.dsvstudio.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.image.ImageView;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.dsvstudio.app.NearestImages;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Everything about one candidate: the image large, its λ and status, the model's class probabilities as bars,
 * its entropy and target, and the nearest real training images (filled in by the caller, which owns the data).
 * Taller than most windows: put it in a ScrollPane.
 */
public final class DsvDetailPane extends VBox {

    /** What {@link #setNearestUnavailable} should say while no training data is attached. */
    public static final String NO_DATA_HINT =
            "Attach a data folder (File → Attach data folder…, Ctrl+D) to see the nearest real training images.";

    private static final String NEAREST_TITLE = "Nearest training images";

    /** Pixels of the large image; 224 = 8× a 28×28 image, the pixels stay crisp squares. */
    private static final double IMAGE_SIZE = 224;
    /** Pixels of a probability bar at 100 %. */
    private static final double BAR_WIDTH = 140;
    /** The narrowest a bar's track gets in a narrow pane. */
    private static final double BAR_MIN_WIDTH = 30;
    private static final String TAG_BOTH = "target · predicted";
    /** Pixels of the longest tag in gallery.css's .prob-tag font (10 px), with a little slack. */
    private static final double TAG_WIDTH = tagWidth(TAG_BOTH);
    private static final double NEAREST_SIZE = 64;

    private final Label placeholder = new Label("Select a candidate in the gallery to see its details.");
    private final VBox content = new VBox(8);
    private final Label title = new Label();
    private final ImageView image = new ImageView();
    private final Label lambda = new Label();
    private final Label status = new Label();
    private final Label predicted = new Label();
    private final Label entropy = new Label();
    private final Label target = new Label();
    private final VBox probabilities = new VBox(3);
    private final Label nearestHeader = new Label();
    private final VBox nearestBody = new VBox(4);
    private ModelCard card;

    public DsvDetailPane() {
        super(8);
        setId("detailPane");
        getStyleClass().add("detail-pane");
        placeholder.getStyleClass().add("gallery-hint");
        wrapToPaneWidth(placeholder);

        title.getStyleClass().add("detail-title");
        image.setId("detailImage");
        image.setSmooth(false);
        image.setPreserveRatio(true);
        image.setFitWidth(IMAGE_SIZE);
        image.setFitHeight(IMAGE_SIZE);
        StackPane frame = new StackPane(image);
        frame.getStyleClass().add("detail-image-frame");
        frame.setMaxWidth(Region.USE_PREF_SIZE);

        lambda.setId("detailLambda");
        status.setId("detailStatus");
        predicted.setId("detailPredicted");
        entropy.setId("detailEntropy");
        target.setId("detailTarget");
        wrapToPaneWidth(target);
        GridPane facts = new GridPane();
        facts.getStyleClass().add("detail-facts");
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS); // the values column takes the width the keys leave, so long ones wrap there
        facts.getColumnConstraints().setAll(new ColumnConstraints(), values);
        addFact(facts, 0, "λ", lambda);
        addFact(facts, 1, "Status", status);
        addFact(facts, 2, "Predicted", predicted);
        addFact(facts, 3, "Entropy", entropy);
        addFact(facts, 4, "Target", target);

        probabilities.setId("detailProbabilities");
        Label probHeader = new Label("Class probabilities");
        probHeader.getStyleClass().add("detail-section");

        nearestHeader.getStyleClass().add("detail-section");
        VBox nearest = new VBox(4, nearestHeader, nearestBody);
        nearest.setId("detailNearest");

        explain.setId("detailExplain");
        explain.setTooltip(new javafx.scene.control.Tooltip("Saliency maps of this DSV in the Explain tab"));
        explain.setMinWidth(Region.USE_PREF_SIZE);
        explain.setVisible(false);
        explain.managedProperty().bind(explain.visibleProperty());
        explain.setOnAction(e -> {
            if (onExplain != null && card != null && shown != null) {
                onExplain.accept(card, shown);
            }
        });
        title.setMinWidth(0);
        Region titleGap = new Region();
        HBox.setHgrow(titleGap, Priority.ALWAYS);
        HBox titleRow = new HBox(8, title, titleGap, explain);
        titleRow.setAlignment(Pos.CENTER_LEFT);
        content.getChildren().setAll(titleRow, frame, facts, probHeader, probabilities, nearest);
        addBoundaryRows(facts); // after the children are set: it inserts the use-as row below the facts
        clear();
    }

    /**
     * A long label wraps at the pane's width instead of widening the pane: a wrapping label still asks for its
     * one-line width unless its preferred width is made small and it may grow to what the pane gives it.
     */
    private static void wrapToPaneWidth(Label label) {
        label.setWrapText(true);
        label.setPrefWidth(120);
        label.setMaxWidth(Double.MAX_VALUE);
    }

    private static void addFact(GridPane grid, int row, String key, Label value) {
        Label k = new Label(key);
        k.getStyleClass().add("detail-fact-key");
        value.getStyleClass().add("detail-fact-value");
        grid.addRow(row, k, value);
    }

    /** Shows {@code c}, a candidate of a run of {@code card}'s model; the nearest-images section starts empty. */
    public void show(ModelCard newCard, Candidate c) {
        show(newCard, c, true);
    }

    /**
     * As {@link #show(ModelCard, Candidate)}; {@code kktMet} false when its run did not approximately meet the
     * KKT conditions, where λ ≥ 0 alone does not make a support vector.
     */
    public void show(ModelCard newCard, Candidate c, boolean kktMet) {
        card = Objects.requireNonNull(newCard, "card");
        Objects.requireNonNull(c, "candidate");
        shown = c;
        List<String> names = card.classNames();
        title.setText("#" + c.index() + " · " + org.dsvstudio.model.ClassLabels.caption(names.get(c.targetClass())));
        image.setImage(DsvThumbnails.toImage(c.image01(), card));
        lambda.setText(String.format(Locale.ROOT, "%.3g", c.lambda()));
        status.setText(!c.removed() ? kktMet ? "kept (λ ≥ 0: a support vector)"
                : "kept (λ ≥ 0), but the run did not meet the KKT conditions: not a support vector yet"
                : c.removedAtStep() >= 0 ? "removed at step " + c.removedAtStep() + " (λ fell below 0)"
                : "removed (λ fell below 0)");
        predicted.setText(String.format(Locale.ROOT, "%s · %.1f %%",
                org.dsvstudio.model.ClassLabels.caption(names.get(c.predicted())), 100 * c.confidence()));
        predicted.getStyleClass().remove("misclassified");
        if (!c.feasible()) {
            predicted.getStyleClass().add("misclassified");
        }
        // ln K is the entropy of a uniform prediction: the scale the value is read against.
        entropy.setText(String.format(Locale.ROOT, "%.3f nats (uniform: %.3f)", c.entropy(),
                Math.log(c.probabilities().length)));
        target.setText(targetText(c, names));
        probabilities.getChildren().setAll(IntStream.range(0, c.probabilities().length)
                .mapToObj(k -> probabilityRow(names.get(k), c.probabilities()[k], k == c.targetClass(),
                        k == c.predicted(), c.feasible()))
                .toList());
        nearestHeader.setText(NEAREST_TITLE);
        nearestBody.getChildren().clear();
        getChildren().setAll(content);
    }

    /** Back to the "select a candidate" hint. */
    public void clear() {
        card = null;
        getChildren().setAll(placeholder);
    }

    /** The target class; for a soft target (not one-hot) every class with weight, largest first. */
    private static String targetText(Candidate c, List<String> names) {
        float[] t = c.target();
        boolean oneHot = t[c.targetClass()] == 1f;
        if (oneHot) {
            return names.get(c.targetClass());
        }
        List<String> parts = new ArrayList<>();
        IntStream.range(0, t.length).filter(k -> t[k] > 0).boxed()
                .sorted(Comparator.comparingDouble((Integer k) -> t[k]).reversed())
                .forEach(k -> parts.add(String.format(Locale.ROOT, "%s %.0f %%", names.get(k), 100 * t[k])));
        return "soft: " + String.join(", ", parts);
    }

    private static double tagWidth(String longest) {
        Text text = new Text(longest);
        text.setFont(Font.font(Font.getDefault().getFamily(), 10));
        return Math.ceil(text.getLayoutBounds().getWidth()) + 4;
    }

    private static HBox probabilityRow(String name, float p, boolean isTarget, boolean isPredicted, boolean feasible) {
        Label nameLabel = new Label(name);
        nameLabel.getStyleClass().add("prob-name");
        StackPane track = new StackPane();
        track.getStyleClass().add("prob-track");
        track.setAlignment(Pos.CENTER_LEFT);
        // the track gives way when the pane is narrow (the tag must stay readable); the bar follows its width
        track.setMinWidth(BAR_MIN_WIDTH);
        track.setPrefWidth(BAR_WIDTH);
        track.setMaxWidth(BAR_WIDTH);
        Region bar = new Region();
        bar.getStyleClass().add("prob-bar");
        double fraction = Math.max(0, Math.min(1, p));
        bar.minWidthProperty().bind(track.widthProperty().multiply(fraction));
        bar.maxWidthProperty().bind(track.widthProperty().multiply(fraction));
        track.getChildren().add(bar);
        Label percent = new Label(String.format(Locale.ROOT, "%.1f %%", 100 * p));
        percent.getStyleClass().add("prob-percent");
        // The tag spells out what the highlight means, so the colours need no legend.
        String tagText = isTarget && isPredicted ? TAG_BOTH : isTarget ? "target" : isPredicted ? "predicted" : "";
        Label tag = new Label(tagText);
        tag.getStyleClass().add("prob-tag");
        // every row's tag as wide as the longest one, so all tracks give way alike and the bars stay comparable
        tag.setMinWidth(TAG_WIDTH);
        tag.setPrefWidth(TAG_WIDTH);
        HBox row = new HBox(6, nameLabel, track, percent, tag);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("prob-row");
        if (isTarget) {
            row.getStyleClass().add("target");
        }
        if (isPredicted) {
            row.getStyleClass().add(feasible ? "predicted" : "predicted-wrong");
        }
        return row;
    }

    /** A small spinner while the caller searches the training data. */
    public void setNearestLoading() {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setMaxSize(24, 24);
        Label text = new Label("Searching the training images…");
        text.getStyleClass().add("gallery-hint");
        HBox box = new HBox(8, spinner, text);
        box.setAlignment(Pos.CENTER_LEFT);
        nearestHeader.setText(NEAREST_TITLE);
        nearestBody.getChildren().setAll(box);
    }

    /** Says why there are no nearest images, e.g. {@link #NO_DATA_HINT}. */
    public void setNearestUnavailable(String why) {
        Label hint = new Label(Objects.requireNonNull(why, "why"));
        hint.getStyleClass().add("gallery-hint");
        wrapToPaneWidth(hint);
        nearestHeader.setText(NEAREST_TITLE);
        nearestBody.getChildren().setAll(hint);
    }

    /**
     * Shows {@code matches} (nearest first) as small tiles with class name and distance. The caller must pass
     * the matches of the candidate shown now (drop results of a search the user has since moved away from).
     *
     * @param spaceLabel where the distance was measured, e.g. "pixel space"
     * @param classNames the data set's class names, indexed by {@link NearestImages.Match#label()}
     * @throws IllegalStateException if no candidate is shown
     */
    public void setNearest(List<NearestImages.Match> matches, String spaceLabel, List<String> classNames) {
        if (card == null) {
            throw new IllegalStateException("show a candidate before its nearest training images");
        }
        if (matches.isEmpty()) {
            setNearestUnavailable("No training images to compare with.");
            return;
        }
        nearestHeader.setText(NEAREST_TITLE + " · " + spaceLabel);
        int pixels = card.channels() * card.height() * card.imageWidth();
        FlowPane tiles = new FlowPane(6, 6);
        for (NearestImages.Match m : matches) {
            if (m.image01().length != pixels) {
                throw new IllegalArgumentException("training image " + m.index() + " has " + m.image01().length
                        + " values but the model's images have " + pixels);
            }
            ImageView view = new ImageView(DsvThumbnails.toImage(m.image01(), card));
            view.setSmooth(false);
            view.setPreserveRatio(true);
            view.setFitWidth(NEAREST_SIZE);
            view.setFitHeight(NEAREST_SIZE);
            Label name = new Label(classNames.get(m.label()));
            name.getStyleClass().add("gallery-caption");
            Label distance = new Label(String.format(Locale.ROOT, "d %.3g", m.distance()));
            distance.getStyleClass().add("gallery-caption");
            VBox tile = new VBox(1, view, name, distance);
            tile.setAlignment(Pos.TOP_CENTER);
            tile.getStyleClass().add("nearest-tile");
            tile.setUserData(m);
            tiles.getChildren().add(tile);
        }
        nearestBody.getChildren().setAll(tiles);
    }

    // ---------------------------------------------------------------- boundaries: margin and "use as"

    private final Label margin = new Label("—");
    private final HBox useAs = new HBox(4);

    /** The margin fact (row 5) and a hidden "use as" row under the facts, shown once an action is set. */
    private void addBoundaryRows(GridPane facts) {
        margin.setId("detailMargin");
        wrapToPaneWidth(margin);
        addFact(facts, 5, "Margin", margin);
        useAs.setId("detailUseAs");
        useAs.setAlignment(Pos.CENTER_LEFT);
        useAs.setVisible(false);
        useAs.setManaged(false);
        content.getChildren().add(content.getChildren().indexOf(facts) + 1, useAs);
    }

    /** The candidate's distance to the nearest decision boundary, as text ("—" until known). */
    public void setMargin(String text) {
        margin.setText(text == null ? "—" : text);
    }

    /**
     * Buttons that put the shown candidate into the Boundaries tab: {@code action} gets the slot (0–2 plane
     * anchors A–C, 3 path start, 4 path end).
     */
    public void setUseAs(java.util.function.IntConsumer action) {
        useAs.getChildren().clear();
        if (action == null) {
            useAs.setVisible(false);
            useAs.setManaged(false);
            return;
        }
        Label text = new Label("Use as");
        text.getStyleClass().add("detail-fact-key");
        useAs.getChildren().add(text);
        String[] labels = {"A", "B", "C", "Start", "End"};
        String[] tips = {"anchor A of the decision plane", "anchor B of the decision plane",
            "anchor C of the decision plane", "the start of a decision path", "the end of a decision path"};
        for (int i = 0; i < labels.length; i++) {
            int slot = i;
            javafx.scene.control.Button b = new javafx.scene.control.Button(labels[i]);
            b.setId("detailUse" + labels[i]);
            b.getStyleClass().add("use-as");
            b.setTooltip(new javafx.scene.control.Tooltip("Use this DSV as " + tips[i] + " (Boundaries tab)"));
            b.setOnAction(e -> action.accept(slot));
            useAs.getChildren().add(b);
        }
        useAs.setVisible(true);
        useAs.setManaged(true);
    }

    // The Explain button (shown once an action is set)

    private final javafx.scene.control.Button explain = new javafx.scene.control.Button("Explain");
    private java.util.function.BiConsumer<ModelCard, Candidate> onExplain;
    private Candidate shown;

    /** Shows an Explain button that passes the shown candidate and its model's card to action. */
    public void setOnExplain(java.util.function.BiConsumer<ModelCard, Candidate> action) {
        onExplain = action;
        explain.setVisible(action != null);
    }
}
