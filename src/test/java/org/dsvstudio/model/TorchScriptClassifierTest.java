package org.dsvstudio.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.TestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TorchScript path against Python: logits against the fixture made by scripts/make_test_models.py, and
 * input gradients against both Python's autograd and float64 central finite differences.
 */
class TorchScriptClassifierTest {

    private static JsonNode fixture;
    private static final CardOverrides DIGITS = new CardOverrides(new int[] {1, 28, 28},
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
            new double[] {0.3530}, null);

    @BeforeAll
    static void readFixture() throws Exception {
        fixture = new ObjectMapper().readTree(resource("torchscript/fixture.json").toFile());
    }

    private static double[] doubles(String key) {
        JsonNode node = fixture.get(key);
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }

    private static Classifier load(String file) {
        return ModelLoader.load(resource("torchscript/" + file), DIGITS, Device.cpu());
    }

    private static NDArray inputs(NDManager manager, DataType type) {
        double[] x = doubles("inputs");
        return manager.create(x, new Shape(4, 1, 28, 28)).toType(type, false);
    }

    /**
     * DJL looks for a block factory in every .jar of the folder of the file it loads and initializes the classes it
     * finds: a jar beside a model (a Downloads folder) would run code on open. The model is loaded from a private
     * copy, so a jar whose class writes a file from its static initializer writes nothing.
     */
    @Test
    void aJarBesideAModelIsNeverRun(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        Path src = dir.resolve("src/Evil.java");
        java.nio.file.Files.createDirectories(src.getParent());
        java.nio.file.Files.writeString(src, "public class Evil { static { try { java.nio.file.Files.createFile("
                + "java.nio.file.Path.of(\"" + marker.toString().replace("\\", "/") + "\")); } catch (Exception e) { }"
                + " } }");
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", dir.resolve("classes").toString(), src.toString()));
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("downloads"));
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(
                folder.resolve("evil.jar")))) {
            jar.putNextEntry(new java.util.jar.JarEntry("Evil.class"));
            jar.write(java.nio.file.Files.readAllBytes(dir.resolve("classes/Evil.class")));
            jar.closeEntry();
        }
        Path pt = java.nio.file.Files.copy(resource("torchscript/tiny_convnet.pt"), folder.resolve("tiny_convnet.pt"));
        ModelCard card = new ModelCard("tiny", "torchscript", null, null, new int[] {1, 28, 28},
                List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), new double[] {0.5}, new double[] {0.5}, null,
                null, null, null, null, null);
        compute(() -> {
            try (TorchScriptClassifier c = TorchScriptClassifier.load(pt, card, Device.cpu())) {
                assertEquals(pt, c.source());
            }
            return null;
        });
        assertTrue(!java.nio.file.Files.exists(marker), "the jar's class was initialized: DJL ran code beside the model");
    }

    @Test
    void logitsOfTheTinyConvNetMatchPython() throws Exception {
        assertLogitsMatch("tiny_convnet.pt", "tiny_convnet_logits");
    }

    @Test
    void logitsOfTheBatchNormNetInEvalModeMatchPython() throws Exception {
        assertLogitsMatch("tiny_bn_net.pt", "tiny_bn_net_logits");
    }

    private void assertLogitsMatch(String file, String key) throws Exception {
        double[] expected = doubles(key);
        float[] actual = compute(() -> {
            try (Classifier c = load(file); NDManager m = c.manager().newSubManager()) {
                return c.logits(inputs(m, DataType.FLOAT32), false).toFloatArray();
            }
        });
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-5, file + ": worst |Java − Python| logit difference " + worst + " > 1e-5");
    }

    /** L(x) = Σᵢ log softmax(f(x))[i, yᵢ] with y = fixture labels; its gradient w.r.t. x in float64. */
    @Test
    void inputGradientsMatchPythonAndFloat64FiniteDifferences() throws Exception {
        double[] python = doubles("tiny_convnet_input_grad");
        int[] labels = {0, 1, 2, 3};
        double[][] result = compute(() -> {
            try (Classifier c = load("tiny_convnet_f64.pt"); NDManager m = c.manager().newSubManager()) {
                assertEquals(DataType.FLOAT64, c.dataType());
                NDArray x = inputs(m, DataType.FLOAT64);
                x.setRequiresGradient(true);
                NDArray y = m.create(labels).oneHot(10).toType(DataType.FLOAT64, false);
                double[] grad;
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss = c.logits(x, true).logSoftmax(1).mul(y).sum();
                    gc.backward(loss);
                    grad = x.getGradient().toDoubleArray();
                }
                // Central differences on 40 random coordinates, h = 1e-6 (float64).
                double[] base = x.toDoubleArray();
                Random random = new Random(7);
                double[][] fd = new double[40][2];
                for (int k = 0; k < fd.length; k++) {
                    int i = random.nextInt(base.length);
                    double h = 1e-6;
                    fd[k][0] = i;
                    fd[k][1] = (objective(c, m, base, i, h, y) - objective(c, m, base, i, -h, y)) / (2 * h);
                }
                double[][] out = new double[fd.length + 1][];
                out[0] = grad;
                System.arraycopy(fd, 0, out, 1, fd.length);
                return out;
            }
        });
        double[] grad = result[0];
        double scale = 0;
        for (double g : python) {
            scale = Math.max(scale, Math.abs(g));
        }
        double worstPython = 0;
        for (int i = 0; i < grad.length; i++) {
            worstPython = Math.max(worstPython, Math.abs(grad[i] - python[i]));
        }
        assertTrue(worstPython <= 1e-10 * Math.max(1, scale), "gradient differs from Python by " + worstPython);
        double worstFd = 0;
        for (int k = 1; k < result.length; k++) {
            int i = (int) result[k][0];
            worstFd = Math.max(worstFd, Math.abs(grad[i] - result[k][1]) / Math.max(scale, 1e-12));
        }
        assertTrue(worstFd <= 1e-6, "gradient differs from central finite differences by " + worstFd
                + " (relative to the largest gradient)");
    }

    private static double objective(Classifier c, NDManager m, double[] base, int index, double h, NDArray y) {
        double[] shifted = base.clone();
        shifted[index] += h;
        try (NDManager scope = m.newSubManager()) {
            NDArray x = scope.create(shifted, new Shape(4, 1, 28, 28));
            return c.logits(x, false).logSoftmax(1).mul(y).sum().getDouble();
        }
    }

    @Test
    void aBarePtFileWithoutCardNamesTheMissingFlags() {
        ModelLoadException e = org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(resource("torchscript/tiny_convnet.pt"),
                        new CardOverrides(new int[] {1, 28, 28}, null, null, new double[] {0.5}, null), Device.cpu())));
        String asked = e.getMessage().substring(0, e.getMessage().indexOf('('));
        assertEquals("no model card beside tiny_convnet.pt: give --class-names, --mean ", asked);
    }

    @Test
    void aWrongClassCountIsRejectedByTheProbe() {
        CardOverrides three = new CardOverrides(new int[] {1, 28, 28}, List.of("a", "b", "c"), new double[] {0.5},
                new double[] {0.5}, null);
        ModelLoadException e = org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(resource("torchscript/tiny_convnet.pt"), three, Device.cpu())));
        assertTrue(e.getMessage().contains("10 logits") && e.getMessage().contains("3 classes"), e.getMessage());
    }

    @Test
    void aWrongInputShapeIsRejectedByTheProbe() {
        CardOverrides wrong = new CardOverrides(new int[] {3, 32, 32}, DIGITS.classNames(), new double[] {0.5},
                new double[] {0.5}, null);
        ModelLoadException e = org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(resource("torchscript/tiny_convnet.pt"), wrong, Device.cpu())));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
    }

    @Test
    void aFileOfRandomBytesIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path bad = dir.resolve("random.pt");
        byte[] bytes = new byte[4096];
        new Random(1).nextBytes(bytes);
        java.nio.file.Files.write(bad, bytes);
        ModelLoadException e = org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class,
                () -> compute(() -> ModelLoader.load(bad, DIGITS, Device.cpu())));
        assertTrue(e.getMessage().startsWith("not a loadable TorchScript model: random.pt"), e.getMessage());
    }
}
