package org.dsvstudio.ui;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.event.EventHandler;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The candidates of one finished (or cancelled) run: one row per class, tiles sorted, filtered and zoomed from a
 * toolbar; clicking a tile selects it.
 *
 * <p>Tiles (and their images) are built once per {@link #show}; sorting and filtering only re-add the existing
 * nodes, so 10 classes × 50 candidates re-order without re-rendering a pixel.
 */
public final class GalleryView extends BorderPane {

    /**
     * Tile order within a row. All descending: the strongest support vectors (large λ), the most confident and
     * the most ambiguous (high entropy, near a decision boundary) come first — each the end a user sorts by
     * that key to look at. Ties keep the run's order.
     */
    public enum SortKey {
        LAMBDA("λ", Comparator.comparingDouble(Candidate::lambda)),
        CONFIDENCE("confidence", Comparator.comparingDouble(Candidate::confidence)),
        ENTROPY("entropy", Comparator.comparingDouble(Candidate::entropy));

        private final String label;
        private final Comparator<Candidate> order;

        SortKey(String label, Comparator<Candidate> ascending) {
            this.label = label;
            this.order = ascending.reversed().thenComparingInt(Candidate::index);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final String ALL_CLASSES = "All classes";

    private final ChoiceBox<SortKey> sort = new ChoiceBox<>(FXCollections.observableArrayList(SortKey.values()));
    private final Slider zoom = new Slider(48, 192, 96);
    private final ComboBox<String> classFilter = new ComboBox<>();
    private final CheckBox showRemoved = new CheckBox("Show removed");
    private final VBox rowsBox = new VBox();
    private final Label emptyHint = new Label("Run DeepKKT to see its candidates here.");
    private final ReadOnlyObjectWrapper<Candidate> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final List<Row> rows = new ArrayList<>();
    private final List<Row> shownRows = new ArrayList<>();
    private final Map<Candidate, Node> tileOf = new IdentityHashMap<>();

    /** One class: its header, its tile strip, every tile it owns and a hint for when none is shown. */
    private record Row(VBox node, FlowPane strip, List<Node> tiles, Label noneShown) {
    }

    public GalleryView() {
        setId("gallery");
        getStyleClass().add("gallery");
        sort.setId("gallerySort");
        sort.setValue(SortKey.LAMBDA);
        zoom.setId("galleryZoom");
        zoom.setPrefWidth(140);
        zoom.setTooltip(new Tooltip("Thumbnail size"));
        classFilter.setId("galleryClass");
        classFilter.getItems().add(ALL_CLASSES);
        classFilter.getSelectionModel().select(0);
        showRemoved.setId("galleryShowRemoved");
        showRemoved.setTooltip(new Tooltip("Candidates whose λ fell below 0 during the run (not support vectors)"));

        // a FlowPane, so a narrow gallery wraps its tools instead of truncating them
        FlowPane toolbar = new FlowPane(10, 6, new Label("Sort by"), sort, new Label("Size"), zoom, classFilter,
                showRemoved);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.getStyleClass().add("gallery-toolbar");
        setTop(toolbar);

        emptyHint.getStyleClass().add("gallery-hint");
        rowsBox.getStyleClass().add("gallery-rows");
        rowsBox.getChildren().setAll(emptyHint);
        ScrollPane scroll = new ScrollPane(rowsBox);
        scroll.setFitToWidth(true); // lets each row's FlowPane wrap at the visible width
        setCenter(scroll);

        sort.valueProperty().addListener((obs, old, key) -> refresh());
        classFilter.getSelectionModel().selectedIndexProperty().addListener((obs, old, i) -> refresh());
        showRemoved.selectedProperty().addListener((obs, old, on) -> refresh());
    }

    /** Empties the gallery, with a hint saying what will appear here. */
    public void clear(String hint) {
        select(null);
        rows.clear();
        tileOf.clear();
        banner = null;
        emptyHint.setText(hint);
        classFilter.getItems().setAll(ALL_CLASSES);
        classFilter.getSelectionModel().select(0);
        refresh();
    }

    /** Replaces the gallery with the candidates of {@code result}; clears the selection. */
    public void show(ModelCard card, KktResult result) {
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(result, "result");
        select(null);
        rows.clear();
        tileOf.clear();
        banner = null;
        List<String> filterItems = new ArrayList<>(List.of(ALL_CLASSES));
        // Rows only for classes the run generated for (a run may be limited to some classes).
        for (int c = 0; c < card.numClasses(); c++) {
            int cls = c;
            List<Candidate> members = result.candidates().stream().filter(x -> x.targetClass() == cls).toList();
            if (!members.isEmpty()) {
                String label = rowLabel(members, card);
                rows.add(buildRow(label, members, card));
                filterItems.add(label);
            }
        }
        emptyHint.setText("This run produced no candidates.");
        classFilter.getItems().setAll(filterItems);
        classFilter.getSelectionModel().select(0);
        refresh();
    }

    /** The selected candidate, or null; set by clicking a tile or by {@link #select}. */
    public ReadOnlyObjectProperty<Candidate> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Selects {@code candidate} (one of the shown result's) and marks its tile; null clears the selection. */
    public void select(Candidate candidate) {
        Node previous = selected.get() == null ? null : tileOf.get(selected.get());
        if (previous != null) {
            previous.getStyleClass().remove("selected");
        }
        selected.set(candidate);
        Node tile = candidate == null ? null : tileOf.get(candidate);
        if (tile != null) {
            tile.getStyleClass().add("selected");
        }
    }

    /** The candidates whose tiles are shown, in display order: row by row, each row in the sort order. */
    public List<Candidate> visibleCandidates() {
        List<Candidate> out = new ArrayList<>();
        for (Row row : shownRows) {
            for (Node n : row.strip().getChildren()) {
                if (n.getUserData() instanceof Candidate c) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private Row buildRow(String className, List<Candidate> members, ModelCard card) {
        long removed = members.stream().filter(Candidate::removed).count();
        Label name = new Label(className);
        name.getStyleClass().add("gallery-row-header");
        Label count = new Label(String.format(Locale.ROOT, "%d kept · %d removed", members.size() - removed, removed));
        count.getStyleClass().add("gallery-row-count");
        HBox header = new HBox(8, name, count);
        header.setAlignment(Pos.BASELINE_LEFT);
        FlowPane strip = new FlowPane(6, 6);
        List<Node> tiles = new ArrayList<>(members.size());
        for (Candidate c : members) {
            Node tile = buildTile(c, card);
            tiles.add(tile);
            tileOf.put(c, tile);
        }
        Label noneShown = new Label("No kept candidates — tick “Show removed” to see the removed ones.");
        noneShown.getStyleClass().add("gallery-hint");
        VBox node = new VBox(4, header, strip);
        node.getStyleClass().add("gallery-row");
        return new Row(node, strip, tiles, noneShown);
    }

    private Node buildTile(Candidate c, ModelCard card) {
        ImageView view = new ImageView(DsvThumbnails.toImage(c.image01(), card));
        view.setSmooth(false); // nearest-neighbour: a 28×28 DSV must show its real pixels, not a blur
        view.setPreserveRatio(true);
        view.fitWidthProperty().bind(zoom.valueProperty());
        view.fitHeightProperty().bind(zoom.valueProperty());
        Label caption = new Label(String.format(Locale.ROOT, "λ %.3g · %.0f %%", c.lambda(), 100 * c.confidence()));
        caption.getStyleClass().add("gallery-caption");
        if (!c.feasible()) {
            caption.getStyleClass().add("misclassified");
        }
        VBox tile = new VBox(2, view, caption);
        tile.setAlignment(Pos.TOP_CENTER);
        tile.getStyleClass().add("gallery-tile");
        if (c.removed()) {
            tile.getStyleClass().add("removed");
        }
        tile.setUserData(c);
        tile.setOnMouseClicked(e -> select(c));
        // The tooltip is made on first hover: 500 made up front took as long as all the rest of show().
        tile.addEventHandler(MouseEvent.MOUSE_ENTERED, new EventHandler<>() {
            @Override
            public void handle(MouseEvent e) {
                Tooltip.install(tile, new Tooltip(tooltip(c, card)));
                tile.removeEventHandler(MouseEvent.MOUSE_ENTERED, this);
            }
        });
        return tile;
    }

    private static String tooltip(Candidate c, ModelCard card) {
        String status = !c.removed() ? "kept"
                : c.removedAtStep() >= 0 ? "removed at step " + c.removedAtStep() : "removed";
        return String.format(Locale.ROOT, "#%d · %s\npredicted %s (%.1f %%)\nentropy %.3f nats", c.index(), status,
                org.dsvstudio.model.ClassLabels.caption(card.classNames().get(c.predicted())), 100 * c.confidence(),
                c.entropy());
    }

    /** Re-adds the existing row and tile nodes for the current filter, sort and "show removed" choice. */
    private void refresh() {
        int filter = classFilter.getSelectionModel().getSelectedIndex(); // 0 (or none): all; i: the i-th row
        shownRows.clear();
        if (filter > 0 && filter <= rows.size()) {
            shownRows.add(rows.get(filter - 1));
        } else {
            shownRows.addAll(rows);
        }
        Comparator<Candidate> order = sort.getValue().order;
        boolean withRemoved = showRemoved.isSelected();
        for (Row row : shownRows) {
            List<Node> tiles = row.tiles().stream()
                    .filter(t -> withRemoved || !((Candidate) t.getUserData()).removed())
                    .sorted(Comparator.comparing(t -> (Candidate) t.getUserData(), order))
                    .toList();
            if (tiles.isEmpty()) {
                row.strip().getChildren().setAll(row.noneShown());
            } else {
                row.strip().getChildren().setAll(tiles);
            }
        }
        if (shownRows.isEmpty()) {
            rowsBox.getChildren().setAll(emptyHint);
        } else {
            rowsBox.getChildren().setAll(shownRows.stream().map(Row::node).toList());
        }
        if (banner != null) {
            rowsBox.getChildren().add(0, banner);
        }
    }

    // ---- Mixes and edits ----

    private Node banner;

    /**
     * A row shown above the class rows until the next {@link #show} or {@link #clear} (an edit's start image
     * beside its results), or null for none.
     */
    public void setBanner(Node node) {
        banner = node;
        refresh();
    }

    /** A row's title: the class, or the soft target when its candidates share one ("Coat 40 % / Shirt 60 %"). */
    private static String rowLabel(List<Candidate> members, ModelCard card) {
        float[] first = members.get(0).target();
        boolean shared = members.stream().allMatch(m -> java.util.Arrays.equals(m.target(), first));
        return shared && first != null ? org.dsvstudio.app.GenerationPlan.describeTarget(first, card.classNames())
                : org.dsvstudio.model.ClassLabels.caption(card.classNames().get(members.get(0).targetClass()));
    }
}
