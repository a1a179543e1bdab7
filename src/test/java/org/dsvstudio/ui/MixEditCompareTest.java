package org.dsvstudio.ui;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.app.ModelComparison;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's generative use in the window (class mixing, editing) and the model comparison, on the bundled
 * samples with a quick preset of few steps.
 */
@ExtendWith(ApplicationExtension.class)
class MixEditCompareTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui-mix";
    private static final int STEPS = 15;
    private static final int COAT = 4;
    private static final int SHIRT = 6;
    private static final int TROUSER = 1;

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

    /** The default sample loaded, the quick preset cut to a few steps, the Mix / Edit section open. */
    private MainViewModel ready(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        MainViewModel vm = window.viewModel();
        robot.interact(() -> vm.run().configProperty().set(KktPresets.quick().withSteps(STEPS)));
        robot.clickOn("#tabRun");
        robot.clickOn("#mixEdit");
        return vm;
    }

    private static JobViewModel finished(MainViewModel vm, int jobs) throws Exception {
        waitUntil(30, () -> vm.jobs().jobs().size() == jobs);
        JobViewModel job = vm.jobs().jobs().get(jobs - 1);
        waitUntil(240, () -> job.stateProperty().get().finished());
        assertEquals(JobViewModel.State.DONE, job.stateProperty().get(), job.statusProperty().get());
        return job;
    }

    /** Clicks Generate once it is enabled and waits for the run, the jobs-th in the list, to end done. */
    private static JobViewModel generate(FxRobot robot, MainViewModel vm, int jobs) throws Exception {
        Button generate = robot.lookup("#generate").queryButton();
        waitUntil(30, () -> !generate.isDisabled());
        robot.clickOn(generate);
        return finished(vm, jobs);
    }

    /** Coat ← δ = 0.6 → Shirt from noise: every DSV carries the soft target; the gallery names the mix. */
    @Test
    void aMixRunCompletesAndItsDsvsCarryTheSoftTarget(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        MixEditViewModel mix = vm.mixEdit();
        robot.interact(() -> {
            mix.classAProperty().set(COAT);
            mix.classBProperty().set(SHIRT);
            mix.countProperty().set(2);
        });
        assertEquals(0.6, mix.deltaProperty().get(), 1e-12, "δ starts at the paper's 0.6");
        Label target = robot.lookup("#mixTarget").queryAs(Label.class);
        assertEquals("Coat 40 % / Shirt 60 %", target.getText());
        Button generate = robot.lookup("#mixGenerate").queryButton();
        waitUntil(10, () -> !generate.isDisabled());
        robot.clickOn(generate);
        JobViewModel job = finished(vm, 1);
        assertTrue(job.title().contains("Coat 40 % / Shirt 60 %"), job.title());

        KktResult r = job.resultProperty().get();
        assertEquals(2, r.candidates().size());
        for (Candidate c : r.candidates()) {
            assertEquals(0.4f, c.target()[COAT], 1e-6);
            assertEquals(0.6f, c.target()[SHIRT], 1e-6);
            assertEquals(SHIRT, c.targetClass());
            float others = 0;
            for (int k = 0; k < 10; k++) {
                others += k == COAT || k == SHIRT ? 0 : c.target()[k];
            }
            assertEquals(0f, others);
        }
        assertTrue(r.initLabel().startsWith("noise"), r.initLabel());
        assertEquals(KktPresets.quick().tvWeight(), r.config().tvWeight(), "from noise the preset keeps its TV prior");

        robot.clickOn("#tabGallery");
        waitUntil(10, () -> robot.lookup(".gallery-row-header").queryAll().stream()
                .anyMatch(n -> "Coat 40 % / Shirt 60 %".equals(((Label) n).getText())));
    }

    /**
     * Editing an image of the attached data towards Trouser: the run's step-0 images are that image, every
     * candidate targets Trouser, and the gallery shows it before and after. Then a DSV of the gallery is edited.
     */
    @Test
    void anEditRunStartsFromTheGivenImageAndTargetsTheNewClass(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        MixEditViewModel edit = vm.mixEdit();
        robot.interact(() -> vm.attachData(TestSupport.realData("fashion-mnist")));
        waitUntil(120, () -> vm.dataProperty().get() != null);
        int index = 0;
        while (vm.dataProperty().get().train().label(index) == TROUSER) {
            index++;
        }
        int pick = index;
        float[] original = vm.dataProperty().get().train().image01(pick);
        @SuppressWarnings("unchecked")
        Spinner<Integer> spinner = robot.lookup("#editDataIndex").queryAs(Spinner.class);
        robot.interact(() -> {
            spinner.getValueFactory().setValue(pick);
            edit.blendProperty().set(false);
            edit.classAProperty().set(TROUSER);
            edit.countProperty().set(1);
        });
        robot.clickOn("#editFromData");
        waitUntil(10, () -> edit.startProperty().get() != null);
        assertArrayEquals(original, edit.startProperty().get().image01());
        assertEquals("Trouser", robot.lookup("#mixTarget").queryAs(Label.class).getText());
        Button go = robot.lookup("#editGenerate").queryButton();
        waitUntil(10, () -> !go.isDisabled());
        robot.clickOn(go);
        JobViewModel job = finished(vm, 1);

        float[][] step0 = job.startImages();
        assertNotNull(step0, "the run reported its start");
        assertEquals(1, step0.length);
        assertArrayEquals(original, step0[0], "step 0 is the chosen image");
        KktResult r = job.resultProperty().get();
        assertTrue(r.initLabel().startsWith("image:"), r.initLabel());
        assertEquals(0.0, r.config().tvWeight(), "from an image the preset runs without its TV prior");
        Candidate after = r.candidates().get(0);
        assertEquals(TROUSER, after.targetClass());
        assertEquals(1f, after.target()[TROUSER]);
        assertFalse(java.util.Arrays.equals(original, after.image01()), "the optimization changed the image");
        assertTrue(job.title().contains("edit of") && job.title().contains("→ Trouser"), job.title());

        // the gallery: before → after
        robot.interact(() -> vm.jobs().selectedProperty().set(job));
        robot.clickOn("#tabGallery");
        waitUntil(10, () -> robot.lookup("#beforeAfter").tryQuery().isPresent());
        assertTrue(robot.lookup("#editBefore").tryQuery().isPresent());

        // a DSV selected in the gallery becomes the next start image
        GalleryView gallery = robot.lookup("#gallery").queryAs(GalleryView.class);
        waitUntil(10, () -> !gallery.visibleCandidates().isEmpty());
        Candidate dsv = gallery.visibleCandidates().get(0);
        Node tile = robot.lookup(".gallery-tile").match(n -> n.getUserData() == dsv).query();
        robot.clickOn(tile);
        waitUntil(10, () -> edit.gallerySelectionProperty().get() != null);
        robot.clickOn("#tabRun");
        robot.clickOn("#editFromDsv");
        waitUntil(10, () -> edit.startProperty().get() != null
                && edit.startProperty().get().label().startsWith("DSV #"));
        assertArrayEquals(dsv.image01(), edit.startProperty().get().image01());
    }

    /** Model 2 = resnet-fashion classifies the run's DSVs; the heat map shows the matrix; MNIST is refused. */
    @Test
    void aSecondModelClassifiesTheDsvsAndOtherClassesAreRefused(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        robot.interact(() -> vm.run().configProperty().set(KktPresets.quick().withSteps(STEPS)));
        JobViewModel job = generate(robot, vm, 1);
        CompareViewModel compare = vm.compare();
        waitUntil(10, () -> compare.firstRunProperty().get() == job);

        robot.clickOn("#tabCompare");
        robot.interact(() -> compare.openSecond(TestSupport.sampleModel("convnet-mnist")));
        waitUntil(120, () -> compare.secondProperty().get() != null && !compare.busyProperty().get());
        String refusal = robot.lookup("#compareStatus").queryAs(Label.class).getText();
        assertTrue(refusal.contains("have different classes"), refusal);
        assertTrue(window.lastNotification().contains("cannot be compared"), window.lastNotification());

        robot.interact(() -> compare.openSecond(TestSupport.sampleModel("resnet-fashion")));
        waitUntil(120, () -> compare.resultProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents(); // the heat maps are drawn in the same FX event
        ModelComparison.Direction forward = compare.resultProperty().get().forward();
        assertEquals("resnet-fashion", forward.classifier());
        assertEquals(job.resultProperty().get().kept().size(), forward.total());
        ConfusionHeatMap map = robot.lookup("#heatForward").queryAs(ConfusionHeatMap.class);
        int[][] shown = map.shownCounts();
        for (int t = 0; t < 10; t++) {
            assertArrayEquals(forward.confusion()[t], shown[t], "row " + t);
        }
        assertTrue(map.agreementText().contains(forward.agreed() + " of " + forward.total()), map.agreementText());
        assertEquals(null, compare.resultProperty().get().reverse(), "resnet-fashion has no run in the list");
    }

    /**
     * A standard and the robust model's runs side by side in the Compare tab: one row per class, each model's kept
     * DSVs of that class. Leaves target/screenshots/compare-side-by-side.png (looked at when this changes).
     */
    @Test
    void twoModelsDsvsAreShownSideBySideByClass(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel standard = generate(robot, vm, 1);
        robot.interact(() -> vm.open(TestSupport.sampleModel("robust-fashion")));
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "robust-fashion".equals(title.getText()));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup((Label l) -> l.getText() != null && l.getText().startsWith("64.81 % under PGD L2 ε 1.5"))
                .tryQuery().isPresent(), "the Model tab shows the robust accuracy of the card");
        robot.interact(() -> vm.run().configProperty().set(KktPresets.quick().withSteps(STEPS)));
        JobViewModel robust = generate(robot, vm, 2);

        CompareViewModel compare = vm.compare();
        robot.clickOn("#tabCompare");
        robot.interact(() -> compare.openSecond(TestSupport.sampleModel("convnet-fashion")));
        waitUntil(120, () -> compare.secondProperty().get() != null && !compare.busyProperty().get());
        waitUntil(10, () -> compare.firstRunProperty().get() == robust && compare.secondRunProperty().get() == standard);
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.layout.VBox side = robot.lookup("#sideBySide").queryAs(javafx.scene.layout.VBox.class);
        javafx.scene.layout.GridPane grid = (javafx.scene.layout.GridPane) side.getChildren().get(1);
        long images1 = grid.getChildren().stream().filter(n -> javafx.scene.layout.GridPane.getColumnIndex(n) == 1
                && n instanceof javafx.scene.layout.HBox).mapToLong(n -> ((javafx.scene.layout.HBox) n)
                .getChildren().size()).sum();
        long images2 = grid.getChildren().stream().filter(n -> javafx.scene.layout.GridPane.getColumnIndex(n) == 2
                && n instanceof javafx.scene.layout.HBox).mapToLong(n -> ((javafx.scene.layout.HBox) n)
                .getChildren().size()).sum();
        assertEquals(robust.resultProperty().get().kept().size(), images1);
        assertEquals(standard.resultProperty().get().kept().size(), images2);
        assertTrue(((Label) side.getChildren().get(0)).getText().contains("robust-fashion"));
        robot.interact(() -> ((javafx.scene.control.ScrollPane) robot.lookup("#compareTab").query()).setVvalue(1));
        WindowTests.screenshot(robot, "compare-side-by-side.png");
    }

    /**
     * The gallery's Judge button: the shipped Fashion-MNIST judges classify the run's DSVs in the compute process
     * and the line under the header says how many they see as their class, beside real images. Leaves
     * target/screenshots/gallery-judged.png.
     */
    @Test
    void theGalleryJudgesARunWithTheShippedJudges(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel job = generate(robot, vm, 1);
        robot.clickOn("#tabGallery");
        Button judge = robot.lookup("#judgeGallery").queryButton();
        waitUntil(10, () -> !judge.isDisabled());
        robot.clickOn(judge);
        Label result = robot.lookup("#judgeResult").queryAs(Label.class);
        waitUntil(120, () -> result.getText().startsWith("Independent judges") || result.getText().startsWith("Could"));
        String text = result.getText();
        assertTrue(text.contains("judge-fashion-mlp sees their class in") && text.contains("judge-fashion-vgg"), text);
        assertTrue(text.contains("(real images 8") || text.contains("(real images 9"), text);
        assertEquals(10, job.resultProperty().get().kept().size());
        WindowTests.screenshot(robot, "gallery-judged.png");
    }
}
