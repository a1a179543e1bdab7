package org.dsvstudio.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.dsvstudio.kkt.Augmentation;
import org.dsvstudio.kkt.Distance;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The advanced DeepKKT editor: presets round-trip, inline messages, "custom" once edited, tooltips everywhere. */
@ExtendWith(ApplicationExtension.class)
class ConfigFormTest {

    private ConfigForm form;

    @Start
    void start(Stage stage) {
        form = new ConfigForm();
        stage.setScene(new Scene(new ScrollPane(form), 760, 720));
        stage.show();
    }

    @Test
    void loadingEachPresetYieldsAConfigEqualToThePreset(FxRobot robot) {
        for (String name : KktPresets.NAMES) {
            KktConfig preset = KktPresets.get(name);
            robot.interact(() -> form.load(preset));
            assertEquals(preset, form.getConfig(), name);
            assertFalse(form.isModified(), name);
            assertNull(form.errorProperty().get(), name);
            assertEquals("Preset " + name, label(robot, "#cfg-preset").getText());
        }
        // values are shown compactly, in Locale.ROOT
        assertEquals("0.002", text(robot, "primalWeight"));
        assertEquals("0.001", text(robot, "lrX"));
        assertEquals("2000", text(robot, "steps"));
        assertEquals("0.999", text(robot, "adamBeta2"));
        assertEquals("all", text(robot, "parameters"));
        assertEquals("0.125", text(robot, "augmentation-translate"));
    }

    @Test
    void aBadValueShowsAnInlineMessageAndFixingItGivesACustomConfig(FxRobot robot) {
        robot.interact(() -> form.load(KktPresets.quick()));
        // typed for real: "abc" into β₁
        robot.doubleClickOn("#cfg-primalWeight").press(KeyCode.CONTROL).press(KeyCode.A)
                .release(KeyCode.A).release(KeyCode.CONTROL).write("abc");
        assertEquals("abc", text(robot, "primalWeight"));
        assertInvalid(robot, "primalWeight", "primalWeight must be a number");

        set(robot, "primalWeight", "-1");
        assertInvalid(robot, "primalWeight", "primalWeight must be a finite number ≥ 0, got -1.0");

        set(robot, "primalWeight", "0.5");
        KktConfig fixed = form.getConfig();
        assertNotNull(fixed, "fixed: " + form.errorProperty().get());
        assertEquals(0.5, fixed.primalWeight());
        assertEquals(ConfigForm.CUSTOM, fixed.preset());
        assertTrue(form.isModified());
        assertNull(form.errorProperty().get());
        assertFalse(label(robot, "#cfg-primalWeight-error").isVisible());
        assertEquals(KktPresets.quick().steps(), fixed.steps(), "other fields keep their values");

        // typing the loaded value back is the preset again
        set(robot, "primalWeight", "1");
        assertEquals(KktPresets.quick(), form.getConfig());
        assertFalse(form.isModified());
    }

    @Test
    void everyKindOfBadValueIsCaught(FxRobot robot) {
        robot.interact(() -> form.load(KktPresets.standard()));
        assertRejected(robot, "steps", "0", "steps must be at least 1, got 0");
        assertRejected(robot, "steps", "1.5", "steps must be a whole number");
        assertRejected(robot, "steps", "", "steps is required");
        assertRejected(robot, "lrX", "0", "lrX must be a finite number > 0");
        assertRejected(robot, "lrLambda", "1e999", "lrLambda is too large");
        assertRejected(robot, "tvWeight", "NaN", "tvWeight must be a number");
        assertRejected(robot, "adamBeta1", "1", "Adam betas must be in [0, 1)");
        assertRejected(robot, "chunkSize", "-3", "chunkSize and progressEvery must be at least 1");
        assertRejected(robot, "progressEvery", "0", "chunkSize and progressEvery must be at least 1");
        assertRejected(robot, "augmentation-flip", "1.5", "augmentation flip must be in [0.0, 1.0], got 1.5");
        assertRejected(robot, "augmentation-translate", "0.6", "augmentation translate must be in");
        assertRejected(robot, "noiseStd", "0", "noiseStd must be a finite number > 0");
        assertRejected(robot, "parameters", " , ", "parameters must name at least one selection");
        assertRejected(robot, "parameters", "last:x", "parameter selection 'last:x': last:N needs a number");
        assertRejected(robot, "parameters", "last:0", "N must be ≥ 1");
        // λ₀: 0 means auto, a negative value is refused (it once passed as auto)
        assertRejected(robot, "lambdaScale", "-1", "lambdaScale must be 0 (auto) or a positive number up to 1e12");
        set(robot, "lambdaScale", "0");
        assertEquals(0.0, form.getConfig().lambdaScale());
        // several wrong fields at once: each shows its own message, the first is the form's error
        set(robot, "steps", "x");
        set(robot, "lrX", "-2");
        assertTrue(label(robot, "#cfg-steps-error").isVisible());
        assertTrue(label(robot, "#cfg-lrX-error").isVisible());
        assertTrue(form.errorProperty().get().startsWith("steps"), form.errorProperty().get());
        set(robot, "steps", "100");
        set(robot, "lrX", "0.01");
        assertNotNull(form.getConfig());
    }

