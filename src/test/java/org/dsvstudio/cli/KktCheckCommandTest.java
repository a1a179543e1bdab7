package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KktCheckCommandTest {

    @Test
    void kktCheckReportsEveryParameterTensorAndTheWhole() throws Exception {
        CliTest.Result r = CliTest.run("kkt-check", TestSupport.resource("torchscript/tiny_convnet.pt").toString(),
                "--input-shape", "1,28,28", "--class-names", "0,1,2,3,4,5,6,7,8,9", "--mean", "0.286", "--std", "0.353",
                "--data", TestSupport.realData("fashion-mnist").toString(), "--limit", "20", "--weight-decay", "5e-3",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(200, json.get("samples").asInt());
        JsonNode rows = json.get("rows");
        assertEquals(7, rows.size(), "6 parameter tensors + all");
        JsonNode all = rows.get(6);
        assertEquals("all", all.get("name").asText());
        assertEquals(8 * 9 + 8 + 16 * 8 * 9 + 16 + 16 * 7 * 7 * 10 + 10, all.get("size").asLong());
        double cos = all.get("cosine").asDouble();
        assertTrue(cos >= -1 && cos <= 1, "cosine " + cos);
        assertTrue(all.get("residual").asDouble() > 0);
    }

    @Test
    void withoutWeightDecayTheResidualIsUnknownButTheCosineIsThere() throws Exception {
        CliTest.Result r = CliTest.run("kkt-check", TestSupport.resource("torchscript/tiny_convnet.pt").toString(),
                "--input-shape", "1,28,28", "--class-names", "0,1,2,3,4,5,6,7,8,9", "--mean", "0.286", "--std", "0.353",
                "--data", TestSupport.realData("fashion-mnist").toString(), "--limit", "5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("μ = unknown (give --weight-decay)"), r.out());
    }
}
