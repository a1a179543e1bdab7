package org.dsvstudio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The layering rule of docs/architecture: only the ui package may import JavaFX. */
class ArchitectureRulesTest {

    @Test
    void onlyTheUiPackageImportsJavaFx() throws IOException {
        Path src = TestSupport.projectRoot().resolve("src/main/java/org/dsvstudio");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(src)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !src.relativize(f).startsWith("ui"))
                    .filter(f -> {
                        try {
                            return Files.readString(f).lines()
                                    .anyMatch(l -> l.startsWith("import javafx.") || l.startsWith("import org.controlsfx."));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(f -> src.relativize(f).toString()).toList();
        }
        assertEquals(List.of(), offenders);
        try (Stream<Path> files = Files.walk(src)) {
            assertFalse(files.findAny().isEmpty());
        }
    }
}
