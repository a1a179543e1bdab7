package org.dsvstudio.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.stage.Stage;
import org.dsvstudio.app.NearestImages;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gallery of a synthetic run: filtering, sorting, selection, and the detail pane it drives. No model. */
@ExtendWith(ApplicationExtension.class)
class GalleryViewTest {

    private static final List<String> CLASSES = List.of("zero", "one", "two");
    private static final int SIDE = 8;
    private static final ModelCard CARD = new ModelCard("synthetic", "convnet", 8, "weights.params",
            new int[] {1, SIDE, SIDE}, CLASSES, new double[] {0.5}, new double[] {0.5}, "synthetic", null, null,
            null, null, null);

    private GalleryView gallery;
    private DsvDetailPane detail;
    private KktResult result;

    /**
     * Four candidates per class with λ, confidence and entropy in different orders, so each sort gives a
     * different row order. The last of each class is removed; candidate #1 (class zero) is classified as "two".
     */
    private static KktResult syntheticResult() {
        double[] lambdas = {0.5, 2.0, 1.0, 3.0};
        double[] confidences = {0.9, 0.6, 0.95, 0.7};
        double[] entropies = {0.3, 0.9, 0.1, 0.6};
        List<Candidate> candidates = new ArrayList<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int j = 0; j < 4; j++) {
                int index = c * 4 + j;
                int predicted = index == 1 ? 2 : c;
                float[] probs = new float[CLASSES.size()];
                float rest = (float) (1 - confidences[j]) / (CLASSES.size() - 1);
                for (int k = 0; k < probs.length; k++) {
                    probs[k] = k == predicted ? (float) confidences[j] : rest;
                }
                float[] target = new float[CLASSES.size()];
                target[c] = 1f;
                float[] image = new float[SIDE * SIDE];
                for (int p = 0; p < image.length; p++) {
                    image[p] = ((p + index * 3) % 17) / 16f; // a different stripe pattern per candidate
                }
                boolean removed = j == 3;
                candidates.add(new Candidate(index, c, target, lambdas[j] + 0.01 * c, removed, removed ? 120 : -1,
                        predicted, new float[CLASSES.size()], probs, entropies[j], image));
            }
        }
        return new KktResult(KktPresets.get("quick"), 7, "noise", candidates, List.of(), 200, null, null, 0, 1.5, 1.0,
                0.4, 1000, List.of("fc.weight"), List.of());
    }

    @Start
    void start(Stage stage) {
        result = syntheticResult();
        gallery = new GalleryView();
        detail = new DsvDetailPane();
        gallery.selectedProperty().addListener((obs, old, c) -> {
            if (c == null) {
                detail.clear();
            } else {
                detail.show(CARD, c);
            }
        });
        gallery.show(CARD, result);
        HBox root = new HBox(gallery, detail);
        HBox.setHgrow(gallery, Priority.ALWAYS);
        Scene scene = new Scene(root, 1100, 760);
        scene.getStylesheets().add(GalleryView.class.getResource("/org/dsvstudio/ui/gallery.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    private List<Candidate> rowOf(int cls) {
        return gallery.visibleCandidates().stream().filter(c -> c.targetClass() == cls).toList();
    }

    private List<Candidate> expectedRow(int cls, boolean withRemoved, ToDoubleFunction<Candidate> key) {
        return result.candidates().stream().filter(c -> c.targetClass() == cls && (withRemoved || !c.removed()))
                .sorted(Comparator.comparingDouble(key).reversed()).toList();
    }

    @Test
    void removedCandidatesAreHiddenUntilTheCheckboxIsTicked(FxRobot robot) {
        List<Candidate> visible = gallery.visibleCandidates();
        assertEquals(9, visible.size());
        assertTrue(visible.stream().noneMatch(Candidate::removed));

        robot.clickOn("#galleryShowRemoved");
        assertEquals(12, gallery.visibleCandidates().size());
        assertEquals(12, robot.lookup(".gallery-tile").queryAll().size());
        for (Node tile : robot.lookup(".gallery-tile").queryAll()) {
            assertEquals(((Candidate) tile.getUserData()).removed(), tile.getStyleClass().contains("removed"));
        }
    }

    @Test
    void eachSortKeyReordersTheTilesWithinEveryRow(FxRobot robot) {
        @SuppressWarnings("unchecked")
        ChoiceBox<GalleryView.SortKey> sort = robot.lookup("#gallerySort").queryAs(ChoiceBox.class);
        assertEquals(GalleryView.SortKey.LAMBDA, sort.getValue());
        robot.clickOn("#galleryShowRemoved");
        Image firstImage = ((ImageView) ((Pane) robot.lookup(".gallery-tile").query()).getChildren().get(0)).getImage();
        Candidate firstCandidate = (Candidate) robot.lookup(".gallery-tile").query().getUserData();

        for (int cls = 0; cls < CLASSES.size(); cls++) {
            assertEquals(expectedRow(cls, true, Candidate::lambda), rowOf(cls), "λ, class " + cls);
        }
        robot.interact(() -> sort.setValue(GalleryView.SortKey.CONFIDENCE));
        for (int cls = 0; cls < CLASSES.size(); cls++) {
            assertEquals(expectedRow(cls, true, Candidate::confidence), rowOf(cls), "confidence, class " + cls);
        }
        robot.interact(() -> sort.setValue(GalleryView.SortKey.ENTROPY));
        for (int cls = 0; cls < CLASSES.size(); cls++) {
            assertEquals(expectedRow(cls, true, Candidate::entropy), rowOf(cls), "entropy, class " + cls);
        }
        // The orders really differ, and rows stay grouped by class in class order.
        assertNotEquals(expectedRow(0, true, Candidate::lambda), expectedRow(0, true, Candidate::entropy));
        List<Integer> classesInOrder = gallery.visibleCandidates().stream().map(Candidate::targetClass).toList();
        assertEquals(classesInOrder.stream().sorted().toList(), classesInOrder);

        // Re-sorting re-adds the tiles built by show(): the same node keeps the same image.
        Node sameTile = robot.lookup(".gallery-tile").queryAll().stream()
                .filter(t -> t.getUserData() == firstCandidate).findFirst().orElseThrow();
        assertSame(firstImage, ((ImageView) ((Pane) sameTile).getChildren().get(0)).getImage());
    }

    @Test
    void theClassFilterLeavesOneRow(FxRobot robot) {
        assertEquals(3, robot.lookup(".gallery-row").queryAll().size());
        @SuppressWarnings("unchecked")
        ComboBox<String> filter = robot.lookup("#galleryClass").queryAs(ComboBox.class);
        assertEquals(List.of("All classes", "zero", "one", "two"), filter.getItems());
        robot.interact(() -> filter.getSelectionModel().select("one"));
        assertEquals(1, robot.lookup(".gallery-row").queryAll().size());
        assertTrue(gallery.visibleCandidates().stream().allMatch(c -> c.targetClass() == 1));
        assertEquals(3, gallery.visibleCandidates().size());
        robot.interact(() -> filter.getSelectionModel().select("All classes"));
        assertEquals(3, robot.lookup(".gallery-row").queryAll().size());
    }

    @Test
    void clickingATileSelectsItAndTheDetailPaneShowsIt(FxRobot robot) {
        Candidate misclassified = result.candidates().get(1);
        Node tile = robot.lookup(".gallery-tile").queryAll().stream()
                .filter(t -> t.getUserData() == misclassified).findFirst().orElseThrow();
        robot.clickOn(tile);

        assertSame(misclassified, gallery.selectedProperty().get());
        assertTrue(tile.getStyleClass().contains("selected"));
        assertEquals(1, robot.lookup(".gallery-tile.selected").queryAll().size());
        Label lambda = robot.lookup("#detailLambda").queryAs(Label.class);
        assertEquals(String.format(Locale.ROOT, "%.3g", misclassified.lambda()), lambda.getText());
        Pane probabilities = robot.lookup("#detailProbabilities").queryAs(Pane.class);
        assertEquals(CLASSES.size(), probabilities.getChildren().size());
        assertTrue(probabilities.getChildren().get(0).getStyleClass().contains("target"));
        assertTrue(probabilities.getChildren().get(2).getStyleClass().contains("predicted-wrong"));
        assertTrue(robot.lookup("#detailEntropy").queryAs(Label.class).getText().startsWith("0.900 nats"));
        Label caption = (Label) ((Pane) tile).getChildren().get(1);
        assertTrue(caption.getStyleClass().contains("misclassified"), "a misclassified caption is red");

        Node other = robot.lookup(".gallery-tile").queryAll().stream()
                .filter(t -> t.getUserData() == result.candidates().get(4)).findFirst().orElseThrow();
        robot.clickOn(other);
        assertFalse(tile.getStyleClass().contains("selected"), "the previous tile is deselected");
        assertEquals(String.format(Locale.ROOT, "%.3g", result.candidates().get(4).lambda()), lambda.getText());
    }

    /**
     * In a pane as narrow as the main window's (about 300 px), the bars give way and every tag stays whole
     * ("target · predicted" was cut to "…" there, seen in a screenshot); each bar still shows its probability.
     */
    @Test
    void inANarrowPaneTheProbabilityTagsStayWhole(FxRobot robot) {
        Candidate correct = result.candidates().get(0);
        DsvDetailPane narrow = new DsvDetailPane();
        robot.interact(() -> {
            Stage stage = new Stage();
            Scene scene = new Scene(narrow, 300, 760);
            scene.getStylesheets().add(GalleryView.class.getResource("/org/dsvstudio/ui/gallery.css").toExternalForm());
            stage.setScene(scene);
            stage.show();
            narrow.show(CARD, correct);
        });
        WaitForAsyncUtils.waitForFxEvents();
        Pane rows = robot.from(narrow).lookup("#detailProbabilities").queryAs(Pane.class);
        assertEquals(CLASSES.size(), rows.getChildren().size());
        for (int k = 0; k < CLASSES.size(); k++) {
            HBox row = (HBox) rows.getChildren().get(k);
            assertTrue(row.getBoundsInParent().getMaxX() <= 300.5, "row " + k + " fits the pane");
            Label tag = (Label) row.getChildren().get(3);
            assertTrue(tag.getWidth() >= tag.prefWidth(-1) - 0.5, "tag '" + tag.getText() + "' is whole");
            Pane track = (Pane) row.getChildren().get(1);
            javafx.scene.layout.Region bar = (javafx.scene.layout.Region) track.getChildren().get(0);
            assertTrue(track.getWidth() >= 30 && track.getWidth() < 140, "the track gave way: " + track.getWidth());
            assertEquals(track.getWidth() * correct.probabilities()[k], bar.getWidth(), 1.0, "bar " + k); // snapped to whole pixels
        }
        assertEquals("target · predicted", ((Label) ((HBox) rows.getChildren().get(0)).getChildren().get(3)).getText());
        double track0 = ((Pane) ((HBox) rows.getChildren().get(0)).getChildren().get(1)).getWidth();
        for (Node row : rows.getChildren()) {
            assertEquals(track0, ((Pane) ((HBox) row).getChildren().get(1)).getWidth(), 0.01,
                    "every row's track is as wide, so the bars compare");
        }
        robot.interact(() -> narrow.getScene().getWindow().hide());
    }

    /** Tooltips are made on first hover; the hovered tile's one must still appear. */
    @Test
    void hoveringATileShowsItsTooltip(FxRobot robot) throws Exception {
        Candidate misclassified = result.candidates().get(1);
        Node tile = robot.lookup(".gallery-tile").queryAll().stream()
                .filter(t -> t.getUserData() == misclassified).findFirst().orElseThrow();
        robot.moveTo(tile);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.listWindows().stream()
                .anyMatch(w -> w instanceof Tooltip t && t.isShowing() && t.getText().startsWith("#1 · kept")));
        Tooltip shown = (Tooltip) robot.listWindows().stream().filter(w -> w instanceof Tooltip).findFirst().orElseThrow();
        assertTrue(shown.getText().contains("predicted two"), shown.getText());
    }

    @Test
    void theNearestSectionShowsHintSpinnerOrTiles(FxRobot robot) {
        Candidate c = result.candidates().get(0);
        robot.interact(() -> gallery.select(c));
        robot.interact(() -> detail.setNearestUnavailable(DsvDetailPane.NO_DATA_HINT));
        Set<Node> texts = robot.lookup("#detailNearest .label").queryAll();
        assertTrue(texts.stream().anyMatch(n -> ((Label) n).getText().startsWith("Attach a data folder")));

        robot.interact(detail::setNearestLoading);
        assertEquals(1, robot.lookup("#detailNearest .progress-indicator").queryAll().size());

        List<NearestImages.Match> matches = List.of(
                new NearestImages.Match(5, 0, 0.25, c.image01()),
                new NearestImages.Match(9, 2, 0.5, result.candidates().get(8).image01()),
                new NearestImages.Match(3, 1, 1.125, result.candidates().get(4).image01()));
        robot.interact(() -> detail.setNearest(matches, "pixel space", CLASSES));
        List<Node> tiles = List.copyOf(robot.lookup("#detailNearest .nearest-tile").queryAll());
        assertEquals(3, tiles.size());
        assertEquals(0, robot.lookup("#detailNearest .progress-indicator").queryAll().size());
        List<String> captions = robot.lookup("#detailNearest .nearest-tile .label").queryAll().stream()
                .map(n -> ((Label) n).getText()).toList();
        assertTrue(captions.containsAll(List.of("zero", "two", "one", "d 0.250", "d 0.500", "d 1.13")), captions.toString());
    }

    /** 10 classes × 50 candidates of 28×28: built once, re-sorted by moving nodes. Times reported, not asserted. */
    @Test
    void aLargeRunIsBuiltOnceAndResortedInPlace(FxRobot robot) {
        List<String> names = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
        ModelCard card = new ModelCard("big", "convnet", 8, "weights.params", new int[] {1, 28, 28}, names,
                new double[] {0.5}, new double[] {0.5}, "synthetic", null, null, null, null, null);
        java.util.Random random = new java.util.Random(3);
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int cls = i / 50;
            float[] probs = new float[10];
            java.util.Arrays.fill(probs, 0.05f);
            probs[cls] = 0.55f;
            float[] target = new float[10];
            target[cls] = 1;
            float[] image = new float[28 * 28];
            for (int p = 0; p < image.length; p++) {
                image[p] = random.nextFloat();
            }
            candidates.add(new Candidate(i, cls, target, random.nextDouble(), false, -1, cls, new float[10], probs,
                    random.nextDouble(), image));
        }
        KktResult big = new KktResult(KktPresets.get("quick"), 1, "noise", candidates, List.of(), 200, null, null, 0, 1, 1,
                1, 10, List.of("fc.weight"), List.of());
        long[] nanos = new long[2];
        robot.interact(() -> {
            long t = System.nanoTime();
            gallery.show(card, big);
            nanos[0] = System.nanoTime() - t;
        });
        Set<Node> tilesBefore = Set.copyOf(robot.lookup(".gallery-tile").queryAll());
        assertEquals(500, tilesBefore.size());
        @SuppressWarnings("unchecked")
        ChoiceBox<GalleryView.SortKey> sort = robot.lookup("#gallerySort").queryAs(ChoiceBox.class);
        robot.interact(() -> {
            long t = System.nanoTime();
            sort.setValue(GalleryView.SortKey.ENTROPY);
            nanos[1] = System.nanoTime() - t;
        });
        assertEquals(tilesBefore, Set.copyOf(robot.lookup(".gallery-tile").queryAll()), "the same tile nodes");
        for (int cls = 0; cls < 10; cls++) {
            int c = cls;
            List<Candidate> row = gallery.visibleCandidates().stream().filter(x -> x.targetClass() == c).toList();
            assertEquals(candidates.stream().filter(x -> x.targetClass() == c)
                    .sorted(Comparator.comparingDouble(Candidate::entropy).reversed()).toList(), row);
        }
        System.out.printf(Locale.ROOT, "GalleryView: show() of 500 candidates %.1f ms, re-sort %.1f ms%n",
                nanos[0] / 1e6, nanos[1] / 1e6);
    }
}