    @Test
    void bothObjectiveWeightsZeroIsShownOnBoth(FxRobot robot) {
        robot.interact(() -> form.load(KktPresets.standard()));
        set(robot, "primalWeight", "0");
        assertNotNull(form.getConfig(), "primal-only is allowed, stationarity-only too");
        set(robot, "stationarityWeight", "0");
        assertNull(form.getConfig());
        assertTrue(label(robot, "#cfg-primalWeight-error").getText().contains("cannot both be 0"));
        assertTrue(label(robot, "#cfg-stationarityWeight-error").getText().contains("cannot both be 0"));
        set(robot, "stationarityWeight", "2");
        assertEquals(2.0, form.getConfig().stationarityWeight());
        assertFalse(label(robot, "#cfg-primalWeight-error").isVisible());
    }

    @Test
    void distanceParametersAndAugmentationReachTheConfig(FxRobot robot) {
        robot.interact(() -> form.load(KktPresets.quick()));
        ChoiceBox<Distance> distance = robot.lookup("#cfg-distance").query();
        robot.interact(() -> distance.setValue(Distance.LAYER_L1));
        set(robot, "parameters", "fc., last:2");
        set(robot, "augmentation-cutout", "0.3");
        set(robot, "normWeight", "1e-6");
        KktConfig c = form.getConfig();
        assertEquals(Distance.LAYER_L1, c.distance());
        assertEquals(List.of("fc.", "last:2"), c.parameters());
        assertEquals(new Augmentation(0.125, 0.2, 0.3, 0, 0.01), c.augmentation());
        assertEquals(1e-6, c.normWeight());
        assertEquals("custom", c.preset());
        assertEquals("Custom (edited from preset quick)", label(robot, "#cfg-preset").getText());
        // Reset goes back to the loaded preset
        robot.clickOn("#cfg-reset");
        assertEquals(KktPresets.quick(), form.getConfig());
        assertFalse(form.isModified());
    }

    @Test
    void everyFieldHasAnInputWithATooltip(FxRobot robot) {
        Set<String> expected = new TreeSet<>();
        for (RecordComponent rc : KktConfig.class.getRecordComponents()) {
            if (rc.getName().equals("preset")) {
                continue;
            }
            if (rc.getName().equals("augmentation")) {
                Arrays.stream(Augmentation.class.getRecordComponents())
                        .forEach(a -> expected.add("cfg-augmentation-" + a.getName()));
            } else if (rc.getName().equals("levers")) {
                Arrays.stream(org.dsvstudio.kkt.Levers.class.getRecordComponents())
                        .forEach(a -> expected.add("cfg-levers-" + a.getName()));
            } else {
                expected.add("cfg-" + rc.getName());
            }
        }
        List<Control> inputs = robot.lookup(n -> n.getId() != null && expected.contains(n.getId())).queryAll()
                .stream().map(n -> (Control) n).toList();
        assertEquals(expected, inputs.stream().map(Node::getId).collect(Collectors.toCollection(TreeSet::new)));
        for (Control c : inputs) {
            assertNotNull(c.getTooltip(), c.getId() + " has no tooltip");
            assertTrue(c.getTooltip().getText().length() > 40, c.getId() + ": " + c.getTooltip().getText());
        }
        assertTrue(tooltip(robot, "primalWeight").contains("classified as its own class"));
        assertTrue(tooltip(robot, "lambdaScale").contains("0 = auto 1/(μn)"));
        assertTrue(tooltip(robot, "chunkSize").toLowerCase().contains("memory"));
    }

