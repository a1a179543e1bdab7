package org.dsvstudio.explain;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision plane on real Fashion-MNIST test images, with the ConvNet sample and a TorchScript model. */
class DecisionPlaneTest {

    static final CardOverrides DIGITS = new CardOverrides(new int[] {1, 28, 28},
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
            new double[] {0.3530}, null);

    /** Test images 0, 1, 2: an ankle boot, a pullover and a trouser. */
    static final int[] IMAGES = {0, 1, 2};

    private static ImageDataset test;

    @BeforeAll
    static void readData() throws Exception {
        test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
    }

    static float[] image(Classifier model, int index) {
        ModelCard c = model.card();
        float[] x = new float[c.channels() * c.height() * c.imageWidth()];
        test.normalizedInto(index, c.mean(), c.std(), x, 0);
        return x;
    }

    /** The model's softmax of one image, by a forward pass of its own (NDArray softmax, not the code under test). */
    static double[] softmax(Classifier model, float[] x) {
        ModelCard c = model.card();
        try (NDManager m = model.manager().newSubManager()) {
            return model.logits(m.create(x, new Shape(1, c.channels(), c.height(), c.imageWidth()))
                    .toType(model.dataType(), false), false).toType(DataType.FLOAT64, false).softmax(1)
                    .toDoubleArray();
        }
    }

    static int predict(Classifier model, float[] x) {
        return org.dsvstudio.model.Probabilities.argMax(softmax(model, x));
    }

