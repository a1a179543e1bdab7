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
