package org.dsvstudio.worker;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.kkt.LossTerms;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message type of the worker protocol survives the trip through one line of text unchanged. */
class ProtocolTest {

    private static final float[] ODD = {0f, -0f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE, 0.1f, -3.4028235e38f};

    /** Writes and reads back one message: one line, same id and kind. */
    private static Protocol.Message trip(String kind, Object body) throws Exception {
        String line = Protocol.write(Protocol.message(42, kind, body));
        assertFalse(line.contains("\n"), "one message, one line");
        Protocol.Message back = Protocol.read(line);
        assertEquals(42, back.id());
        assertEquals(kind, back.kind());
        return back;
    }

    private static void assertBits(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "float " + i);
        }
    }

    @Test
    void floatArraysTravelBitExactAsBase64AndPlainArraysAreReadToo() throws Exception {
        assertBits(ODD, Protocol.decode(Protocol.encode(ODD)));
        float[] plain = Protocol.mapper().readValue("[1, 2.5, -0.25]", float[].class);
        assertArrayEquals(new float[] {1f, 2.5f, -0.25f}, plain);
        assertEquals("\"AADAPw==\"", Protocol.mapper().writeValueAsString(new float[] {1.5f}));
    }

    @Test
    void requestsRoundTrip() throws Exception {
        CardOverrides o = new CardOverrides(new int[] {1, 28, 28}, List.of("a", "b"), new double[] {0.5},
                new double[] {0.25}, "m");
        WorkerServer.OpenRequest open = new WorkerServer.OpenRequest(Path.of("/x/modèle à tester/m.pt"), o, true);
        for (String op : new String[] {Protocol.OPEN, Protocol.PROBE}) {
            WorkerServer.OpenRequest back = Protocol.body(trip(op, open), WorkerServer.OpenRequest.class);
            assertEquals(open.path(), back.path());
            assertArrayEquals(o.inputShape(), back.overrides().inputShape());
            assertEquals(o.classNames(), back.overrides().classNames());
            assertTrue(back.trustCode());
        }
        RunSpec spec = new RunSpec(KktPresets.get("quick").withSteps(7), new int[] {1, 3}, 2, null,
                GenerationPlan.Init.REAL, Path.of("/data/fashion"), 9);
        WorkerServer.GenerateRequest gen = Protocol.body(trip(Protocol.GENERATE,
                new WorkerServer.GenerateRequest(spec, "abc")), WorkerServer.GenerateRequest.class);
        assertEquals(spec.config(), gen.spec().config());
        assertArrayEquals(spec.classes(), gen.spec().classes());
        assertEquals(spec.init(), gen.spec().init());
        assertEquals(spec.data(), gen.spec().data());
        assertEquals(spec.seed(), gen.spec().seed());
        assertEquals("abc", gen.modelSha256());
        RunSpec edit = RunSpec.edit(KktPresets.get("quick"), 3, new float[] {0.4f, 0.6f}, ODD, "a file", 5);
        RunSpec editBack = Protocol.body(trip(Protocol.GENERATE, new WorkerServer.GenerateRequest(edit, null)),
                WorkerServer.GenerateRequest.class).spec();
        assertBits(edit.start(), editBack.start());
        assertBits(edit.mix(), editBack.mix());
        assertEquals("a file", editBack.startLabel());
        for (String op : new String[] {Protocol.CANCEL, Protocol.PING, Protocol.SHUTDOWN}) {
            assertNull(trip(op, null).body());
        }
    }

    @Test
    void repliesRoundTrip() throws Exception {
        JsonNode ready = trip(Protocol.READY, Protocol.object().put("version", Protocol.VERSION)).body();
        assertEquals(Protocol.VERSION, ready.get("version").asInt());
        assertNull(trip(Protocol.STARTED, null).body());

        LossTerms losses = new LossTerms(1, 0.5, 0.25, 0, 0, Double.NaN, 0.125, 2);
        KktProgress p = new KktProgress(3, 10, losses, new double[] {0.5, -1}, new boolean[] {false, true},
                new int[] {1, 0}, new double[] {0.9, 0.6}, new double[] {0.1, 0.7}, new float[][] {ODD, {1f}}, 12.5, 1);
        KktProgress pb = Protocol.body(trip(Protocol.PROGRESS, p), KktProgress.class);
        assertEquals(p.step(), pb.step());
        assertEquals(losses.stationarity(), pb.losses().stationarity());
        assertTrue(Double.isNaN(pb.losses().tv()));
        assertArrayEquals(p.removed(), pb.removed());
        assertBits(ODD, pb.images01()[0]);

        KktRequest req = new KktRequest(new float[][] {{1, 0}, {0.25f, 0.75f}}, new float[][] {ODD, ODD}, "noise", 4,
                KktPresets.get("quick"));
        KktRequest rb = Protocol.body(trip(Protocol.REQUEST, req), KktRequest.class);
        assertBits(req.targets()[1], rb.targets()[1]);
        assertBits(ODD, rb.initImages01()[1]);

        Candidate c = new Candidate(0, 1, new float[] {0, 1}, 0.75, false, -1, 1, new float[] {-1, 2},
                new float[] {0.05f, 0.95f}, 0.2, ODD);
        KktResult r = new KktResult(KktPresets.get("quick"), 4, "noise", List.of(c), List.of(losses), 10, "cancelled", KktResult.Stop.CANCELLED,
                0, 1.5, 0.7, 0.2, 640, List.of("fc.weight"), List.of("a note"));
        KktResult back = Protocol.body(trip(Protocol.RESULT, r), KktResult.class);
        assertEquals(r.config(), back.config());
        assertEquals(r.stopReason(), back.stopReason());
        assertTrue(back.cancelled());
        assertEquals(r.notes(), back.notes());
        assertEquals(r.parameterNames(), back.parameterNames());
        assertEquals(c.lambda(), back.candidates().get(0).lambda());
        assertBits(c.image01(), back.candidates().get(0).image01());
        assertBits(c.probabilities(), back.candidates().get(0).probabilities());

        ModelCard card = ModelLoader.readCard(Path.of("sample-models/convnet-fashion/model.json"));
        Workbench.ModelSummary s = new Workbench.ModelSummary(Path.of("sample-models/convnet-fashion").toAbsolutePath(),
                card, 80650, "ab12", "CPU", "DJL", 500, 3);
        Workbench.ModelSummary sb = Protocol.body(trip(Protocol.RESULT, s), Workbench.ModelSummary.class);
        assertEquals(s.path(), sb.path());
        assertEquals(card.classNames(), sb.card().classNames());
        assertEquals(card.provenance(), sb.card().provenance());
        assertEquals(s.generation(), sb.generation());
        assertEquals("loads and runs", trip(Protocol.RESULT, "loads and runs").body().asText());

        Protocol.Failure f = new Protocol.Failure(Protocol.Category.MEMORY, "out of memory");
        assertEquals(f, Protocol.body(trip(Protocol.ERROR, f), Protocol.Failure.class));
    }
}
