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
        assertEquals("dsv-studio: error: unknown --method 'lime' (use ig, grad, gradxinput, smoothgrad or occlusion)",
                r.err().strip());
        assertTrue(Files.notExists(dir.resolve("o")));
    }
}
