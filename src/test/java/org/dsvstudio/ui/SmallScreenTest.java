package org.dsvstudio.ui;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.dsvstudio.kkt.KktPresets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 1280×720 window (a classroom projector): with 20 candidates per class the Generate button is on screen without
 * scrolling and the λ chart can be scrolled to, inside the window.
 */
@ExtendWith(ApplicationExtension.class)
class SmallScreenTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui-small";
    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        window = WindowTests.open(stage, PREFS_NODE);
        stage.setMaximized(false);
        stage.setWidth(1280);
        stage.setHeight(720);
        stage.setX(0);
        stage.setY(0);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    private boolean insideWindow(Node n) {
        Bounds b = n.localToScene(n.getBoundsInLocal());
        return b.getMinX() >= 0 && b.getMinY() >= 0 && b.getMaxX() <= stage.getScene().getWidth()
                && b.getMaxY() <= stage.getScene().getHeight();
    }

    @Test
    void generateAndTheLambdaChartStayReachableWithTwentyPerClass(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        MainViewModel vm = window.viewModel();
        robot.interact(() -> {
            vm.run().configProperty().set(KktPresets.quick().withSteps(10));
            vm.run().perClassProperty().set(20);
        });
        robot.clickOn("#tabRun");
        Button generate = robot.lookup("#generate").queryButton();
        assertTrue(insideWindow(generate), "Generate is on screen at 1280×720 without scrolling");
        robot.clickOn(generate);
        WindowTests.waitUntil(10, () -> vm.jobs().jobs().size() == 1);
        JobViewModel job = vm.jobs().jobs().get(0);
        WindowTests.waitUntil(300, () -> job.stateProperty().get().finished());
        Node chart = robot.lookup("#lambdaHistogram").query();
        robot.interact(() -> {
            javafx.scene.control.ScrollPane scroll = (javafx.scene.control.ScrollPane) robot.lookup(".scroll-pane")
                    .match(n -> ((javafx.scene.control.ScrollPane) n).getContent() != null
                            && ((javafx.scene.control.ScrollPane) n).getContent().lookup("#lambdaHistogram") != null)
                    .query();
            // scrolled down to the live view: the chart's top at the viewport's top
            double content = scroll.getContent().getBoundsInLocal().getHeight();
            double viewport = scroll.getViewportBounds().getHeight();
            double chartTop = scroll.getContent().sceneToLocal(chart.localToScene(chart.getBoundsInLocal())).getMinY();
            scroll.setVvalue(Math.max(0, Math.min(1, chartTop / Math.max(1, content - viewport))));
        });
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        WindowTests.screenshot(robot, "run-1280x720.png");
        Bounds b = chart.localToScene(chart.getBoundsInLocal());
        assertTrue(b.getMaxY() > 0 && b.getMinY() < stage.getScene().getHeight() && b.getMinX() >= 0
                && b.getMaxX() <= stage.getScene().getWidth(), "the λ chart can be scrolled into the window: " + b);
        assertTrue(job.resultProperty().get() != null && job.resultProperty().get().candidates().size() == 200);
    }
}
