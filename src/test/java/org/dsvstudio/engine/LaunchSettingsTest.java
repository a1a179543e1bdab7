package org.dsvstudio.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher script and LaunchSettings (which the benchmark measures) must say the same. */
class LaunchSettingsTest {

    @Test
    void theLauncherSetsWhatLaunchSettingsDocuments() throws Exception {
        Path script = Path.of("packaging", "dsv-studio");
        assertTrue(Files.isExecutable(script), script + " must exist and be executable");
        String text = Files.readString(script);
        String execLine = text.lines().filter(l -> l.startsWith("exec ")).findFirst().orElse("");
        for (String option : LaunchSettings.JVM_OPTIONS) {
            assertTrue(execLine.contains(" " + option + " "), "the exec line passes " + option + ": " + execLine);
        }
        for (Map.Entry<String, String> e : LaunchSettings.ENVIRONMENT.entrySet()) {
            String assignment = e.getKey() + "=${" + e.getKey() + ":-" + e.getValue() + "}";
            assertTrue(text.contains(assignment), "the script sets " + assignment);
            assertTrue(text.contains("export") && text.lines().anyMatch(l -> l.startsWith("export")
                    && l.contains(e.getKey())), "the script exports " + e.getKey());
        }
    }
}
