package org.dsvstudio.ui;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import javafx.geometry.Point2D;
import javafx.geometry.VerticalDirection;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.explain.DecisionPath;
import org.dsvstudio.explain.DecisionPlane;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Boundaries tab on the bundled ConvNet sample and real Fashion-MNIST test images: the plane through three
 * images, zoom and pan, the path between two, the margins of a real run's DSVs against real images.
 */
@ExtendWith(ApplicationExtension.class)
class BoundaryTabTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-boundary";
    private static ImageDataset test;
    /** The sample model's softmax of test images 0, 1, 2 (ankle boot, pullover, trouser), by its own forward. */
    private static double[][] reference;
    private static List<String> classNames;

    private MainWindow window;

    @BeforeAll
    static void readDataAndTheModelsOwnPredictions() throws Exception {
        test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        reference = TestSupport.compute(() -> {
            try (Classifier model = ModelLoader.load(TestSupport.sampleModel("convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                ModelCard c = model.card();
                classNames = c.classNames();
                double[][] out = new double[3][];
                for (int i = 0; i < 3; i++) {
                    float[] x = Pixels.normalize(test.image01(i), c);
                    try (NDManager m = model.manager().newSubManager()) {
                        out[i] = model.logits(m.create(x, new Shape(1, c.channels(), c.height(), c.imageWidth()))
                                .toType(model.dataType(), false), false).toType(DataType.FLOAT64, false).softmax(1)
                                .toDoubleArray();
                    }
                }
                return out;
            }
        });
    }

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

    private BoundaryViewModel openBoundaries(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        robot.clickOn("#tabBoundaries");
        return window.viewModel().boundary();
    }

    private static BoundaryViewModel.BoundaryImage real(int index) {
        return new BoundaryViewModel.BoundaryImage("test #" + index, test.image01(index), -1);
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Three real test images as anchors: each anchor's grid cell has the class the model predicts for it, and
     * hovering there says so; the wheel zooms (smaller window, recomputed), dragging pans; identical anchors give
     * an inline message.
     */
    @Test
    void aPlaneThroughThreeRealImagesShowsTheAnchorsClassesAndZoomsAndPans(FxRobot robot) throws Exception {
        BoundaryViewModel vm = openBoundaries(robot);
        robot.interact(() -> {
            vm.setSlot(BoundaryViewModel.A, real(0));
            vm.setSlot(BoundaryViewModel.B, real(1));
            vm.setSlot(BoundaryViewModel.C, real(2));
            vm.resolutionProperty().set(50);
        });
        robot.clickOn("#planeCompute");
        waitUntil(60, () -> vm.planeProperty().get() != null && !vm.planeBusyProperty().get());
        DecisionPlane.Result r = vm.planeProperty().get();
        assertEquals(50, r.resolution());
        PlaneView view = robot.lookup("#planeView").queryAs(PlaneView.class);
        waitUntil(10, () -> r.window().equals(view.imageWindow()));
        for (int i = 0; i < 3; i++) {
            int predicted = argMax(reference[i]);
            assertEquals(predicted, r.anchorClasses()[i], "the model's own prediction of anchor " + i);
            int[] cell = r.cellOf(r.anchors()[i][0], r.anchors()[i][1]);
            assertNotNull(cell, "anchor " + i + " lies in the default window");
            assertEquals(predicted, r.classAt(cell[0], cell[1]), "the grid cell holding anchor " + i);
            // the pointer over the anchor: the hover line names the model's class
            double[] xy = view.toView(r.anchors()[i][0], r.anchors()[i][1]);
            Point2D screen = view.localToScreen(xy[0], xy[1]);
            robot.moveTo(screen);
            Label hover = robot.lookup("#planeHover").queryAs(Label.class);
            waitUntil(5, () -> hover.getText().contains(classNames.get(predicted)));
            Label legend = robot.lookup("#planeAnchor" + "ABC".charAt(i)).queryAs(Label.class);
            assertTrue(legend.getText().contains(classNames.get(predicted)), legend.getText());
        }

        // zoom with the wheel: the view's window changes at once, the grid is recomputed for it
        DecisionPlane.Window before = r.window();
        robot.moveTo(view).scroll(1, VerticalDirection.UP);
        waitUntil(5, () -> vm.viewWindowProperty().get().halfSize() != before.halfSize());
        waitUntil(60, () -> !vm.planeBusyProperty().get()
                && vm.planeProperty().get().window().equals(vm.viewWindowProperty().get()));
        DecisionPlane.Window zoomed = vm.planeProperty().get().window();
        assertNotEquals(before.halfSize(), zoomed.halfSize(), 1e-9);
        assertEquals(50, vm.planeProperty().get().resolution());

        // pan by dragging 80 px to the right: the centre moves left by 80 px worth of plane
        double unitsPerPixel = view.unitsPerPixel();
        robot.moveTo(view).drag().moveBy(80, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        waitUntil(60, () -> !vm.planeBusyProperty().get()
                && vm.planeProperty().get().window().equals(vm.viewWindowProperty().get())
                && vm.planeProperty().get().window().centerU() != zoomed.centerU());
        DecisionPlane.Window panned = vm.planeProperty().get().window();
        assertEquals(zoomed.centerU() - 80 * unitsPerPixel, panned.centerU(), 6 * unitsPerPixel);
        assertEquals(zoomed.centerV(), panned.centerV(), 6 * unitsPerPixel);
        assertEquals(zoomed.halfSize(), panned.halfSize(), 1e-12);

        // identical anchors: an inline message, no crash, the last plane stays
        robot.interact(() -> vm.setSlot(BoundaryViewModel.B, real(0)));
        robot.clickOn("#planeCompute");
        Label message = robot.lookup("#planeMessage").queryAs(Label.class);
        waitUntil(30, () -> message.isVisible() && message.getText().contains("identical"));
        assertNotNull(vm.planeProperty().get());
    }

    /** The path from a real ankle boot to a real pullover: the chart's ends are the model's probabilities. */
    @Test
    void thePathChartEndsAtTheModelsProbabilitiesAndShowsItsCrossings(FxRobot robot) throws Exception {
        BoundaryViewModel vm = openBoundaries(robot);
        robot.interact(() -> {
            vm.setSlot(BoundaryViewModel.PATH_START, real(0));
            vm.setSlot(BoundaryViewModel.PATH_END, real(1));
            vm.pathPointsProperty().set(51);
        });
        robot.clickOn("#tabPath");
        robot.clickOn("#pathCompute");
        waitUntil(60, () -> vm.pathProperty().get() != null);
        DecisionPath.Result r = vm.pathProperty().get();
        @SuppressWarnings("unchecked")
        LineChart<Number, Number> chart = robot.lookup("#pathChart").queryAs(LineChart.class);
        waitUntil(10, () -> chart.getData().size() >= classNames.size());
        WaitForAsyncUtils.waitForFxEvents();
        for (int c = 0; c < classNames.size(); c++) {
            String name = classNames.get(c);
            XYChart.Series<Number, Number> s = chart.getData().stream().filter(x -> x.getName().equals(name))
                    .findFirst().orElseThrow();
            assertEquals(51, s.getData().size());
            XYChart.Data<Number, Number> first = s.getData().get(0);
            XYChart.Data<Number, Number> last = s.getData().get(50);
            assertEquals(0.0, first.getXValue().doubleValue());
            assertEquals(1.0, last.getXValue().doubleValue());
            assertEquals(reference[0][c], first.getYValue().doubleValue(), 1e-5, "P, class " + name);
            assertEquals(reference[1][c], last.getYValue().doubleValue(), 1e-5, "Q, class " + name);
        }
        assertTrue(!r.crossings().isEmpty(), "an ankle boot and a pullover are told apart somewhere on the way");
        long marks = chart.getData().stream().filter(s -> s.getName().startsWith("crossing ")).count();
        assertEquals(r.crossings().size(), marks, "one marker per crossing");
        FlowPane tiles = robot.lookup("#pathCrossings").queryAs(FlowPane.class);
        assertEquals(r.crossings().size() + 2, tiles.getChildren().size(), "P, the crossings' images, Q");
        assertEquals(argMax(reference[0]), r.classes()[0]);
        assertEquals(argMax(reference[1]), r.classes()[50]);
    }

    /**
     * A short real run's DSVs against 40 real test images: the table gets every DSV's margin, the histogram both
     * groups, the gallery's detail pane the same margin; a real image picked by class goes into a slot.
     */
    @Test
    void theMarginHistogramComparesTheRunsDsvsWithRealImages(FxRobot robot) throws Exception {
        BoundaryViewModel vm = openBoundaries(robot);
        MainViewModel main = window.viewModel();
        robot.interact(() -> {
            main.attachData(TestSupport.realData("fashion-mnist"));
            main.run().configProperty().set(main.run().configProperty().get().withSteps(20));
        });
        waitUntil(60, () -> main.dataProperty().get() != null);
        robot.interact(main::generate);
        waitUntil(10, () -> main.jobs().jobs().size() == 1);
        JobViewModel job = main.jobs().jobs().get(0);
        waitUntil(180, () -> job.stateProperty().get().finished());
        assertEquals(JobViewModel.State.DONE, job.stateProperty().get(), job.statusProperty().get());
        robot.clickOn("#tabBoundaries");
        robot.clickOn("#tabMargins");
        int kept = job.resultProperty().get().kept().size();
        waitUntil(10, () -> vm.marginRows().size() == kept);
        robot.interact(() -> vm.realCountProperty().set(40));
        robot.clickOn("#marginCompute");
        waitUntil(120, () -> vm.comparisonProperty().get() != null);
        BoundaryViewModel.MarginComparison c = vm.comparisonProperty().get();
        assertEquals(kept, c.dsv().length);
        assertEquals(40, c.real().length);
        @SuppressWarnings("unchecked")
        BarChart<String, Number> histogram = robot.lookup("#marginHistogram").queryAs(BarChart.class);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, histogram.getData().size(), "DSVs and real images");
        assertTrue(histogram.getData().get(0).getName().startsWith("DSVs (" + kept + ")"));
        assertTrue(histogram.getData().get(1).getName().contains("fashion-mnist/test (40)"),
                histogram.getData().get(1).getName());
        for (XYChart.Series<String, Number> s : histogram.getData()) {
            double total = s.getData().stream().mapToDouble(d -> d.getYValue().doubleValue()).sum();
            assertEquals(100, total, 1e-9, s.getName() + " shares add up");
        }
        for (double m : c.real()) {
            assertTrue(m > 0, "a real image's margin is positive: " + m);
        }
        TableView<?> table = robot.lookup("#marginTable").queryAs(TableView.class);
        assertEquals(kept, table.getItems().size());
        for (BoundaryViewModel.MarginRow row : vm.marginRows()) {
            assertNotNull(row.marginProperty().get(), "margin of DSV #" + row.candidate().index());
        }

        // the gallery's detail pane shows the same margin for a DSV
        BoundaryViewModel.MarginRow row = vm.marginRows().get(0);
        robot.clickOn("#tabGallery");
        GalleryView gallery = robot.lookup("#gallery").queryAs(GalleryView.class);
        waitUntil(10, () -> !gallery.visibleCandidates().isEmpty());
        Candidate pick = row.candidate();
        robot.clickOn(robot.lookup(".gallery-tile").match(n -> n.getUserData() == pick).queryAs(Pane.class));
        Label margin = robot.lookup("#detailMargin").queryAs(Label.class);
        waitUntil(30, () -> margin.getText().startsWith(BoundaryViewModel.marginText(row.marginProperty().get())
                .substring(0, 4)));
        robot.clickOn("#detailUseA");
        assertEquals("DSV #" + pick.index(), vm.slot(BoundaryViewModel.A).get().label().split(" · ")[0]);

        // a real image by class and index goes into anchor B
        robot.clickOn("#tabBoundaries");
        ComboBox<?> cls = robot.lookup("#pickClass").queryAs(ComboBox.class);
        robot.interact(() -> cls.getSelectionModel().select(1));
        Label caption = robot.lookup("#pickCaption").queryAs(Label.class);
        waitUntil(5, () -> caption.getText().contains("Trouser"));
        robot.clickOn("#useB");
        assertTrue(vm.slot(BoundaryViewModel.B).get().label().contains("Trouser"));
    }
}
