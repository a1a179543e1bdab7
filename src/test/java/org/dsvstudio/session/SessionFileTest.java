package org.dsvstudio.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.cli.CliTest;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.model.Hashing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions and run folders, on two real runs of the ConvNet sample (30 steps, one DSV per class, seeds 1 and 2):
 * round trip, a failed save, hostile zips, the documented JSON schemas, and a reopened run re-run with its seed.
 */
class SessionFileTest {

    @TempDir
    static Path dir;
    private static Path run1;
    private static Path run2;

    @BeforeAll
    static void twoRuns() throws Exception {
        run1 = generate("run1", 1);
        run2 = generate("run2", 2);
    }

    static Path generate(String name, long seed) throws Exception {
        Path out = dir.resolve(name);
        CliTest.Result r = CliTest.run("generate", TestSupport.sampleModel("convnet-fashion").toString(),
                "--per-class", "1", "--steps", "30", "--seed", Long.toString(seed), "--out", out.toString(),
                "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    private static SessionFile.Session session() throws IOException {
        Path model = TestSupport.sampleModel("convnet-fashion");
        SavedRun a = RunFolder.read(run1);
        return new SessionFile.Session(new SessionFile.ModelRef(model.toString(),
                Hashing.sha256(model.resolve("weights.params")), a.card()), List.of(a, RunFolder.read(run2)));
    }

    @Test
    void aSessionWithTwoRunsComesBackAsItWasSaved() throws IOException {
        SessionFile.Session saved = session();
        Path file = dir.resolve("two runs.dsv");
        SessionFile.write(file, saved);
        SessionFile.Session back = SessionFile.read(file);

        assertEquals(saved.model().sha256(), back.model().sha256());
        assertEquals(saved.model().card().classNames(), back.model().card().classNames());
        assertEquals(2, back.runs().size());
        for (int r = 0; r < 2; r++) {
            SavedRun a = saved.runs().get(r);
            SavedRun b = back.runs().get(r);
            assertEquals(a.title(), b.title());
            assertEquals(a.result().config(), b.result().config());
            assertEquals(a.result().seed(), b.result().seed());
            assertEquals(a.result().history(), b.result().history());
            assertEquals(a.result().stepsDone(), b.result().stepsDone());
            assertEquals(a.card().classNames(), b.card().classNames());
            assertArrayEquals(a.card().inputShape(), b.card().inputShape());
            assertEquals(a.result().candidates().size(), b.result().candidates().size());
            for (int i = 0; i < a.result().candidates().size(); i++) {
                Candidate x = a.result().candidates().get(i);
                Candidate y = b.result().candidates().get(i);
                assertEquals(x.lambda(), y.lambda());
                assertEquals(x.removed(), y.removed());
                assertEquals(x.predicted(), y.predicted());
                assertArrayEquals(x.logits(), y.logits());
                assertArrayEquals(x.image01(), y.image01(), "images are kept as float32, exactly");
            }
            assertTrue(b.imagesExact());
        }
        assertEquals(saved.runs().get(0).result().seed() + 1, back.runs().get(1).result().seed());
    }

    /** A save that fails half-way (here: a run whose image does not fit its card) leaves the old file as it was. */
    @Test
    void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("kept.dsv");
        SessionFile.write(file, session());
        byte[] before = Files.readAllBytes(file);
        SavedRun good = RunFolder.read(run1);
        Candidate c = good.result().candidates().get(3);
        List<Candidate> broken = new java.util.ArrayList<>(good.result().candidates());
        broken.set(3, new Candidate(c.index(), c.targetClass(), c.target(), c.lambda(), c.removed(), c.removedAtStep(),
                c.predicted(), c.logits(), c.probabilities(), c.entropy(), new float[7]));
        org.dsvstudio.kkt.KktResult r = good.result();
        SavedRun bad = new SavedRun("bad", new org.dsvstudio.kkt.KktResult(r.config(), r.seed(), r.initLabel(), broken,
                r.history(), r.stepsDone(), r.stopReason(), r.stop(), r.nonFiniteRecomputes(), r.wallSeconds(),
                r.initialMeanEntropy(), r.finalMeanEntropy(), r.parameterCount(), r.parameterNames(), r.notes()),
                good.card(), good.provenance(), true);
        assertThrows(IllegalArgumentException.class, () -> SessionFile.write(file, new SessionFile.Session(null,
                List.of(good, bad))));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void hostileAndForeignZipsAreRefusedWithOneLine() throws IOException {
        Path good = dir.resolve("good.dsv");
        SessionFile.write(good, session());
        byte[] sessionJson;
        try (ZipFile z = new ZipFile(good.toFile())) {
            sessionJson = z.getInputStream(z.getEntry("session.json")).readAllBytes();
        }
        Path escape = zip("escape.dsv", "session.json", sessionJson, "../../evil.sh", "#!/bin/sh".getBytes());
        assertEquals(escape + ": has an entry '../../evil.sh' outside session.json, runs/N/, figures/ and model/: refused"
                + " (a session holds nothing else)", message(escape));
        Path absolute = zip("absolute.dsv", "session.json", sessionJson, "/etc/passwd", new byte[1]);
        assertTrue(message(absolute).contains("has an entry '/etc/passwd' outside"), message(absolute));
        Path climb = zip("climb.dsv", "session.json", sessionJson, "runs/1/../../x", new byte[1]);
        assertTrue(message(climb).contains("outside session.json, runs/N/, figures/ and model/"), message(climb));

        String newer = new String(sessionJson, StandardCharsets.UTF_8).replace("\"version\" : 1", "\"version\" : 2");
        Path future = zip("future.dsv", "session.json", newer.getBytes(StandardCharsets.UTF_8));
        assertEquals(future + ": session format version 2 is not one this DSV Studio reads (it reads version 1); open"
                + " it with the version that wrote it", message(future));

        // 17 MB of spaces inflating from a few kB: refused while reading, whatever the entry's header claims
        byte[] bomb = new byte[(int) SessionFile.MAX_SESSION_JSON + 1024];
        java.util.Arrays.fill(bomb, (byte) ' ');
        Path inflates = zip("bomb.dsv", "session.json", bomb);
        assertTrue(Files.size(inflates) < 100_000);
        assertTrue(message(inflates).matches(".*session.json is \\d+ bytes, more than it can be \\(16777216\\)"
                + "|.*session.json inflates to more than 16777216 bytes: refused"), message(inflates));

        Path notZip = dir.resolve("not-a-zip.dsv");
        Files.writeString(notZip, "hello");
        assertTrue(message(notZip).startsWith(notZip + ": not a DSV Studio session (not a readable zip"),
                message(notZip));
        Path noSession = zip("empty.dsv", "runs/1/dsvs.json", "{}".getBytes());
        assertEquals(noSession + ": not a DSV Studio session (no session.json inside)", message(noSession));
    }

    @Test
    void imagesOfAnotherSizeThanTheRunAreRefused() throws IOException {
        Path good = dir.resolve("sizes.dsv");
        SessionFile.write(good, session());
        Path grown = dir.resolve("grown.dsv");
        try (ZipFile in = new ZipFile(good.toFile()); OutputStream o = Files.newOutputStream(grown);
                ZipOutputStream out = new ZipOutputStream(o)) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("runs/1/images.f32")) {
                    bytes = java.util.Arrays.copyOf(bytes, bytes.length + 4096);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertTrue(message(grown).contains("runs/1/images.f32 is " + (4 * 784 * 10 + 4096) + " bytes, more than it can"
                + " be (" + 4 * 784 * 10 + ")"), message(grown));
    }

    @Test
    void runAndSessionJsonFollowTheirDocumentedSchemas() throws IOException {
        Path file = dir.resolve("schema.dsv");
        SessionFile.write(file, session());
        ObjectMapper json = new ObjectMapper();
        JsonSchema runSchema = schema("run-v1.schema.json");
        JsonSchema sessionSchema = schema("session-v1.schema.json");
        assertValid(runSchema, json.readTree(run1.resolve("dsvs.json").toFile()), "generate's dsvs.json");
        try (ZipFile z = new ZipFile(file.toFile())) {
            assertValid(sessionSchema, json.readTree(z.getInputStream(z.getEntry("session.json"))), "session.json");
            assertValid(runSchema, json.readTree(z.getInputStream(z.getEntry("runs/2/dsvs.json"))), "a session's run");
        }
        // and the schemas can fail: a run without its card, a session of an unknown format
        JsonNode noCard = json.readTree(run1.resolve("dsvs.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) noCard).remove("card");
        assertTrue(!runSchema.validate(noCard).isEmpty());
        assertTrue(!sessionSchema.validate(json.readTree("{\"format\":\"x\",\"version\":1}")).isEmpty());
    }

    /** A reopened run, re-run with its configuration and seed on the CPU, gives the same DSVs. */
    @Test
    void aReopenedRunReRunWithItsSeedGivesTheSameDsvs() throws Exception {
        Path file = dir.resolve("rerun.dsv");
        SessionFile.write(file, session());
        SavedRun saved = SessionFile.read(file).runs().get(0);
        Path config = dir.resolve("config.json");
        Files.write(config, new ObjectMapper().writeValueAsBytes(saved.result().config()));
        Path again = dir.resolve("again");
        CliTest.Result r = CliTest.run("generate", TestSupport.sampleModel("convnet-fashion").toString(),
                "--per-class", "1", "--config", config.toString(), "--seed", Long.toString(saved.result().seed()),
                "--out", again.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        SavedRun rerun = RunFolder.read(again);
        assertEquals(saved.result().candidates().size(), rerun.result().candidates().size());
        for (int i = 0; i < saved.result().candidates().size(); i++) {
            Candidate a = saved.result().candidates().get(i);
            Candidate b = rerun.result().candidates().get(i);
            assertEquals(a.lambda(), b.lambda(), 1e-6 * Math.abs(a.lambda()), "λ of DSV " + i);
            assertArrayEquals(a.image01(), b.image01(), "the image of DSV " + i);
        }
    }

    @Test
    void aFolderThatIsNotARunSaysWhatIsMissing() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("not-a-run"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> RunFolder.read(empty));
        assertEquals(empty + ": no dsvs.json (expected a folder written by generate or the app's export)",
                e.getMessage());
        Path escaping = Files.createDirectories(dir.resolve("escaping"));
        String text = Files.readString(run1.resolve("dsvs.json")).replaceFirst("\"image\" : \"[^\"]+\"",
                "\"image\" : \"../run2/gallery.png\"");
        Files.writeString(escaping.resolve("dsvs.json"), text);
        e = assertThrows(DataFormatException.class, () -> RunFolder.read(escaping));
        assertEquals(escaping.resolve("dsvs.json") + ": a DSV's image '../run2/gallery.png' is not a file of the run"
                + " folder", e.getMessage());
    }

    private static JsonSchema schema(String name) throws IOException {
        Path file = TestSupport.projectRoot().resolve("docs/schemas").resolve(name);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(new ObjectMapper().readTree(file.toFile()));
    }

    private static void assertValid(JsonSchema schema, JsonNode node, String what) {
        Set<ValidationMessage> errors = schema.validate(node);
        assertTrue(errors.isEmpty(), what + ": " + errors);
    }

    private static String message(Path file) {
        return assertThrows(IOException.class, () -> SessionFile.read(file)).getMessage();
    }

    private static Path zip(String name, Object... entries) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(file); ZipOutputStream out = new ZipOutputStream(o)) {
            for (int i = 0; i < entries.length; i += 2) {
                out.putNextEntry(new ZipEntry((String) entries[i]));
                out.write((byte[]) entries[i + 1]);
                out.closeEntry();
            }
        }
        return file;
    }
}
