package org.dsvstudio.ui;

import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.kkt.KktPresets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** State the window keeps right as a user moves around: Esc, switching models, the Compare tab's default run. */
@ExtendWith(ApplicationExtension.class)
class UiStateTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui-state";

    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    private JobViewModel run(FxRobot robot, int steps) throws Exception {
        MainViewModel vm = window.viewModel();
        JobViewModel[] job = new JobViewModel[1];
        robot.interact(() -> {
            vm.run().configProperty().set(KktPresets.get("quick").withSteps(steps));
            job[0] = vm.generate();
        });
        return job[0];
    }

    @Test
    void escCancelsTheRunWhileAListHasTheFocusAndAnotherModelShowsNoneOfTheOldRuns(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        JobViewModel job = run(robot, 5000);
        WindowTests.waitUntil(60, () -> job.stateProperty().get() == JobViewModel.State.RUNNING);
        ListView<?> samples = robot.lookup("#sampleList").queryAs(ListView.class);
        robot.clickOn(samples); // the list has the focus (and would eat Esc)
        robot.interact(samples::requestFocus);
        robot.type(KeyCode.ESCAPE);
        WindowTests.waitUntil(60, () -> job.stateProperty().get() == JobViewModel.State.CANCELLED);
        assertSame(job, window.viewModel().jobs().selectedProperty().get());

        robot.interact(() -> window.openPath(TestSupport.sampleModel("resnet-fashion")));
        WindowTests.waitUntil(60, () -> "resnet-fashion".equals(title.getText()));
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        assertNull(window.viewModel().jobs().selectedProperty().get(), "no run of resnet-fashion yet");
        robot.clickOn("#tabRun");
        assertEquals("No run selected", robot.lookup("#liveTitle").queryAs(Label.class).getText());
    }

    @Test
    void compareDefaultsToTheNewestRunUntilTheUserPicksOne(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        CompareViewModel compare = window.viewModel().compare();
        JobViewModel first = run(robot, 3);
        WindowTests.waitUntil(120, () -> first.resultProperty().get() != null);
        WindowTests.waitUntil(10, () -> compare.firstRunProperty().get() == first);
        JobViewModel second = run(robot, 3);
        WindowTests.waitUntil(120, () -> second.resultProperty().get() != null);
        WindowTests.waitUntil(10, () -> compare.firstRunProperty().get() == second);
        // the user's own choice stays when a newer run arrives
        robot.interact(() -> compare.firstRunProperty().set(first));
        JobViewModel third = run(robot, 3);
        WindowTests.waitUntil(120, () -> third.resultProperty().get() != null);
        Thread.sleep(300);
        assertSame(first, compare.firstRunProperty().get());
    }
}
