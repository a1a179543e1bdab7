package org.dsvstudio.ui;

import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Slider;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelReader;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.app.CardDraft;
import org.dsvstudio.app.Saliency;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Images;
import org.dsvstudio.data.Split;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.model.ModelCard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Explain tab end to end in the real window, on the bundled Fashion-MNIST ConvNet and real Fashion-MNIST test
 * images written as PNG files: heat maps, the grid of all methods, the opacity slider, the contrast target, a bad
 * file, a TorchScript model without Grad-CAM, and the gallery's Explain button.
 */
@ExtendWith(ApplicationExtension.class)
class ExplainTabTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-explain";
    private static ImageDataset test;

    private MainWindow window;
    private ExplainViewModel vm;

    @BeforeAll
    static void readTestImages() throws Exception {
        test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
    }

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
        vm = window.viewModel().explain();
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    /**
     * Waits for a condition, then for the FX thread to finish what it is doing: another thread may see a property's
     * new value while the FX thread is still running its listeners.
     */
    private static void waitUntil(int seconds, Callable<Boolean> condition) throws Exception {
        WindowTests.waitUntil(seconds, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Test image i of Fashion-MNIST as a PNG file. */
    private static Path png(Path dir, int i) throws Exception {
        Path file = dir.resolve("fashion-test-" + i + ".png");
        ImageIO.write(Images.toBufferedImage(test.image01(i), 1, 28, 28), "png", file.toFile());
        return file;
    }

    /** Waits for the default sample, shows the Explain tab and opens test image i; waits for its first map. */
    private void openImage(FxRobot robot, Path dir, int i) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        robot.clickOn("#tabExplain");
        Path file = png(dir, i);
        robot.interact(() -> vm.openImage(file));
        waitUntil(60, () -> vm.mapProperty().get() != null && !vm.busyProperty().get());
    }

    private static Set<Integer> distinctArgb(Image image) {
        PixelReader r = image.getPixelReader();
        Set<Integer> values = new HashSet<>();
        for (int y = 0; y < (int) image.getHeight(); y++) {
            for (int x = 0; x < (int) image.getWidth(); x++) {
                values.add(r.getArgb(x, y));
            }
        }
        return values;
    }

    @Test
    void openingAnImageAndComputingAGradientMapShowsANonUniformHeatMap(FxRobot robot, @TempDir Path dir)
            throws Exception {
        openImage(robot, dir, 0);
        Saliency.MapResult m = vm.mapProperty().get();
        assertEquals(Saliency.Method.GRADIENT, m.request().method());
        assertEquals(vm.preparedProperty().get().predicted(), m.request().classA(), "A defaults to the prediction");
        assertTrue(m.max() > m.min(), "the map varies: " + m.min() + " … " + m.max());

        Image heat = robot.lookup("#explainHeat").queryAs(ImageView.class).getImage();
        assertNotNull(heat);
        assertEquals(280, (int) heat.getWidth(), "28 pixels, each a 10×10 square");
        Set<Integer> colours = distinctArgb(heat);
        assertTrue(colours.size() > 20, "heat map pixels are not uniform: " + colours.size() + " distinct colours");

        String caption = robot.lookup("#explainCaption").queryAs(Label.class).getText();
        assertTrue(caption.startsWith("Gradient · why "), caption);
        assertTrue(robot.lookup("#explainBarMax").queryAs(Label.class).getText().startsWith("+"));
        assertTrue(robot.lookup("#explainBarMin").queryAs(Label.class).getText().startsWith("−"));
        assertTrue(robot.lookup("#explainSource").queryAs(Label.class).getText().startsWith("fashion-test-0.png"));
        Pane probabilities = robot.lookup("#explainProbabilities").queryAs(Pane.class);
        assertEquals(5, probabilities.getChildren().size(), "the top five classes");
        assertTrue(probabilities.getChildren().get(0).getStyleClass().contains("predicted"));
        assertNull(vm.messageProperty().get());
    }

    /** All methods, one cell each as they arrive; a second grid cancelled midway keeps what it had. */
    @Test
    void theGridFillsWithOneCellPerMethodAndCanBeCancelled(FxRobot robot, @TempDir Path dir) throws Exception {
        openImage(robot, dir, 1);
        robot.clickOn("#explainAll");
        Pane grid = robot.lookup("#explainGrid").queryAs(Pane.class);
        waitUntil(120, () -> !vm.gridBusyProperty().get());
        assertEquals(Saliency.Method.values().length, grid.getChildren().size(), vm.gridStatusProperty().get());
        Set<Saliency.Method> methods = grid.getChildren().stream()
                .map(n -> ((Saliency.MapResult) n.getUserData()).request().method()).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(Saliency.Method.class), methods);
        for (var cell : grid.getChildren()) {
            Saliency.MapResult m = (Saliency.MapResult) cell.getUserData();
            assertTrue(m.max() > m.min(), m.request().method() + " map is constant");
        }
        assertTrue(vm.gridStatusProperty().get().startsWith("All 6 methods"), vm.gridStatusProperty().get());

        // Integrated Gradients with many steps is cancelled between batches: the grid keeps the first three cells.
        robot.interact(() -> vm.settingsProperty().set(vm.settingsProperty().get().withIgSteps(4096)));
        waitUntil(60, () -> !vm.busyProperty().get());
        robot.clickOn("#explainAll");
        waitUntil(60, () -> grid.getChildren().size() == 3);
        Button cancel = robot.lookup("#explainCancel").queryButton();
        robot.interact(cancel::fire);
        waitUntil(60, () -> !vm.gridBusyProperty().get());
        assertEquals(3, grid.getChildren().size());
        assertEquals("Cancelled after 3 of 6", vm.gridStatusProperty().get());
    }

    @Test
    void theOpacitySliderChangesTheRenderedOverlay(FxRobot robot, @TempDir Path dir) throws Exception {
        openImage(robot, dir, 2);
        ExplainTab tab = window.explainTab();
        Slider slider = robot.lookup("#explainOpacity").queryAs(Slider.class);
        Image[] shots = new Image[2];
        robot.interact(() -> {
            slider.setValue(0);
            shots[0] = tab.overlaySnapshot();
            slider.setValue(1);
            shots[1] = tab.overlaySnapshot();
        });
        int coloured0 = colouredPixels(shots[0]);
        int coloured1 = colouredPixels(shots[1]);
        assertEquals(0, coloured0, "at opacity 0 the overlay is the gray image alone");
        assertTrue(coloured1 > 500, "at opacity 1 the heat map tints the image: " + coloured1 + " coloured pixels");
    }

    /** Pixels whose red and blue differ: tinted by the heat map (the image itself is gray). */
    private static int colouredPixels(Image image) {
        PixelReader r = image.getPixelReader();
        int n = 0;
        for (int y = 0; y < (int) image.getHeight(); y++) {
            for (int x = 0; x < (int) image.getWidth(); x++) {
                int argb = r.getArgb(x, y);
                if (Math.abs((argb >> 16 & 0xff) - (argb & 0xff)) > 8) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * "Rather than B" is enabled for the gradient methods and gives a contrast map; Grad-CAM disables it with a
     * hint. A TorchScript model has no Grad-CAM: the choice is disabled, with the reason beside it.
     */
    @Test
    void theContrastTargetAndGradCamAreEnabledOnlyWhereTheyApply(FxRobot robot, @TempDir Path dir) throws Exception {
        openImage(robot, dir, 3);
        @SuppressWarnings("unchecked")
        ComboBox<Integer> classB = robot.lookup("#explainClassB").queryAs(ComboBox.class);
        Label contrastHint = robot.lookup("#explainContrastHint").queryAs(Label.class);
        assertFalse(classB.isDisabled());
        assertFalse(contrastHint.isVisible());

        int predicted = vm.preparedProperty().get().predicted();
        int other = (predicted + 1) % 10;
        String otherName = vm.preparedProperty().get().card().classNames().get(other);
        robot.clickOn(classB);
        robot.clickOn(robot.lookup(".combo-box-popup .list-cell")
                .match((javafx.scene.control.ListCell<?> cell) -> cell.getText() != null
                        && cell.getText().startsWith(otherName + "  ("))
                .queryAs(javafx.scene.control.ListCell.class));
        waitUntil(60, () -> vm.mapProperty().get().request().classB() == other && !vm.busyProperty().get());
        String caption = robot.lookup("#explainCaption").queryAs(Label.class).getText();
        List<String> names = vm.preparedProperty().get().card().classNames();
        assertTrue(caption.contains("why " + names.get(predicted) + " rather than " + names.get(other)), caption);

        robot.clickOn("#method-GRAD_CAM");
        waitUntil(60, () -> vm.mapProperty().get().request().method() == Saliency.Method.GRAD_CAM
                && !vm.busyProperty().get());
        assertTrue(classB.isDisabled(), "Grad-CAM cannot contrast");
        assertTrue(contrastHint.isVisible());
        assertEquals(-1, vm.mapProperty().get().request().classB(), "Grad-CAM explains A alone");
        assertTrue(robot.lookup("#explainBarMin").queryAs(Label.class).getText().equals("0"), "one-sided colour bar");

        robot.clickOn("#method-INTEGRATED_GRADIENTS");
        waitUntil(60, () -> vm.mapProperty().get().request().method() == Saliency.Method.INTEGRATED_GRADIENTS
                && !vm.busyProperty().get());
        assertFalse(classB.isDisabled());
        assertEquals(other, vm.mapProperty().get().request().classB(), "the contrast choice is kept");

        // A TorchScript model: the image is prepared again for it, and Grad-CAM is off with its reason.
        robot.clickOn("#method-GRAD_CAM");
        Path pt = dir.resolve("tiny_convnet.pt");
        Files.copy(TestSupport.resource("torchscript/tiny_convnet.pt"), pt);
        new CardDraft().setInputShape("1,28,28").setClassNames("0,1,2,3,4,5,6,7,8,9").setMean("0.286")
                .setStd("0.353").saveBeside(pt);
        Saliency.MapResult convnetMap = vm.mapProperty().get();
        robot.interact(() -> window.viewModel().open(pt));
        waitUntil(60, () -> vm.preparedProperty().get() != null
                && "tiny_convnet".equals(vm.preparedProperty().get().modelName())
                && vm.mapProperty().get() != convnetMap && !vm.busyProperty().get());
        RadioButton gradCam = robot.lookup("#method-GRAD_CAM").queryAs(RadioButton.class);
        assertTrue(gradCam.isDisabled());
        assertEquals(Saliency.Method.GRADIENT, vm.methodProperty().get(), "Grad-CAM was chosen; gradient instead");
        Label camHint = robot.lookup("#explainGradCamHint").queryAs(Label.class);
        assertTrue(camHint.isVisible() && camHint.getText().contains("TorchScript"), camHint.getText());
    }

    /** A file that is no image, and a DSV of another size: inline messages; the tab stays usable. */
    @Test
    void aBadImageFileOrAWrongSizedImageGivesAMessage(FxRobot robot, @TempDir Path dir) throws Exception {
        openImage(robot, dir, 4);
        Path bad = dir.resolve("not an image.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        robot.interact(() -> vm.openImage(bad));
        Label message = robot.lookup("#explainMessage").queryAs(Label.class);
        waitUntil(30, () -> message.isVisible());
        assertTrue(message.getText().contains("not an image.png"), message.getText());
        assertTrue(vm.preparedProperty().get().source().title().equals("fashion-test-4.png"),
                "the image before stays");

        ModelCard cifar = new ModelCard("cifar-like", "convnet", 8, "weights.params", new int[] {3, 32, 32},
                List.of("a", "b"), new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5}, "synthetic", null, null,
                null, null, null);
        robot.interact(() -> vm.showImage("DSV #0 · a", new float[3 * 32 * 32], cifar));
        waitUntil(30, () -> message.isVisible() && message.getText().contains("3×32×32"));
        assertTrue(message.getText().contains("convnet-fashion takes 1×28×28"), message.getText());

        Path good = png(dir, 5);
        Saliency.MapResult before = vm.mapProperty().get();
        robot.interact(() -> vm.openImage(good));
        waitUntil(60, () -> vm.preparedProperty().get() != null
                && "fashion-test-5.png".equals(vm.preparedProperty().get().source().title())
                && vm.mapProperty().get() != before && !vm.busyProperty().get());
        assertFalse(message.isVisible(), "the message goes with the next good image");
    }

    /** The gallery's detail pane hands its DSV to the Explain tab, which comes forward and explains it. */
    @Test
    void theDetailPanesExplainButtonOpensTheDsvInTheExplainTab(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        ModelCard card = window.viewModel().loadedProperty().get().card();
        // a real test image in the role of a DSV of class 9 (the pane only displays these numbers)
        float[] probs = new float[10];
        probs[9] = 1;
        Candidate dsv = new Candidate(7, 9, probs.clone(), 0.5, false, -1, 9, new float[10], probs, 0.0,
                test.image01(0));
        robot.clickOn("#tabGallery");
        DsvDetailPane detail = robot.lookup("#detailPane").queryAs(DsvDetailPane.class);
        robot.interact(() -> detail.show(card, dsv));
        robot.clickOn("#detailExplain");
        waitUntil(60, () -> vm.mapProperty().get() != null && !vm.busyProperty().get());
        assertTrue(robot.lookup("#explainTab").query().isVisible(), "the Explain tab is in front");
        assertEquals("DSV #7 · Ankle boot", vm.sourceProperty().get().title());
        assertTrue(robot.lookup("#explainSource").queryAs(Label.class).getText().startsWith("DSV #7 · Ankle boot"));
    }

    @Test
    void onlyImageFilesAreTakenFromADrop(@TempDir Path dir) throws Exception {
        Path png = png(dir, 0);
        Path model = Files.createDirectory(dir.resolve("some-model"));
        Path pt = Files.write(dir.resolve("net.pt"), new byte[] {1});
        assertEquals(png.toFile(), ExplainTab.droppedImage(List.of(png.toFile())));
        assertNull(ExplainTab.droppedImage(List.of(model.toFile())));
        assertNull(ExplainTab.droppedImage(List.of(pt.toFile())));
        assertNull(ExplainTab.droppedImage(List.<File>of()));
    }
}
