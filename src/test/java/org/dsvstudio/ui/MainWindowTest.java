package org.dsvstudio.ui;

import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.dsvstudio.app.SampleModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window opens, lists the bundled samples with convnet-fashion first, and loads it. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    @Start
    void start(Stage stage) {
        new MainWindow().show(stage);
    }

    /** Generate on the default sample: progress moves, thumbnails appear, cancel keeps the partial result. */
    @Test
    void generatingShowsLiveThumbnailsAndCancelKeepsThePartialResult(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> "convnet-fashion".equals(title.getText()));
        javafx.scene.control.Button generate = robot.lookup("#generate").queryButton();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !generate.isDisabled());
        // Probe: how late does a 10 ms FX timer fire while the run goes? (reported, not asserted)
        long[] worstGap = {0};
        long[] last = {System.nanoTime()};
        javafx.animation.AnimationTimer probe = new javafx.animation.AnimationTimer() {
            @Override
            public void handle(long now) {
                long t = System.nanoTime();
                worstGap[0] = Math.max(worstGap[0], t - last[0]);
                last[0] = t;
            }
        };
        robot.interact(probe::start);
        robot.clickOn("#generate");
        DsvThumbnails thumbs = robot.lookup("#thumbnails").queryAs(DsvThumbnails.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> thumbs.shownImages() == 10);
        javafx.scene.control.ProgressBar bar = robot.lookup("#runProgress").queryAs(javafx.scene.control.ProgressBar.class);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> bar.getProgress() > 0);
        // Cancel: the run stops between steps and keeps its partial result (a full run is covered by the CLI tests).
        robot.clickOn("#cancel");
        Label runStatus = robot.lookup("#runStatus").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> runStatus.getText().startsWith("Cancelled")
                || runStatus.getText().startsWith("Done"));
        robot.interact(probe::stop);
        assertTrue(runStatus.getText().contains("of 10 kept"), runStatus.getText());
        assertTrue(!robot.lookup("#generate").queryButton().isDisabled(), "a new run can start");
        System.out.printf("FX thread: worst gap between pulses during a quick run: %.1f ms%n", worstGap[0] / 1e6);
    }

    @Test
    void theWindowListsTheSampleModelsAndLoadsTheDefaultOne(FxRobot robot) throws Exception {
        ListView<SampleModels.Sample> list = robot.lookup("#sampleList").queryListView();
        var names = list.getItems().stream().map(SampleModels.Sample::name).toList();
        assertTrue(names.containsAll(java.util.List.of("convnet-fashion", "resnet-fashion", "convnet-mnist")),
                "samples listed: " + names);
        assertEquals("convnet-fashion", names.get(0));
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> "convnet-fashion".equals(title.getText()));
        Label status = robot.lookup("#status").queryAs(Label.class);
        assertTrue(status.getText().contains("CPU"), status.getText());
    }
}