    @Test
    void numbersAreWrittenCompactly() {
        assertEquals("0.002", ConfigForm.format(0.002));
        assertEquals("2e-5", ConfigForm.format(2e-5));
        assertEquals("1e-6", ConfigForm.format(1e-6));
        assertEquals("0.999", ConfigForm.format(0.999));
        assertEquals("1000", ConfigForm.format(1000));
        assertEquals("-0.5", ConfigForm.format(-0.5));
        assertEquals("0", ConfigForm.format(0));
        for (double v : new double[] {0.1 + 0.2, 1.0 / 3, 2e-5, 123456.789, 1e-10, 6.02e23}) {
            assertEquals(v, Double.parseDouble(ConfigForm.format(v)), "round trip of " + v);
        }
        assertEquals("0.30000000000000004", ConfigForm.format(0.1 + 0.2), "exact, never rounded away");
    }

    // ---- helpers ----

    private void assertRejected(FxRobot robot, String field, String text, String message) {
        String before = text(robot, field);
        set(robot, field, text);
        assertInvalid(robot, field, message);
        set(robot, field, before);
        assertNotNull(form.getConfig(), "restored " + field + ": " + form.errorProperty().get());
    }

    private void assertInvalid(FxRobot robot, String field, String message) {
        Label error = label(robot, "#cfg-" + field + "-error");
        assertTrue(error.isVisible(), field + " shows no message");
        assertTrue(error.getText().contains(message), field + ": expected '" + message + "', got: " + error.getText());
        assertNull(form.getConfig(), field);
        assertNotNull(form.errorProperty().get());
        assertTrue(form.isModified());
    }

    private static void set(FxRobot robot, String field, String text) {
        TextField t = robot.lookup("#cfg-" + field).queryAs(TextField.class);
        robot.interact(() -> t.setText(text));
    }

    private static String text(FxRobot robot, String field) {
        return robot.lookup("#cfg-" + field).queryAs(TextField.class).getText();
    }

    private static String tooltip(FxRobot robot, String field) {
        return robot.lookup("#cfg-" + field).queryAs(Control.class).getTooltip().getText();
    }

    private static Label label(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class);
    }

    /**
     * The Legibility section: the image step choice and two numbers reach the config, a bad floor is refused
     * inline. Leaves target/screenshots/config-legibility.png (looked at when this changes).
     */
    @Test
    void theLegibilityLeversReachTheConfig(FxRobot robot) throws Exception {
        robot.interact(() -> form.load(KktPresets.quick()));
        assertEquals("0.25", text(robot, "levers-contrastFloor"));
        @SuppressWarnings("unchecked")
        javafx.scene.control.ChoiceBox<String> step = robot.lookup("#cfg-levers-imageStep")
                .queryAs(javafx.scene.control.ChoiceBox.class);
        assertEquals("adam", step.getValue());
        robot.interact(() -> step.setValue("l2"));
        set(robot, "levers-gradientBlur", "1.5");
        assertEquals(new org.dsvstudio.kkt.Levers("l2", 0.25, 1.5), form.getConfig().leversOrNone());
        assertTrue(form.isModified());
        assertRejected(robot, "levers-contrastFloor", "0.9", "contrastFloor must be in [0, 0.5]");
        set(robot, "levers-contrastFloor", "0.3");
        robot.interact(() -> ((ScrollPane) form.getScene().getRoot()).setVvalue(0.8));
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        java.nio.file.Path out = org.dsvstudio.TestSupport.projectRoot()
                .resolve("target/screenshots/config-legibility.png");
        java.nio.file.Files.createDirectories(out.getParent());
        javafx.scene.image.WritableImage[] shot = new javafx.scene.image.WritableImage[1];
        robot.interact(() -> shot[0] = form.getScene().getRoot().snapshot(null, null));
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(shot[0], null), "png", out.toFile());
    }
}
