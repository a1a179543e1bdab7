package org.dsvstudio.app;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.TestSupport.sampleModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sample models classify each other's DSVs; the matrix matches a forward pass done here one image at a time. */
class ModelComparisonTest {

    private static final int STEPS = 20;

    private static KktResult dsvs(Classifier model, AutogradBridge bridge) {
        KktRequest request = GenerationPlan.build(model.card(), GenerationPlan.resolveClasses(model.card(), null), 1,
                null, GenerationPlan.Init.NOISE, null, null, 7, KktPresets.quick().withSteps(STEPS));
        return new KktJob(model, bridge, request).run(p -> { }, () -> false);
    }

    /** The confusion matrix by an independent route: one image per forward pass, normalized here, argmax in Java. */
    private static int[][] independent(Classifier model, ModelComparison.Dsvs dsvs) {
        ModelCard c = model.card();
        int k = c.numClasses();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < dsvs.size(); i++) {
            float[] x = dsvs.images01()[i].clone();
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) ((x[j] - c.mean()[0]) / c.std()[0]);
            }
            try (NDManager scope = model.manager().newSubManager()) {
                float[] logits = model.logits(scope.create(x, new Shape(1, 1, 28, 28)), false)
                        .toType(DataType.FLOAT32, false).toFloatArray();
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (logits[j] > logits[best]) {
                        best = j;
                    }
                }
                confusion[dsvs.classes()[i]][best]++;
            }
        }
        return confusion;
    }

    @Test
    void theFashionModelsClassifyEachOthersDsvsAndTheMatrixMatchesAForwardPass() throws Exception {
        Object[] out = compute(() -> {
            try (Classifier convnet = ModelLoader.load(sampleModel("convnet-fashion"), CardOverrides.NONE, Device.cpu());
                    Classifier resnet = ModelLoader.load(sampleModel("resnet-fashion"), CardOverrides.NONE, Device.cpu());
                    AutogradBridge bridge = AutogradBridge.load()) {
                assertNull(ModelComparison.mismatch(convnet.card(), resnet.card()));
                ModelComparison.Dsvs d1 = ModelComparison.fromResult("convnet-fashion", "run 1", dsvs(convnet, bridge));
                ModelComparison.Dsvs d2 = ModelComparison.fromResult("resnet-fashion", "run 2", dsvs(resnet, bridge));
                ModelComparison.Direction forward = ModelComparison.classify(d1, resnet);
                ModelComparison.Direction reverse = ModelComparison.classify(d2, convnet);
                return new Object[] {d1, d2, forward, reverse, independent(resnet, d1), independent(convnet, d2)};
            }
        });
        ModelComparison.Dsvs d1 = (ModelComparison.Dsvs) out[0];
        ModelComparison.Dsvs d2 = (ModelComparison.Dsvs) out[1];
        ModelComparison.Direction forward = (ModelComparison.Direction) out[2];
        ModelComparison.Direction reverse = (ModelComparison.Direction) out[3];
        System.out.println(forward.summary());
        System.out.println(reverse.summary());
        assertEquals(d1.size(), forward.total());
        assertEquals(d2.size(), reverse.total());
        assertTrue(d1.size() > 0 && d2.size() > 0, "runs kept DSVs");
        assertEquals(10, forward.confusion().length);
        for (int t = 0; t < 10; t++) {
            assertArrayEquals(((int[][]) out[4])[t], forward.confusion()[t], "forward row " + t);
            assertArrayEquals(((int[][]) out[5])[t], reverse.confusion()[t], "reverse row " + t);
            int row = 0;
            for (int v : forward.confusion()[t]) {
                row += v;
            }
            int cls = t;
            assertEquals(java.util.Arrays.stream(d1.classes()).filter(c -> c == cls).count(), row, "row " + t
                    + " counts the DSVs of class " + t);
        }
        assertEquals(forward.agreed() / (double) forward.total(), forward.agreement(), 1e-12);
        assertEquals("resnet-fashion", forward.classifier());
        assertEquals("convnet-fashion", reverse.classifier());
    }

    /** Through the workbench: a second model kept beside the first; MNIST digits are refused with a message. */
    @Test
    void theWorkbenchComparesWithASecondModelAndRefusesOtherClasses() throws Exception {
        try (Workbench bench = new Workbench(DeviceChoice.CPU)) {
            bench.models().open(sampleModel("convnet-fashion"), CardOverrides.NONE).get(120, TimeUnit.SECONDS);
            KktResult r = bench.runs().generate(RunSpec.noise(KktPresets.quick().withSteps(10), 1, 3), -1, p -> { })
                    .result().get(300, TimeUnit.SECONDS);
            ModelComparison.Dsvs d1 = ModelComparison.fromResult("convnet-fashion", "run 1", r);

            ExecutionException none = assertThrows(ExecutionException.class,
                    () -> bench.comparison().compare(d1, null).get(60, TimeUnit.SECONDS));
            assertTrue(none.getCause().getMessage().contains("no second model"), none.getCause().getMessage());

            Workbench.ModelSummary mnist = bench.comparison().openSecond(sampleModel("convnet-mnist"), CardOverrides.NONE)
                    .get(120, TimeUnit.SECONDS);
            assertEquals("convnet-mnist", mnist.card().name());
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> bench.comparison().compare(d1, null).get(60, TimeUnit.SECONDS));
            String message = refused.getCause().getMessage();
            assertTrue(message.contains("convnet-fashion and convnet-mnist have different classes"), message);
            assertTrue(message.contains("T-shirt/top") && message.contains("0, 1, 2"), message);

            bench.comparison().openSecond(sampleModel("resnet-fashion"), CardOverrides.NONE).get(120, TimeUnit.SECONDS);
            ModelComparison.Result result = bench.comparison().compare(d1, d1).get(120, TimeUnit.SECONDS);
            assertNotNull(result.reverse());
            assertEquals(r.kept().size(), result.forward().total());
            assertEquals("resnet-fashion", result.forward().classifier());
            // the reverse direction classifies with the current model: its own DSVs, mostly its own classes
            assertEquals("convnet-fashion", result.reverse().classifier());
            assertEquals(Math.round(r.primalFeasibility() * r.kept().size()), result.reverse().agreed());
        }
    }
}
