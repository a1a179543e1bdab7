package org.dsvstudio.explain;

import ai.djl.Device;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.explain.DecisionPlaneTest.image;
import static org.dsvstudio.explain.DecisionPlaneTest.predict;
import static org.dsvstudio.explain.DecisionPlaneTest.softmax;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The path between two real test images (ankle boot → trouser) through the ConvNet sample. */
class DecisionPathTest {

    @Test
    void endpointsAreTheModelsSoftmaxAndCrossingsSeparateTwoClasses() throws Exception {
        DecisionPlaneTest.readData();
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                float[] p = image(model, 0);
                float[] q = image(model, 2);
                List<Double> fractions = new ArrayList<>();
                DecisionPath.Result r = DecisionPath.compute(model, p, q, 41, fractions::add, () -> false);
                assertEquals(41, r.t().length);
                assertEquals(0.0, r.t()[0]);
                assertEquals(1.0, r.t()[40]);
                assertEquals(0.5, r.t()[20], 1e-15);
                assertArrayEquals(p, DecisionPath.pointAt(p, q, 0));
                assertArrayEquals(q, DecisionPath.pointAt(p, q, 1));
                double[] sp = softmax(model, p);
                double[] sq = softmax(model, q);
                for (int k = 0; k < sp.length; k++) {
                    assertEquals(sp[k], r.probabilities()[0][k], 1e-5, "P, class " + k);
                    assertEquals(sq[k], r.probabilities()[40][k], 1e-5, "Q, class " + k);
                }
                assertEquals(predict(model, p), r.classes()[0]);
                assertEquals(predict(model, q), r.classes()[40]);
                assertEquals(DecisionPlaneTest.distance(p, q), r.distance(), 1e-6);
                assertEquals(1.0, fractions.get(fractions.size() - 1));

                assertFalse(r.crossings().isEmpty(), "an ankle boot and a trouser are predicted differently");
                int changes = 0;
                for (int i = 0; i + 1 < r.classes().length; i++) {
                    changes += r.classes()[i] != r.classes()[i + 1] ? 1 : 0;
                }
                assertEquals(changes, r.crossings().size());
                for (DecisionPath.Crossing c : r.crossings()) {
                    System.out.printf(java.util.Locale.ROOT, "crossing at t = %.5f: %d → %d (interval %.2g)%n",
                            c.t(), c.from(), c.to(), c.after() - c.before());
                    assertNotEquals(c.from(), c.to());
                    assertTrue(c.after() - c.before() <= DecisionPath.TOLERANCE, "narrowed to 1e-4");
                    assertTrue(c.before() < c.t() && c.t() < c.after());
                    // argmax just before and just after, by an independent forward pass
                    assertEquals(c.from(), predict(model, DecisionPath.pointAt(p, q, c.before())));
                    assertEquals(c.to(), predict(model, DecisionPath.pointAt(p, q, c.after())));
                    // at the crossing the two classes are nearly tied
                    double[] at = softmax(model, c.image());
                    assertEquals(at[c.from()], at[c.to()], 0.05, "near tie at the crossing");
                    assertArrayEquals(DecisionPath.pointAt(p, q, c.t()), c.image());
                }
                BufferedImage chart = DecisionPath.chart(r, model.card().classNames(), 800, 400);
                assertEquals(800, chart.getWidth());
            }
            return null;
        });
    }

    @Test
    void badPathsAreRejected() throws Exception {
        DecisionPlaneTest.readData();
        compute(() -> {
            try (Classifier model = ModelLoader.load(Path.of("sample-models", "convnet-fashion"), CardOverrides.NONE,
                    Device.cpu())) {
                float[] p = image(model, 0);
                assertThrows(IllegalArgumentException.class, () -> DecisionPath.compute(model, p, p, 1, null, null));
                assertThrows(IllegalArgumentException.class,
                        () -> DecisionPath.compute(model, p, new float[3], 11, null, null));
                DecisionPath.Result same = DecisionPath.compute(model, p, p, 5, null, null);
                assertTrue(same.crossings().isEmpty());
                assertEquals(0, same.distance());
            }
            return null;
        });
    }
}
