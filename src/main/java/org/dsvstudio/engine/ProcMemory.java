package org.dsvstudio.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as Linux reports it (/proc); -1 or false where that is not available. */
public final class ProcMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcMemory() {
    }

    /** A field of /proc/self/status such as "VmRSS" or "VmHWM", in kB, or -1. */
    public static long statusKb(String field) {
        return fieldKb(STATUS, field);
    }

    /** A field of /proc/meminfo such as "MemAvailable", in kB, or -1. */
    public static long meminfoKb(String field) {
        return fieldKb(Path.of("/proc/meminfo"), field);
    }

    /** Sets the peak RSS (VmHWM) to the current RSS ("5" to /proc/self/clear_refs); false where not allowed. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** A "Name:   123 kB" line of a /proc file, in kB, or -1. */
    private static long fieldKb(Path file, String field) {
        String prefix = field + ":";
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(prefix)) {
                    return Long.parseLong(line.substring(prefix.length()).replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
