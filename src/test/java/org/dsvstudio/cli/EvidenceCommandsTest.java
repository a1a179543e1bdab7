package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.dsvstudio.evidence.LambdaRanking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** faithfulness → ranking → distill top-lambda:K, end to end through the CLI; distill's resume and bad input. */
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
    void distillResumesFromTheSeedsAnInterruptedRunLeft(@TempDir Path dir) throws Exception {
        String data = TestSupport.realData("fashion-mnist").toString();
        Path out = dir.resolve("row.json");
        String[] common = {"distill", "--images", "random:1", "--data", data, "--epochs", "3", "--width", "8",
                "--test-limit", "10", "--out", out.toString()};
        CliTest.Result first = CliTest.run(concat(common, "--seeds", "1"));
        assertEquals(0, first.exit(), first.err());
        assertFalse(Files.exists(dir.resolve("row.json.partial")), "a finished run leaves no partial file");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode seed0 = mapper.readTree(out.toFile()).path("seeds").get(0);
        // what an interruption after seed 0 leaves behind
        Files.copy(out, dir.resolve("row.json.partial"));

        CliTest.Result resumed = CliTest.run(concat(common, "--seeds", "2", "--resume"));
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming: seeds [0]"), resumed.err());
        JsonNode seeds = mapper.readTree(out.toFile()).path("seeds");
        assertEquals(2, seeds.size());
        assertEquals(seed0, seeds.get(0), "seed 0 is taken as it was, time included, not trained again");
        assertEquals(1, seeds.get(1).path("seed").asInt());
        assertFalse(Files.exists(dir.resolve("row.json.partial")));

        // a partial file of another recipe is refused, not mixed in
        Files.copy(out, dir.resolve("row.json.partial"));
        CliTest.Result other = CliTest.run(concat(common, "--seeds", "2", "--resume", "--lr", "1e-3"));
        assertEquals(2, other.exit(), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        assertTrue(other.err().contains("another set, data, test split or recipe"), other.err());
        CliTest.Result noOut = CliTest.run("distill", "--images", "random:1", "--data", data, "--resume");
        assertEquals(2, noOut.exit(), noOut.err());
        assertTrue(noOut.err().contains("--resume needs --out"), noOut.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
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
        CliTest.Result badArch = CliTest.run("distill", "--images", "random:1", "--data", data, "--arch", "vgg99");
        assertEquals(2, badArch.exit(), badArch.err());
    }
}
