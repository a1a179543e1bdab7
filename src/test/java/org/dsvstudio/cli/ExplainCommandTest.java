package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Images;
import org.dsvstudio.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** explain on a real test image: heat map, JSON summary, IG completeness; bad options are one-line errors. */
class ExplainCommandTest {

    @Test
    void integratedGradientsOfARealImageAreWrittenAndComplete(@TempDir Path dir) throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        Path png = dir.resolve("boot.png");
        ImageIO.write(Images.toBufferedImage(test.image01(0), 1, 28, 28), "png", png.toFile());
        Path out = dir.resolve("out");
        CliTest.Result r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--method", "ig",
                "--out", out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        BufferedImage heat = ImageIO.read(out.resolve("boot-ig.png").toFile());
        assertEquals((2 * 28 + 1) * 8, heat.getWidth());
        assertEquals(28 * 8, heat.getHeight());
        JsonNode img = new ObjectMapper().readTree(out.resolve("explain.json").toFile()).get("images").get(0);
        assertEquals(test.classNames().get(test.label(0)), img.get("predicted").asText());
        assertTrue(img.get("completenessGapPercent").asDouble() < 1, img.toString());
    }

    @Test
    void anUnknownMethodIsAOneLineError(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        CliTest.Result r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--method",
                "lime", "--out", dir.resolve("o").toString());
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: unknown --method 'lime' (use ig, grad, gradxinput, smoothgrad, occlusion or"
                + " gradcam)",
                r.err().strip());
        assertTrue(Files.notExists(dir.resolve("o")));
    }

    /** shirt.png and shirt.jpg in one folder once wrote one heat map over the other and said 2. */
    @Test
    void imagesWithTheSameStemGetTheirOwnHeatMaps(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("in"));
        Files.move(realImage(dir, 0, "a.png"), images.resolve("shirt.png"));
        Files.move(realImage(dir, 1, "b.png"), dir.resolve("b.png"));
        ImageIO.write(ImageIO.read(dir.resolve("b.png").toFile()), "jpg", images.resolve("shirt.jpg").toFile());
        Path out = dir.resolve("out");
        CliTest.Result r = CliTest.run("explain", "sample-models/convnet-fashion", images.toString(), "--method",
                "grad", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode list = new ObjectMapper().readTree(out.resolve("explain.json").toFile()).get("images");
        assertEquals(2, list.size());
        // sorted: shirt.jpg first keeps the plain name
        assertEquals("shirt-grad.png", list.get(0).get("heatmap").asText());
        assertEquals("shirt_png-grad.png", list.get(1).get("heatmap").asText());
        assertTrue(Files.isRegularFile(out.resolve("shirt_png-grad.png")));
        assertTrue(Files.isRegularFile(out.resolve("shirt-grad.png")));
    }

    private static Path realImage(Path dir, int index, String name) throws Exception {
        ImageDataset test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
        Path png = dir.resolve(name);
        ImageIO.write(Images.toBufferedImage(test.image01(index), 1, 28, 28), "png", png.toFile());
        return png;
    }

    @Test
    void blurredAndNoiseBaselinesAreRecordedAndComplete(@TempDir Path dir) throws Exception {
        Path png = realImage(dir, 0, "boot.png");
        Path blurOut = dir.resolve("blur");
        CliTest.Result r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--method", "ig",
                "--baseline", "blurred", "--blur-sigma", "3", "--out", blurOut.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(blurOut.resolve("explain.json").toFile());
        assertEquals("blurred", root.get("baseline").get("kind").asText());
        assertEquals(3.0, root.get("baseline").get("blurSigmaPixels").asDouble());
        assertTrue(root.get("images").get(0).get("completenessGapPercent").asDouble() < 1, root.toString());
        Path noiseOut = dir.resolve("noise");
        r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--baseline", "noise", "--seed",
                "7", "--out", noiseOut.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        root = new ObjectMapper().readTree(noiseOut.resolve("explain.json").toFile());
        assertEquals("noise", root.get("baseline").get("kind").asText());
        assertEquals(7, root.get("baseline").get("seed").asLong());
        assertTrue(root.get("images").get(0).get("completenessGapPercent").asDouble() < 1, root.toString());
    }

    @Test
    void gradCamWritesAHeatMapAtTheDefaultOrAChosenLayer(@TempDir Path dir) throws Exception {
        Path png = realImage(dir, 0, "boot.png");
        Path out = dir.resolve("out");
        CliTest.Result r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--method",
                "gradcam", "--out", out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(out.resolve("explain.json").toFile());
        assertEquals("conv3", root.get("layer").asText());
        assertEquals("64×7×7", root.get("layerShape").asText());
        assertTrue(root.get("images").get(0).get("maxAbs").asDouble() > 0, root.toString());
        BufferedImage heat = ImageIO.read(out.resolve("boot-gradcam.png").toFile());
        assertEquals((3 * 28 + 2) * 8, heat.getWidth());
        r = CliTest.run("explain", "sample-models/resnet-fashion", png.toString(), "--method", "gradcam", "--layer",
                "stage2.block1", "--out", dir.resolve("res").toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        root = new ObjectMapper().readTree(dir.resolve("res").resolve("explain.json").toFile());
        assertEquals("32×14×14", root.get("layerShape").asText());
        r = CliTest.run("explain", "sample-models/convnet-fashion", png.toString(), "--method", "gradcam", "--layer",
                "conv9", "--out", dir.resolve("bad").toString(), "--device", "cpu");
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: no layer 'conv9' in convnet (use one of conv1, conv2, conv3)", r.err().strip());
    }

    @Test
    void listLayersPrintsTheNamesAndTheDefault() {
        CliTest.Result r = CliTest.run("explain", "sample-models/resnet-fashion", "--list-layers", "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertEquals(java.util.List.of("stem             16×28×28", "stage1.block1    16×28×28",
                "stage2.block1    32×14×14", "stage3.block1    64×7×7  (default)"), r.out().strip().lines().toList());
    }

    @Test
    void gradCamOnATorchScriptModelIsAOneLineError(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        String tiny = TestSupport.resource("torchscript/tiny_convnet.pt").toString();
        CliTest.Result r = CliTest.run("explain", tiny, png.toString(), "--method", "gradcam", "--input-shape",
                "1,28,28", "--class-names", "0,1,2,3,4,5,6,7,8,9", "--out", dir.resolve("o").toString(), "--device", "cpu");
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: " + org.dsvstudio.explain.GradCam.NEEDS_BUILTIN, r.err().strip());
        assertTrue(Files.notExists(dir.resolve("o")));
        r = CliTest.run("explain", tiny, "--list-layers", "--input-shape", "1,28,28", "--class-names",
                "0,1,2,3,4,5,6,7,8,9", "--device", "cpu");
        assertEquals(2, r.exit());
        assertEquals("dsv-studio: error: " + org.dsvstudio.explain.GradCam.NEEDS_BUILTIN, r.err().strip());
    }

    @Test
    void baselineOptionsOutsideTheirMethodsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("x.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        String[][] cases = {
            {"--method", "grad", "--baseline", "blurred"}, {"--baseline", "gray"}, {"--blur-sigma", "2"},
            {"--baseline", "blurred", "--blur-sigma", "0"}, {"--baseline", "blurred", "--seed", "3"},
            {"--layer", "conv3"}};
        String[] expected = {"--baseline applies to --method ig and occlusion only",
            "unknown --baseline 'gray' (use black, blurred or noise)", "--blur-sigma applies to --baseline blurred only",
            "--blur-sigma must be a number of pixels in (0, 1000], got 0.0", "--seed applies to --baseline noise only",
            "--layer applies to --method gradcam only"};
        for (int i = 0; i < cases.length; i++) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("explain",
                    "sample-models/convnet-fashion", png.toString(), "--out", dir.resolve("o").toString()));
            args.addAll(java.util.List.of(cases[i]));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), r.err());
            assertEquals("dsv-studio: error: " + expected[i], r.err().strip());
        }
        assertTrue(Files.notExists(dir.resolve("o")));
    }
}
