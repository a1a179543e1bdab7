package org.dsvstudio.ui;

import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Teach tab under TestFX: a run on moons changes the network's canvas and fills the read-outs; the lesson walks. */
@ExtendWith(ApplicationExtension.class)
class TeachTabTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui-teach";
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    private static boolean same(WritableImage a, WritableImage b) {
        for (int y = 0; y < (int) a.getHeight(); y += 3) {
            for (int x = 0; x < (int) a.getWidth(); x += 3) {
                if (a.getPixelReader().getArgb(x, y) != b.getPixelReader().getArgb(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void aRunOnMoonsDrawsTheNetworksDsvsAndTheLessonWalksThroughEveryStage(FxRobot robot) throws Exception {
        robot.clickOn("#tabTeach");
        TeachViewModel vm = window.viewModel().teach();
        robot.interact(() -> {
            vm.epochsProperty().set(80);
            vm.stepsProperty().set(150);
        });
        WindowTests.waitUntil(30, () -> vm.svmProperty().get() != null);
        Canvas net = robot.lookup("#teachNetCanvas").queryAs(Canvas.class);
        WritableImage[] before = new WritableImage[1];
        robot.interact(() -> before[0] = net.snapshot(null, null));
        WindowTests.screenshot(robot, "teach-svm.png");

        robot.clickOn("#teachRun");
        // the network's regions are drawn while it trains, before DeepKKT
        WindowTests.waitUntil(120, () -> vm.trainingGridProperty().get() != null || vm.resultProperty().get() != null);
        assertTrue(vm.trainingGridProperty().get() != null, "a training frame with the network's regions arrived");
        WindowTests.waitUntil(240, () -> vm.resultProperty().get() != null || !vm.busyProperty().get());
        assertTrue(vm.resultProperty().get() != null, vm.statusProperty().get());
        WritableImage[] after = new WritableImage[1];
        robot.interact(() -> after[0] = net.snapshot(null, null));
        assertFalse(same(before[0], after[0]), "the network's regions and DSVs are drawn");
        Label readouts = robot.lookup("#teachReadouts").queryAs(Label.class);
        assertTrue(readouts.getText().startsWith("SVM: "), readouts.getText());
        assertTrue(readouts.getTooltip().getText().startsWith("Median distance to the boundary"),
                "the read-outs explain themselves in plain words");
        assertTrue(vm.resultProperty().get().dsv().kept() > 0);
        robot.clickOn("#teachOverlay");
        WindowTests.screenshot(robot, "teach-result.png");

        // the stationarity chart under the network: a red line once frames are recorded
        Canvas chart = robot.lookup("#teachStationarity").queryAs(Canvas.class);
        WritableImage[] line = new WritableImage[1];
        robot.interact(() -> line[0] = chart.snapshot(null, null));
        int red = 0;
        for (int y = 0; y < (int) line[0].getHeight(); y++) {
            for (int x = 0; x < (int) line[0].getWidth(); x++) {
                int p = line[0].getPixelReader().getArgb(x, y);
                red += (p >> 16 & 0xff) > 180 && (p >> 8 & 0xff) < 100 ? 1 : 0;
            }
        }
        assertTrue(red > 50, "the stationarity line is drawn: " + red);

        // replay: the first recorded DeepKKT frame differs from the end state; the run as a looping GIF
        int frames = vm.recorded().size();
        assertTrue(frames >= 10, "frames recorded: " + frames);
        WritableImage[] end = new WritableImage[1];
        robot.interact(() -> end[0] = net.snapshot(null, null));
        robot.clickOn("#teachStep");
        assertEquals(0, vm.replayProperty().get());
        WritableImage[] first = new WritableImage[1];
        robot.interact(() -> first[0] = net.snapshot(null, null));
        assertFalse(same(end[0], first[0]), "the candidates start elsewhere than they end");
        TeachTab tab = robot.lookup("#teachTab").queryAs(TeachTab.class);
        java.nio.file.Path gif = java.nio.file.Files.createTempFile("teach", ".gif");
        robot.interact(() -> {
            try {
                tab.writeGif(gif);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
        try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(frames + 10, reader.getNumImages(true), "every frame, then the end state held");
        } finally {
            reader.dispose();
            java.nio.file.Files.deleteIfExists(gif);
        }
        assertEquals(0, vm.replayProperty().get(), "the replay position is kept");
        robot.interact(() -> vm.replayProperty().set(-1));

        robot.clickOn("#teachLesson");
        Label caption = robot.lookup("#teachCaption").queryAs(Label.class);
        assertEquals(TeachViewModel.STAGES.get(0), caption.getText());
        for (int i = 1; i <= TeachViewModel.LAST_STAGE; i++) {
            robot.clickOn("#teachNext");
            assertEquals(TeachViewModel.STAGES.get(i), caption.getText());
            if (i == 2) {
                WindowTests.screenshot(robot, "teach-lesson-stage3.png");
            }
        }
        assertEquals(TeachViewModel.LAST_STAGE, vm.stageProperty().get());
    }

    /** Points clicked in join the data (left = class 0, right = class 1) and the SVM is trained again on them. */
    @Test
    void clickedPointsJoinTheDataAndTheHelpExplainsTheNumbers(FxRobot robot) throws Exception {
        robot.clickOn("#tabTeach");
        TeachViewModel vm = window.viewModel().teach();
        WindowTests.waitUntil(30, () -> vm.svmProperty().get() != null);
        int before = vm.dataProperty().get().size();
        org.dsvstudio.teach.Svm first = vm.svmProperty().get();
        Canvas svm = robot.lookup("#teachSvmCanvas").queryAs(Canvas.class);
        robot.clickOn(svm, javafx.scene.input.MouseButton.PRIMARY);
        robot.clickOn(svm, javafx.scene.input.MouseButton.SECONDARY);
        WindowTests.waitUntil(10, () -> vm.dataProperty().get().size() == before + 2);
        int[] labels = vm.dataProperty().get().labels();
        assertEquals(0, labels[before]);
        assertEquals(1, labels[before + 1]);
        // the centre of the canvas is the plane's origin
        assertEquals(0, vm.dataProperty().get().points()[before][0], 0.05);
        WindowTests.waitUntil(10, () -> vm.svmProperty().get() != first);

        robot.clickOn("Help");
        robot.clickOn("#menuHelpNumbers");
        WindowTests.waitUntil(10, () -> robot.lookup(n -> n instanceof Label l && l.getText() != null
                && l.getText().startsWith("λ (lambda)")).tryQuery().isPresent());
        WindowTests.screenshot(robot, "help-numbers.png");
    }

    /** Presenter zoom: Ctrl + makes every label bigger, Ctrl 0 puts it back; remembered for the next start. */
    @Test
    void presenterZoomChangesTheFontSize(FxRobot robot) throws Exception {
        robot.clickOn("#tabTeach");
        Label caption = robot.lookup("#teachCaption").queryAs(Label.class);
        double before = caption.getFont().getSize();
        robot.interact(() -> {
            window.zoom(+1);
            window.zoom(+1);
        });
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        double bigger = caption.getFont().getSize();
        assertTrue(bigger > before * 1.2, before + " → " + bigger);
        WindowTests.screenshot(robot, "teach-presenter.png");
        robot.interact(() -> window.zoom(0));
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        assertEquals(before, caption.getFont().getSize(), 0.01);

        // the side panels make room on a projector and come back
        javafx.scene.layout.BorderPane root = (javafx.scene.layout.BorderPane) caption.getScene().getRoot();
        javafx.scene.Node left = root.getLeft();
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.H)
                .release(javafx.scene.input.KeyCode.H, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.CONTROL);
        WindowTests.waitUntil(5, () -> root.getLeft() == null && root.getRight() == null);
        robot.press(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.H)
                .release(javafx.scene.input.KeyCode.H, javafx.scene.input.KeyCode.SHIFT, javafx.scene.input.KeyCode.CONTROL);
        WindowTests.waitUntil(5, () -> root.getLeft() == left);

        // high contrast for a projector: black text on white, remembered like the zoom
        robot.clickOn("View");
        robot.clickOn("#menuHighContrast");
        WindowTests.waitUntil(5, () -> root.getStyleClass().contains("high-contrast"));
        WindowTests.screenshot(robot, "teach-high-contrast.png");
        assertEquals(javafx.scene.paint.Color.BLACK, caption.getTextFill());
        robot.clickOn("View");
        robot.clickOn("#menuHighContrast");
        WindowTests.waitUntil(5, () -> !root.getStyleClass().contains("high-contrast"));
    }
}