    @Test
    void thePlaneClassAtEachAnchorIsTheModelsPrediction() throws Exception {
        assertEquals(List.of(9, 2, 1), IntStream.of(IMAGES).mapToObj(test::label).toList());
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                float[][] x = {image(model, 0), image(model, 1), image(model, 2)};
                int[] predicted = {predict(model, x[0]), predict(model, x[1]), predict(model, x[2])};
                assertEquals(3, IntStream.of(predicted).distinct().count(), "three different classes predicted");
                DecisionPlane plane = DecisionPlane.through(model, x[0], x[1], x[2]);
                double[][] uv = plane.anchorCoordinates();
                assertEquals(0, uv[0][0]);
                assertEquals(0, uv[0][1]);
                assertEquals(0, uv[1][1]);
                assertTrue(uv[1][0] > 0 && uv[2][1] > 0);
                // the plane's coordinates give back the anchors (float rounding only) and preserve distances
                for (int i = 0; i < 3; i++) {
                    float[] back = plane.point(uv[i][0], uv[i][1]);
                    for (int k = 0; k < back.length; k++) {
                        assertEquals(x[i][k], back[k], 1e-5, "anchor " + i + " value " + k);
                    }
                }
                assertEquals(distance(x[1], x[2]), Math.hypot(uv[1][0] - uv[2][0], uv[1][1] - uv[2][1]), 1e-4);

                List<Double> fractions = new ArrayList<>();
                int resolution = 48;
                DecisionPlane.Window window = plane.defaultWindow(DecisionPlane.DEFAULT_EXTENT);
                long t0 = System.nanoTime();
                DecisionPlane.Result r = plane.compute(resolution, window, fractions::add, () -> false);
                System.out.printf(java.util.Locale.ROOT, "plane %d×%d (ConvNet): %.2f s, fractions %s%n", resolution,
                        resolution, (System.nanoTime() - t0) / 1e9, java.util.Arrays.toString(r.classFractions()));
                assertEquals((resolution * resolution + DecisionPlane.BATCH - 1) / DecisionPlane.BATCH, fractions.size());
                assertEquals(1.0, fractions.get(fractions.size() - 1));
                for (int i = 0; i < 3; i++) {
                    assertEquals(predicted[i], r.anchorClasses()[i], "direct forward at anchor " + i);
                    assertEquals(predicted[i], r.anchorPlaneClasses()[i], "anchor " + i + " rebuilt from the plane");
                    double[] p = softmax(model, x[i]);
                    for (int k = 0; k < p.length; k++) {
                        assertEquals(p[k], r.anchorProbabilities()[i][k], 1e-5);
                    }
                    // the anchors are inside the window with a margin, and these confident images' cells agree
                    assertTrue(window.contains(uv[i][0], uv[i][1]));
                    int[] cell = r.cellOf(uv[i][0], uv[i][1]);
                    assertEquals(predicted[i], r.classAt(cell[0], cell[1]), "grid cell holding anchor " + i);
                }
                // a grid cell's class is what the model says at that cell's centre
                for (int[] rc : new int[][] {{0, 0}, {resolution - 1, resolution - 1}, {17, 31}, {40, 5}}) {
                    float[] centre = plane.point(window.cellU(rc[1], resolution), window.cellV(rc[0], resolution));
                    double[] p = softmax(model, centre);
                    assertEquals(predict(model, centre), r.classAt(rc[0], rc[1]));
                    assertEquals(p[org.dsvstudio.model.Probabilities.argMax(p)], r.confidenceAt(rc[0], rc[1]), 1e-5);
                }
                double sum = 0;
                for (double f : r.classFractions()) {
                    sum += f;
                }
                assertEquals(1, sum, 1e-9);
                BufferedImage img = DecisionPlane.render(r, 4);
                assertEquals(resolution * 4, img.getWidth());
                BufferedImage legend = DecisionPlane.renderWithLegend(r, model.card().classNames(), 4);
                assertTrue(legend.getWidth() > img.getWidth());
            }
            return null;
        });
    }

    @Test
    void aTorchScriptModelsPlaneAgreesAtTheAnchorsToo() throws Exception {
        compute(() -> {
            try (Classifier model = ModelLoader.load(TestSupport.resource("torchscript/tiny_convnet.pt"), DIGITS,
                    Device.cpu())) {
                float[][] x = {image(model, 0), image(model, 1), image(model, 2)};
                DecisionPlane plane = DecisionPlane.through(model, x[0], x[1], x[2]);
                DecisionPlane.Result r = plane.compute(32, plane.defaultWindow(2), null, null);
                for (int i = 0; i < 3; i++) {
                    assertEquals(predict(model, x[i]), r.anchorClasses()[i]);
                    assertEquals(predict(model, x[i]), r.anchorPlaneClasses()[i]);
                }
                assertEquals(32 * 32, r.classes().length);
            }
            return null;
        });
    }

    @Test
    void identicalOrCollinearAnchorsAreRejected() throws Exception {
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                float[] a = image(model, 0);
                float[] b = image(model, 1);
                IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                        () -> DecisionPlane.through(model, a, b, b.clone()));
                assertTrue(same.getMessage().startsWith("anchors B and C are identical images"), same.getMessage());
                float[] c = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    c[i] = a[i] + 2 * (b[i] - a[i]);
                }
                IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
                        () -> DecisionPlane.through(model, a, b, c));
                assertTrue(line.getMessage().startsWith("anchors A, B and C lie on one line"), line.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> DecisionPlane.through(model, a, b, new float[10]));
            }
            return null;
        });
    }

    @Test
    void cancellingStopsBetweenBatches() throws Exception {
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                DecisionPlane plane = DecisionPlane.through(model, image(model, 0), image(model, 1), image(model, 2));
                List<Double> fractions = new ArrayList<>();
                CancellationException e = assertThrows(CancellationException.class, () -> plane.compute(40,
                        plane.defaultWindow(1.5), fractions::add, () -> !fractions.isEmpty()));
                assertEquals(1, fractions.size());
                assertEquals("decision plane stopped after 256 of 1600 cells", e.getMessage());
            }
            return null;
        });
    }

    @Test
    void windowsPanZoomAndLocateCells() {
        DecisionPlane.Window w = DecisionPlane.Window.around(new double[][] {{0, 0}, {4, 0}, {1, 2}}, 1.5);
        assertEquals(2, w.centerU());
        assertEquals(1, w.centerV());
        assertEquals(3, w.halfSize());
        DecisionPlane.Window z = w.zoomed(2).centredAt(1, 1);
        assertEquals(1.5, z.halfSize());
        assertEquals(-0.5, z.uMin());
        assertEquals(2.5, z.vMax());
        assertEquals(-0.5 + 3.0 / 6 * 0.5, z.cellU(0, 6), 1e-12);
        DecisionPlane.Result r = new DecisionPlane.Result(6, z, 2, new int[36], new float[36], new double[3][2],
                new int[3], new double[3][2], new int[3]);
        for (int row = 0; row < 6; row++) {
            for (int col = 0; col < 6; col++) {
                int[] cell = r.cellOf(z.cellU(col, 6), z.cellV(row, 6));
                assertEquals(row, cell[0]);
                assertEquals(col, cell[1]);
            }
        }
        assertEquals(null, r.cellOf(3, 1));
        assertThrows(IllegalArgumentException.class, () -> new DecisionPlane.Window(0, 0, 0));
        assertNotEquals(DecisionPlane.colourOf(0), DecisionPlane.colourOf(10));
        assertEquals(40, IntStream.range(0, 40).map(DecisionPlane::colourOf).distinct().count());
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
