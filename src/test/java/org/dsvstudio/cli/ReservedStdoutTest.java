package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trusted model that prints (libtorch writes to fd 1 itself) must not break {@code info --json}: the command
 * runs in a process of its own, as a user runs it, so that fd 1 is real.
 */
class ReservedStdoutTest {

    private static final List<String> CARD = List.of("--input-shape", "1,28,28", "--class-names",
            "0,1,2,3,4,5,6,7,8,9", "--mean", "0.286", "--std", "0.353");

    @Test
    void printingModelLeavesJsonAlone(@TempDir Path tmp) throws Exception {
        Path model = TestSupport.projectRoot().resolve("src/test/resources/bad-inputs/prints.pt");

        String plain = run(tmp, "plain", model, false);
        // the model does print where stdout is not reserved, so the JSON case below can fail
        assertTrue(plain.contains("hello from the model"), plain);

        String json = run(tmp, "json", model, true);
        JsonNode node = new ObjectMapper().readTree(json);
        assertEquals(7890, node.get("parameters").asInt(), json);
        assertTrue(!json.contains("hello from the model"), json);
    }

    private static String run(Path tmp, String name, Path model, boolean json) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.dsvstudio.Launcher", "info", model.toString(),
                "--trust-model-code"));
        cmd.addAll(CARD);
        if (json) {
            cmd.add("--json");
        }
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "info did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
