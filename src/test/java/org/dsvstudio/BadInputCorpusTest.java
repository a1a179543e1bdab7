package org.dsvstudio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.app.CardDraft;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.cli.DsvCli;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.model.CardOverrides;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bad-input corpus (src/test/resources/bad-inputs, written by scripts/make_bad_inputs.py): every case
 * through the CLI (exit 2 and exactly the expected line on stderr, or exit 0 for the cases that must work)
 * and, for model files and data folders, through the app's loading code (the same message, which the window
 * shows as a notification). A JVM crash in any case fails the whole run.
 */
class BadInputCorpusTest {

    private static final String PREFIX = "dsv-studio: error: ";
    private static Path dir;
    private static Workbench workbench;

    record Case(String id, String what, List<String> args, String expect, String app, String setup) {
        @Override
        public String toString() {
            return id + " (" + what + ")";
        }
    }

    /**
     * A private copy of the corpus, made from the source tree by this JVM (which runs with a UTF-8 locale, see
     * pom.xml): Maven's own resource copy mangles the non-ASCII folder name when Maven runs under C/POSIX.
     */
    @BeforeAll
    static void start() throws IOException {
        Path source = TestSupport.projectRoot().resolve("src/test/resources/bad-inputs");
        dir = Files.createTempDirectory("bad-inputs-");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        TestSupport.engine();
        workbench = new Workbench(DeviceChoice.CPU);
    }

    @AfterAll
    static void stop() throws IOException {
        workbench.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Exactly the expected line; "{number}" in it stands for one number that depends on the machine. */
    private static void assertLine(String expected, String actual, String what) {
        if (!expected.contains("{number}")) {
            assertEquals(expected, actual, what);
            return;
        }
        String regex = java.util.Arrays.stream(expected.split("\\{number\\}", -1))
                .map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining("[0-9.,]+"));
        org.junit.jupiter.api.Assertions.assertTrue(actual != null && actual.matches(regex),
                what + ": expected <" + expected + "> but was <" + actual + ">");
    }

    static Stream<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestSupport.projectRoot()
                .resolve("src/test/resources/bad-inputs/cases.json").toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root) {
            List<String> args = new ArrayList<>();
            c.get("args").forEach(a -> args.add(a.asText()));
            out.add(new Case(c.get("id").asText(), c.get("what").asText(), args,
                    c.get("expect").isNull() ? null : c.get("expect").asText(),
                    c.has("app") ? c.get("app").asText() : null, c.has("setup") ? c.get("setup").asText() : null));
        }
        return out.stream();
    }

    private static String fill(String s, Path tmp) {
        return s.replace("{dir}", dir.toString()).replace("{tmp}", tmp.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCliAndTheAppSayWhatIsWrong(Case c) throws Exception {
        Path tmp = Files.createTempDirectory("bad-input-");
        String[] args = c.args().stream().map(a -> fill(a, tmp)).toArray(String[]::new);
        Path target = Path.of(args[1]);
        if ("chmod000".equals(c.setup())) {
            Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                    "root reads files without read permission; this case needs an ordinary user");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("---------"));
        }
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = DsvCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            if (c.expect() == null) {
                assertEquals(0, exit, "must work: " + err);
            } else {
                assertEquals(2, exit, err.toString());
                assertLine(PREFIX + fill(c.expect(), tmp), err.toString().strip(), "the one line on stderr");
                assertTrue(!err.toString().contains("\tat "), "no stack trace without --verbose");
            }
            if (c.app() != null) {
                String appMessage = appOutcome(c, args);
                if (c.expect() == null) {
                    assertEquals(null, appMessage, "must open in the app too");
                } else {
                    assertLine(fill(c.expect(), tmp), appMessage, "the app's notification");
                }
            }
        } finally {
            if ("chmod000".equals(c.setup())) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    /** What the app's loading code reports for this input (null when it loads). */
    private static String appOutcome(Case c, String[] args) throws Exception {
        try {
            if ("open".equals(c.app())) {
                Workbench.ModelSummary s = workbench.models().open(Path.of(args[1]), overrides(args)).get(2, TimeUnit.MINUTES);
                assertNotNull(s);
            } else if ("data".equals(c.app())) {
                workbench.data().attachData(Path.of(option(args, "--data"))).get(2, TimeUnit.MINUTES);
            } else {
                fail("unknown app kind " + c.app());
            }
            return null;
        } catch (ExecutionException e) {
            return appMessage(e);
        }
    }

    /** The message as MainViewModel hands it to the notification. */
    private static String appMessage(ExecutionException e) {
        Throwable t = e.getCause();
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** The card flags as the app's card dialog would produce them (CardDraft), or none. */
    private static CardOverrides overrides(String[] args) {
        String shape = option(args, "--input-shape");
        if (shape == null) {
            return CardOverrides.NONE;
        }
        return new CardDraft().setInputShape(shape).setClassNames(option(args, "--class-names"))
                .setMean(option(args, "--mean")).setStd(option(args, "--std")).toOverrides();
    }

    private static String option(String[] args, String name) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }
}
