package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** legibility on a real run: two judges of other kinds, the maker refused as a judge, figures in range. */
class LegibilityCommandTest {

    @Test
    void judgesOfOtherKindsReportOnARunBesideRealImages(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliTest.Result g = CliTest.run("generate", "sample-models/convnet-fashion", "--preset", "quick", "--steps", "30",
                "--per-class", "2", "--seed", "1", "--out", run.toString());
        assertEquals(0, g.exit(), g.err());
        Path out = dir.resolve("legibility.json");
        CliTest.Result r = CliTest.run("legibility", run.toString(), "--judge", "sample-models/judges/fashion-mlp",
                "--judge", "sample-models/judges/fashion-vgg", "--real-per-class", "10", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("20 kept DSVs of convnet-fashion; real: 100 images of fashion-mnist/test"), r.out());
        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertEquals(2, json.get("judges").size());
        for (JsonNode judge : json.get("judges")) {
            assertEquals(20, judge.get("dsvs").get("images").asInt());
            double real = judge.get("real").get("agreement").asDouble();
            assertTrue(real > 0.8, judge.get("judge").asText() + " on real images: " + real);
        }
        double contrast = json.get("realStats").get("contrast").asDouble();
        assertTrue(contrast > 0.25 && contrast < 0.4, "real Fashion-MNIST contrast ≈ 0.32: " + contrast);

        CliTest.Result self = CliTest.run("legibility", run.toString(), "--judge", "sample-models/convnet-fashion");
        assertEquals(2, self.exit());
        assertEquals("dsv-studio: error: judge sample-models/convnet-fashion is convnet-fashion, the model that made the"
                + " DSVs: a judge must be another model", self.err().strip());
    }
}
