package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Images;
import org.dsvstudio.data.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** boundary on real test images: a plane and a path written, bad inputs as one-line errors. */
class BoundaryCommandTest {

    private static final String MODEL = "sample-models/convnet-fashion";
    private static ImageDataset test;

    @BeforeAll
    static void readData() throws Exception {
        test = DatasetLoader.load(TestSupport.realData("fashion-mnist"), Split.TEST);
    }

    /** Test image {@code i} as a 28×28 PNG. */
    private static String png(Path dir, int i) throws Exception {
        Path f = dir.resolve("test-" + i + ".png");
        ImageIO.write(Images.toBufferedImage(test.image01(i), 1, 28, 28), "png", f.toFile());
        return f.toString();
    }

    @Test
    void aPlaneIsWrittenAsPngAndJson(@TempDir Path dir) throws Exception {
        String anchors = png(dir, 0) + "," + png(dir, 1) + "," + png(dir, 2);
        Path out = dir.resolve("plane");
        CliTest.Result r = CliTest.run("boundary", MODEL, "--anchors", anchors, "--resolution", "40", "--out",
                out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("plane.png and plane.json"), r.out());
        BufferedImage img = ImageIO.read(out.resolve("plane.png").toFile());
        assertEquals(40 * 13 + 250, img.getWidth(), "cells upscaled ×13 to ≥ 512 px, legend beside");
        JsonNode json = new ObjectMapper().readTree(out.resolve("plane.json").toFile());
        assertEquals(40, json.get("resolution").asInt());
        String[] letters = {"A", "B", "C"};
        for (int i = 0; i < 3; i++) {
            JsonNode a = json.get("anchors").get(i);
            assertEquals(letters[i], a.get("name").asText());
            assertEquals(test.classNames().get(test.label(i)), a.get("predictedName").asText());
            assertEquals(a.get("predicted").asInt(), a.get("predictedFromPlaneCoordinates").asInt());
        }
        assertEquals(0, json.get("anchors").get(0).get("u").asDouble());
        double sum = 0;
        for (JsonNode f : json.get("classFractions")) {
            sum += f.asDouble();
        }
        assertEquals(1, sum, 1e-9);
        assertTrue(json.get("window").get("uMin").asDouble() < 0);
        assertTrue(json.get("wallSeconds").asDouble() > 0);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(2, files.count(), "no temp files left behind");
        }
    }

    @Test
    void aPathIsWrittenWithItsCrossings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("path");
        CliTest.Result r = CliTest.run("boundary", MODEL, "--path", png(dir, 0) + "," + png(dir, 2), "--points", "21",
                "--out", out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("path.json").toFile());
        assertEquals(21, json.get("t").size());
        assertEquals(21, json.get("probabilities").size());
        assertEquals(10, json.get("probabilities").get(0).size());
        assertEquals(test.label(0), json.get("predicted").get(0).asInt());
        assertEquals(test.label(2), json.get("predicted").get(20).asInt());
        JsonNode crossings = json.get("crossings");
        assertTrue(crossings.size() >= 1, json.toString());
        JsonNode first = crossings.get(0);
        assertEquals(test.classNames().get(test.label(0)), first.get("fromName").asText());
        assertTrue(first.get("after").asDouble() - first.get("before").asDouble() <= 1e-4);
        for (int i = 1; i <= crossings.size(); i++) {
            BufferedImage c = ImageIO.read(out.resolve("crossing-" + i + ".png").toFile());
            assertEquals(28, c.getWidth());
        }
        assertEquals(960, ImageIO.read(out.resolve("path.png").toFile()).getWidth());
    }

    @Test
    void badInputIsAOneLineError(@TempDir Path dir) throws Exception {
        String a = png(dir, 0);
        String b = png(dir, 1);
        Path big = dir.resolve("big.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png", big.toFile());
        String o = dir.resolve("o").toString();
        assertError("dsv-studio: error: no such image: " + dir.resolve("nope.png"),
                "boundary", MODEL, "--anchors", a + "," + b + "," + dir.resolve("nope.png"), "--out", o);
        assertError("dsv-studio: error: --anchors needs 3 images separated by commas, got 2",
                "boundary", MODEL, "--anchors", a + "," + b, "--out", o);
        assertError("dsv-studio: error: --path needs 2 images separated by commas, got 3",
                "boundary", MODEL, "--path", a + "," + b + "," + a, "--out", o);
        assertError("dsv-studio: error: give either --anchors A,B,C (a plane) or --path P,Q (a path)",
                "boundary", MODEL, "--out", o);
        assertError("dsv-studio: error: " + big + " is 32×32 pixels, the model takes 28×28",
                "boundary", MODEL, "--path", a + "," + big, "--out", o, "--device", "cpu");
        assertError("dsv-studio: error: anchors A and C are identical images; three different images are needed to"
                + " span a plane", "boundary", MODEL, "--anchors", a + "," + b + "," + a, "--out", o, "--device", "cpu");
        assertTrue(Files.notExists(dir.resolve("o")));
    }

    private static void assertError(String expected, String... args) {
        CliTest.Result r = CliTest.run(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertEquals(expected, r.err().strip());
    }
}
