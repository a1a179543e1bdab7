package org.dsvstudio.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Autosaves of running apps are left alone; one whose app died is an orphan to recover; a clean exit leaves none. */
class AutosaveTest {

    @Test
    void onlyTheAutosavesOfDeadAppsAreOrphans(@TempDir Path dir) throws Exception {
        Autosave a = Autosave.start(dir);
        Autosave b = Autosave.start(dir);
        SessionFile.Session empty = new SessionFile.Session(null, List.of());
        a.save(empty);
        b.save(empty);
        assertEquals(List.of(), a.orphans(), "b runs: its autosave is not an orphan");
        assertEquals(List.of(), b.orphans());

        // an app that was killed: its files stay, nobody holds its lock
        Path dead = dir.resolve("autosave-12345-1.dsv");
        Files.copy(a.file(), dead);
        Files.createFile(dir.resolve("autosave-12345-1.lock"));
        assertEquals(List.of(dead), a.orphans());
        a.discard(dead);
        assertFalse(Files.exists(dead));
        assertFalse(Files.exists(dir.resolve("autosave-12345-1.lock")));

        b.close();
        assertFalse(Files.exists(b.file()), "a clean exit removes its autosave");
        a.close();
        try (var left = Files.list(dir)) {
            assertTrue(left.findAny().isEmpty(), "nothing left");
        }
    }
}
