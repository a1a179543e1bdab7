package org.dsvstudio.app;

import org.dsvstudio.model.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputFolderTest {

    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void writeRun(Path target, String... files) throws IOException {
        try (OutputFolder out = OutputFolder.claim(target, 0)) {
            for (String f : files) {
                AtomicFiles.write(out.staging().resolve(f), f.getBytes());
            }
            out.commit();
        }
    }

    @Test
    void aRerunReplacesTheWholeFolderLeavingNoStaleFilesAndNoTraces() throws IOException {
        Path run = dir.resolve("run");
        writeRun(run, "dsvs.json", "dsv-0000.png", "dsv-0001.png", "gallery.png");
        writeRun(run, "dsvs.json", "dsv-0000.png", "gallery.png");
        assertEquals(List.of("dsv-0000.png", "dsvs.json", "gallery.png"), names(run));
        assertEquals(List.of("run"), names(dir), "no lock, staging or old folder left beside it");
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheFolder() throws IOException {
        Path run = dir.resolve("run");
        try (OutputFolder first = OutputFolder.claim(run, 0)) {
            IOException e = assertThrows(IOException.class, () -> OutputFolder.claim(run, 0));
            assertEquals("another DSV Studio run is writing into " + run + " now: choose another folder or wait for"
                    + " it to finish", e.getMessage());
            AtomicFiles.write(first.staging().resolve("dsvs.json"), new byte[] {1});
            first.commit();
        }
        writeRun(run, "dsvs.json"); // free again once the first is done
    }

    /** A run killed or failed before commit leaves the previous output as it was. */
    @Test
    void anUncommittedRunLeavesThePreviousOutputUntouched() throws IOException {
        Path run = dir.resolve("run");
        writeRun(run, "dsvs.json", "old.png");
        try (OutputFolder out = OutputFolder.claim(run, 0)) {
            AtomicFiles.write(out.staging().resolve("new.png"), new byte[] {1});
        }
        assertEquals(List.of("dsvs.json", "old.png"), names(run));
        assertEquals(List.of("run"), names(dir));
        // and the staging folder of a process that was killed outright goes with the next claim
        Files.createDirectories(dir.resolve(".run.tmp-dead"));
        writeRun(run, "dsvs.json");
        assertEquals(List.of("run"), names(dir));
    }

    /** A full disk mid-export (as the JDK reports it, without the folder): the message names the run's folder. */
    @Test
    void aWriteThatFailsMidwayNamesTheFolderAndChangesNothing() throws IOException {
        Path run = dir.resolve("run");
        writeRun(run, "dsvs.json", "old.png");
        try (OutputFolder out = OutputFolder.claim(run, 0)) {
            IOException e = assertThrows(IOException.class, () -> out.write(staging -> {
                AtomicFiles.write(staging.resolve("dsv-0000.png"), new byte[] {1});
                throw new java.nio.file.FileSystemException(staging.resolve("dsvs.json").toString(), null,
                        "No space left on device");
            }));
            assertEquals("could not write the run into " + run + ": No space left on device (nothing in run was"
                    + " changed)", e.getMessage());
        }
        assertEquals(List.of("dsvs.json", "old.png"), names(run));
        assertEquals(List.of("run"), names(dir), "the staged files are gone");
    }

    @Test
    void foldersOfOtherFilesFilesAndTheRootAreRefused() throws IOException {
        Path mine = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(mine.resolve("holiday.jpg"), "x");
        assertTrue(assertThrows(IOException.class, () -> OutputFolder.claim(mine, 0)).getMessage()
                .contains("holds other files (no dsvs.json)"));
        assertEquals(List.of("holiday.jpg"), names(mine));
        assertFalse(OutputFolder.acceptsRun(mine));
        assertEquals("photos-2", OutputFolder.freshName(dir, "photos"));
        assertTrue(assertThrows(IOException.class, () -> OutputFolder.claim(mine.resolve("holiday.jpg"), 0))
                .getMessage().contains("is a file, not a folder"));
        assertTrue(assertThrows(IOException.class, () -> OutputFolder.claim(Path.of("/"), 0)).getMessage()
                .contains("it is the file system root"));
    }

    @Test
    void notEnoughSpaceIsRefusedBeforeAnythingIsWritten() throws IOException {
        IOException e = assertThrows(IOException.class, () -> OutputFolder.claim(dir.resolve("run"), Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("not enough free space in " + dir), e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    /** Written files follow the umask like any new file, not the 600 of a temp file. */
    @Test
    void writtenFilesAndTheFolderHaveTheModeOfAnyNewFile() throws IOException {
        Set<PosixFilePermission> plainFile = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        Set<PosixFilePermission> plainDir = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("d")));
        Path run = dir.resolve("run");
        writeRun(run, "dsvs.json");
        assertEquals(plainFile, Files.getPosixFilePermissions(run.resolve("dsvs.json")));
        assertEquals(plainDir, Files.getPosixFilePermissions(run));
    }
}
