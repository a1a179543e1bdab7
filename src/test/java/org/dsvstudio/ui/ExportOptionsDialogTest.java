package org.dsvstudio.ui;

import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.stage.Stage;
import org.controlsfx.control.CheckComboBox;
import org.dsvstudio.report.GalleryFigure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export options dialog gives the options the user set: the same record the command line builds. */
@ExtendWith(ApplicationExtension.class)
class ExportOptionsDialogTest {

    private static final List<String> NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new javafx.scene.Scene(new javafx.scene.layout.StackPane(), 400, 300));
        stage.show();
    }

    @Test
    void theChosenLayoutClassesAndThemeComeBack(FxRobot robot) throws Exception {
        ExportOptionsDialog[] dialog = new ExportOptionsDialog[1];
        robot.interact(() -> {
            dialog[0] = new ExportOptionsDialog(NAMES);
            dialog[0].initOwner(stage);
            dialog[0].show();
        });
        @SuppressWarnings("unchecked")
        ChoiceBox<GalleryFigure.Layout> layout = robot.lookup("#exportLayout").queryAs(ChoiceBox.class);
        @SuppressWarnings("unchecked")
        CheckComboBox<String> classes = robot.lookup("#exportClasses").queryAs(CheckComboBox.class);
        robot.interact(() -> {
            layout.setValue(GalleryFigure.Layout.COLUMNS);
            classes.getCheckModel().clearCheck(8);
            classes.getCheckModel().clearCheck(9);
        });
        robot.clickOn("#exportDark");
        WindowTests.screenshot(robot, "export-options.png");
        assertTrue(robot.lookup("#exportColumns").query().isDisabled(), "per-row count means nothing side by side");
        robot.interact(() -> dialog[0].getDialogPane().lookupButton(ButtonType.OK).fireEvent(
                new javafx.event.ActionEvent()));
        WaitForAsyncUtils.waitForFxEvents();
        GalleryFigure.Options o = dialog[0].getResult();
        assertEquals(GalleryFigure.Layout.COLUMNS, o.layout());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), o.classes());
        assertTrue(o.dark());
        assertTrue(o.captions());
        assertEquals(GalleryFigure.Sort.LAMBDA, o.sort());

        robot.interact(() -> {
            dialog[0] = new ExportOptionsDialog(NAMES);
            dialog[0].initOwner(stage);
            dialog[0].show();
        });
        robot.interact(() -> dialog[0].getDialogPane().lookupButton(ButtonType.CANCEL).fireEvent(
                new javafx.event.ActionEvent()));
        WaitForAsyncUtils.waitForFxEvents();
        assertNull(dialog[0].getResult());
    }
}
