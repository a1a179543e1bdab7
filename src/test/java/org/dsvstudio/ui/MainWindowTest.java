package org.dsvstudio.ui;

import javafx.animation.AnimationTimer;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.app.CardDraft;
import org.dsvstudio.app.SampleModels;
import org.dsvstudio.kkt.Candidate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window end to end on the bundled sample: runs, the job queue, the gallery, the detail pane, a bad model. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui";

    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    private static void waitUntil(int seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        WindowTests.waitUntil(seconds, condition);
    }

    private void waitForDefaultModel(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
    }

    /**
     * A short quick run: progress moves and thumbnails appear; a second run queued behind it is cancelled; the
     * first finishes and fills the gallery, which sorts; a DSV opens in the detail pane.
     */
    @Test
    void runsQueueShowLiveProgressAndFillTheGallery(FxRobot robot) throws Exception {
        waitForDefaultModel(robot);
        robot.clickOn("#tabRun");
        robot.clickOn("#advanced");
        TextField steps = robot.lookup("#cfg-steps").queryAs(TextField.class);
        robot.interact(() -> steps.setText("60"));
        waitUntil(10, () -> window.viewModel().run().configProperty().get() != null
                && window.viewModel().run().configProperty().get().steps() == 60);
        Button generate = robot.lookup("#generate").queryButton();
        waitUntil(30, () -> !generate.isDisabled());

        // Probe: how late does the FX thread get to its pulses while a run goes? (reported, not asserted)
        long[] worstGap = {0};
        long[] last = {System.nanoTime()};
        AnimationTimer probe = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long t = System.nanoTime();
                worstGap[0] = Math.max(worstGap[0], t - last[0]);
                last[0] = t;
            }
        };
        robot.interact(probe::start);
        robot.clickOn("#generate");
        robot.clickOn("#generate");
        JobsViewModel jobs = window.viewModel().jobs();
        waitUntil(10, () -> jobs.jobs().size() == 2);
        JobViewModel first = jobs.jobs().get(0);
        JobViewModel second = jobs.jobs().get(1);
        assertEquals(JobViewModel.State.QUEUED, second.stateProperty().get(), "the second run waits its turn");

        // The live view follows the selected job: show the first one while it runs.
        robot.interact(() -> jobs.selectedProperty().set(first));
        DsvThumbnails thumbs = robot.lookup("#thumbnails").queryAs(DsvThumbnails.class);
        waitUntil(120, () -> thumbs.shownImages() == 10);
        ProgressBar bar = robot.lookup("#runProgress").queryAs(ProgressBar.class);
        waitUntil(30, () -> bar.getProgress() > 0);
        LossChart chart = robot.lookup("#lossChart").queryAs(LossChart.class);
        waitUntil(30, () -> chart.plottedPoints() > 0);

        // Cancel the queued one: it never starts; the first finishes normally.
        robot.interact(second::cancel);
        waitUntil(180, () -> first.stateProperty().get().finished() && second.stateProperty().get().finished());
        robot.interact(probe::stop);
        assertEquals(JobViewModel.State.DONE, first.stateProperty().get(), first.statusProperty().get());
        assertEquals(JobViewModel.State.CANCELLED, second.stateProperty().get(), second.statusProperty().get());
        assertTrue(first.statusProperty().get().contains("60 steps"), first.statusProperty().get());
        System.out.printf("FX thread: worst gap between pulses during a 60-step quick run: %.1f ms%n",
                worstGap[0] / 1e6);

        // Gallery: filled with the first run's 10 DSVs, sortable, a click opens the detail pane.
        robot.interact(() -> jobs.selectedProperty().set(first));
        robot.clickOn("#tabGallery");
        GalleryView gallery = robot.lookup("#gallery").queryAs(GalleryView.class);
        waitUntil(10, () -> gallery.visibleCandidates().size() == first.resultProperty().get().kept().size());
        assertFalse(gallery.visibleCandidates().isEmpty());
        ChoiceBox<?> sort = robot.lookup("#gallerySort").queryAs(ChoiceBox.class);
        for (int i = 0; i < sort.getItems().size(); i++) {
            int index = i;
            robot.interact(() -> sort.getSelectionModel().select(index));
            assertEquals(first.resultProperty().get().kept().size(), gallery.visibleCandidates().size());
        }
        Candidate pick = gallery.visibleCandidates().get(0);
        Node tile = robot.lookup(".gallery-tile").match(n -> n.getUserData() == pick).query();
        robot.clickOn(tile);
        waitUntil(10, () -> gallery.selectedProperty().get() == pick);
        Label lambda = robot.lookup("#detailLambda").queryAs(Label.class);
        assertTrue(lambda.getText().contains(String.format(java.util.Locale.ROOT, "%.3g", pick.lambda())),
                lambda.getText());
        javafx.scene.layout.Pane bars = robot.lookup("#detailProbabilities").queryAs(javafx.scene.layout.Pane.class);
        assertEquals(10, bars.getChildren().size(), "one probability bar per class");
    }

    @Test
    void theWindowListsTheSampleModelsAndLoadsTheDefaultOne(FxRobot robot) throws Exception {
        ListView<SampleModels.Sample> list = robot.lookup("#sampleList").queryListView();
        List<String> names = list.getItems().stream().map(SampleModels.Sample::name).toList();
        assertTrue(names.containsAll(List.of("convnet-fashion", "resnet-fashion", "convnet-mnist")),
                "samples listed: " + names);
        assertEquals("convnet-fashion", names.get(0));
        waitForDefaultModel(robot);
        Label status = robot.lookup("#status").queryAs(Label.class);
        assertTrue(status.getText().contains("CPU"), status.getText());
    }

    /** A TorchScript file without a card: the dialog asks for its fields, checks them, and the model opens. */
    @Test
    void aPtWithoutACardIsOpenedThroughTheCardDialog(FxRobot robot, @TempDir Path dir) throws Exception {
        waitForDefaultModel(robot);
        Path pt = dir.resolve("tiny_convnet.pt");
        Files.copy(TestSupport.resource("torchscript/tiny_convnet.pt"), pt);
        javafx.application.Platform.runLater(() -> window.openPath(pt));
        waitUntil(10, () -> robot.lookup("#card-shape").tryQuery().isPresent());
        robot.interact(() -> {
            robot.lookup("#card-shape").queryTextInputControl().setText("1,28,28");
            robot.lookup("#card-classes").queryTextInputControl().setText("0,1,2,3,4,5,6,7,8,9");
            robot.lookup("#card-mean").queryTextInputControl().setText("0.286");
            robot.lookup("#card-std").queryTextInputControl().setText("0.353");
        });
        robot.clickOn("#card-check");
        Label cardStatus = robot.lookup("#card-status").queryAs(Label.class);
        waitUntil(30, () -> cardStatus.getText().contains("loads and runs"));
        robot.clickOn("#card-ok");
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(30, () -> "tiny_convnet".equals(title.getText()));
        assertEquals(10, window.viewModel().loadedProperty().get().card().numClasses());
        assertTrue(Files.isRegularFile(dir.resolve("tiny_convnet.json")), "the card was saved beside the .pt");
    }

    /** A corrupt model file gives a notification with the loader's message; the loaded model stays usable. */
    @Test
    void aBadModelFileIsReportedAndTheAppStaysUsable(FxRobot robot, @TempDir Path dir) throws Exception {
        waitForDefaultModel(robot);
        Path bad = dir.resolve("broken model.pt");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        // with its card beside it, so the loader (not the card dialog) has the say
        new CardDraft().setInputShape("1,28,28").setClassNames("a,b").setMean("0.5").setStd("0.5").saveBeside(bad);
        robot.interact(() -> window.openPath(bad));
        waitUntil(30, () -> window.lastNotification() != null);
        assertTrue(window.lastNotification().contains("broken model.pt"), window.lastNotification());
        assertEquals("convnet-fashion", robot.lookup("#modelTitle").queryAs(Label.class).getText());
        robot.clickOn("#tabRun");
        Button generate = robot.lookup("#generate").queryButton();
        waitUntil(30, () -> !generate.isDisabled());
        assertNotNull(window.viewModel().loadedProperty().get());
    }
}
