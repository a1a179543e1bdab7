package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.evidence.LambdaRanking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** faithfulness → its ranking → distill top-lambda:K, end to end through the CLI, and distill's bad input. */
class EvidenceCommandsTest {

    @Test
    void faithfulnessWritesARankingThatDistillTrainsOn(@TempDir Path dir) throws Exception {
        String data = TestSupport.realData("fashion-mnist").toString();
        Path ranking = dir.resolve("ranking.json");
        CliTest.Result f = CliTest.run("faithfulness", "sample-models/convnet-fashion", "--data", data,
                "--lambda-images", "4", "--lambda-steps", "40", "--margin-images", "10", "--ranking",
                ranking.toString(), "--json");
        assertEquals(0, f.exit(), f.err());
        JsonNode report = new ObjectMapper().readTree(f.out());
        assertEquals(10, report.path("lambda").path("perClassLambdaSum").size());
        assertTrue(report.path("lambda").path("stationarityAtEnd").asDouble()
                < report.path("lambda").path("stationarityAtStart").asDouble());
        assertEquals(10, report.path("realMargin").path("count").asInt());
        assertEquals(0.9111, report.path("testAccuracy").asDouble(), 1e-9, "the card's measured accuracy");
        LambdaRanking r = LambdaRanking.read(ranking);
        assertEquals(40, r.entries().size());
        assertEquals(60000, r.trainImages());

        CliTest.Result d = CliTest.run("distill", "--images", "top-lambda:2", "--ranking", ranking.toString(), "--data",
                data, "--seeds", "1", "--epochs", "3", "--width", "8", "--test-limit", "10", "--json");
        assertEquals(0, d.exit(), d.err());
        JsonNode dj = new ObjectMapper().readTree(d.out());
        assertEquals(20, dj.path("seeds").get(0).path("trainImages").asInt());
        assertEquals(100, dj.path("testImages").asInt());
    }

    @Test
    void distillBadInputIsOneLine() {
        String data = TestSupport.realData("fashion-mnist").toString();
        CliTest.Result noRanking = CliTest.run("distill", "--images", "top-lambda:2", "--data", data);
        assertEquals(2, noRanking.exit(), noRanking.err());
        assertEquals(1, noRanking.err().strip().lines().count(), noRanking.err());
        assertTrue(noRanking.err().contains("--ranking"), noRanking.err());
        CliTest.Result noFolder = CliTest.run("distill", "--images", "no/such/folder", "--data", data);
        assertEquals(2, noFolder.exit(), noFolder.err());
        assertTrue(noFolder.err().contains("neither random:K"), noFolder.err());
        CliTest.Result badArch = CliTest.run("distill", "--images", "random:1", "--data", data, "--arch", "vgg");
        assertEquals(2, badArch.exit(), badArch.err());
    }
}
