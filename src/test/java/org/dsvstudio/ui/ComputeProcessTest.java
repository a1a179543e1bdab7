package org.dsvstudio.ui;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window when a model misbehaves: a refused model asks before it runs; trusted anyway, it crashes the compute
 * process, and the user gets one notification saying so while the window, the loaded model and the next run
 * go on. Leaves target/screenshots/model-refused.png and compute-process-crash.png (looked at when this changes).
 */
@ExtendWith(ApplicationExtension.class)
class ComputeProcessTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-compute-process";

    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    @Test
    void aModelThatCrashesTheComputeProcessGivesOneNoticeAndTheAppGoesOn(FxRobot robot, @TempDir Path dir)
            throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        Path folder = dir.resolve("crashes");
        Files.createDirectories(folder);
        Files.copy(TestSupport.resource("bad-inputs/deep-code.pt"), folder.resolve("model.pt"));
        Files.writeString(folder.resolve("model.json"), "{\"name\": \"crashes\", \"architecture\": \"torchscript\","
                + " \"weightsFile\": \"model.pt\", \"inputShape\": [1, 28, 28], \"classNames\": [\"0\",\"1\",\"2\","
                + "\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"], \"mean\": [0.286], \"std\": [0.353]}");
        int before = window.errorNotifications();

        robot.interact(() -> window.openPath(folder));
        WindowTests.waitUntil(60, () -> robot.lookup("Open anyway").tryQuery().isPresent());
        String dialog = robot.lookup(".dialog-pane .label").queryAllAs(Label.class).stream().map(Label::getText)
                .reduce("", (a, b) -> a + " " + b);
        assertTrue(dialog.contains("code nests brackets more than 100 levels deep"), dialog);
        screenshot(robot, "model-refused.png");
        robot.clickOn("Open anyway");

        WindowTests.waitUntil(60, () -> window.errorNotifications() > before);
        Thread.sleep(1500); // any second notification would have come by now
        assertEquals(before + 1, window.errorNotifications(), window.lastNotification());
        assertEquals("The compute process stopped: The model crashed the compute process (signal 11, SIGSEGV)."
                + " Nothing else was lost: a fresh compute process takes the next job.", window.lastNotification());
        assertEquals("convnet-fashion", title.getText(), "the loaded model stays");
        screenshot(robot, "compute-process-crash.png");

        // a run on the loaded model goes through a fresh compute process
        robot.clickOn("#tabRun");
        robot.clickOn("#advanced");
        robot.interact(() -> robot.lookup("#cfg-steps").queryTextInputControl().setText("5"));
        Button generate = robot.lookup("#generate").queryButton();
        WindowTests.waitUntil(30, () -> !generate.isDisabled());
        robot.clickOn(generate);
        WindowTests.waitUntil(120, () -> !window.viewModel().jobs().jobs().isEmpty()
                && window.viewModel().jobs().jobs().get(0).resultProperty().get() != null);
        assertEquals(2, window.viewModel().workbench().models().worker().starts());
    }

    private static void screenshot(FxRobot robot, String name) throws Exception {
        WindowTests.screenshot(robot, name);
    }
}
