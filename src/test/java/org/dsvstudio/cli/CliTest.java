package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.model.ModelCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI contract: exit codes, one-line errors on stderr, and the commands end to end. */
public class CliTest {

    public record Result(int exit, String out, String err) {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = DsvCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static final String TINY = TestSupport.resource("torchscript/tiny_convnet.pt").toString();
    private static final String[] DIGIT_FLAGS = {"--input-shape", "1,28,28", "--class-names", "0,1,2,3,4,5,6,7,8,9",
            "--mean", "0.286", "--std", "0.353"};

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void assertOneLineError(Result r, String expectedStart) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "stderr must be one line: " + r.err());
        assertTrue(r.err().startsWith(expectedStart), r.err());
    }

    @Test
    void infoOnABarePtWithFlagsPrintsItsCardAsJson() throws Exception {
        Result r = run(concat(new String[] {"info", TINY, "--json", "--device", "cpu"}, DIGIT_FLAGS));
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(8 * 9 + 8 + 16 * 8 * 9 + 16 + 16 * 7 * 7 * 10 + 10, json.get("parameters").asLong());
        assertEquals("torchscript", json.get("card").get("architecture").asText());
        assertEquals(10, json.get("card").get("classNames").size());
        assertTrue(json.get("device").asText().startsWith("CPU"));
    }

    @Test
    void infoOnAMissingModelExitsTwoWithOneLine() {
        assertOneLineError(run("info", "/no/such/model.pt"), "dsv-studio: error: model not found: /no/such/model.pt");
    }

    @Test
    void infoOnABarePtWithoutFlagsSaysWhichAreMissing() {
        Result r = run("info", TINY);
        assertOneLineError(r, "dsv-studio: error: no model card beside tiny_convnet.pt: give --input-shape, "
                + "--class-names, --mean, --std");
    }

    @Test
    void infoOnRandomBytesExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("garbage.pt");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertOneLineError(run(concat(new String[] {"info", bad.toString()}, DIGIT_FLAGS)),
                "dsv-studio: error: not a loadable TorchScript model: garbage.pt");
    }

    @Test
    void anUnknownOptionExitsTwo() {
        Result r = run("info", TINY, "--frobnicate");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("dsv-studio: Unknown option: '--frobnicate'"), r.err());
    }

    @Test
    void evaluateRejectsAnUnknownSplit() {
        Path fashion = TestSupport.realData("fashion-mnist");
        assertOneLineError(run(concat(new String[] {"evaluate", TINY, "--data", fashion.toString(), "--split", "val"},
                DIGIT_FLAGS)), "dsv-studio: error:");
    }

    /** Train a tiny ConvNet on 30 real images per class, then read its card and evaluate it. */
    @Test
    void trainWritesAModelFolderThatInfoAndEvaluateRead(@TempDir Path dir) throws Exception {
        Path fashion = TestSupport.realData("fashion-mnist");
        Path out = dir.resolve("tiny model");
        Result trained = run("train", "--arch", "convnet", "--width", "8", "--data", fashion.toString(), "--epochs",
                "2", "--limit", "30", "--test-limit", "20", "--seed", "3", "--out", out.toString(), "--device", "cpu");
        assertEquals(0, trained.exit(), trained.err());
        assertTrue(trained.err().contains("epoch 2/2"), trained.err());
        ModelCard card = ModelCard.read(out.resolve("model.json"));
        assertEquals("convnet", card.architecture());
        assertEquals(200, card.testSamples());
        assertTrue(card.testAccuracy() > 0.25, "2 epochs on 300 images should beat chance (10 %) clearly: "
                + card.testAccuracy());
        assertEquals(300, card.provenance().trainImages());
        assertEquals(0.005, card.provenance().weightDecay());
        assertTrue(card.provenance().command().startsWith("dsv-studio train --arch convnet --width 8"),
                card.provenance().command());
        assertTrue(card.provenance().command().contains("'" + out + "'"), "paths with spaces are quoted");

        Result info = run("info", out.toString());
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("Architecture convnet (width 8)"), info.out());

        Result eval = run("evaluate", out.toString(), "--data", fashion.toString(), "--limit", "500", "--json");
        assertEquals(0, eval.exit(), eval.err());
        JsonNode json = new ObjectMapper().readTree(eval.out());
        assertEquals(500, json.get("samples").asInt());
        assertEquals(10, json.get("perClassAccuracy").size());
        assertTrue(json.get("perClassAccuracy").has("Ankle boot"));
    }
}
