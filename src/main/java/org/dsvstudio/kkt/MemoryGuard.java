package org.dsvstudio.kkt;

import org.dsvstudio.engine.ProcMemory;

import java.util.Locale;

/**
 * Plans how many candidates one chunk may hold, from the memory one candidate's step was measured to need
 * and the memory the machine has free, so that a large run is cut into smaller chunks (or refused with the
 * estimate) before it exhausts memory. Linux (/proc); elsewhere nothing is known and nothing is changed.
 */
final class MemoryGuard {

    /** The share of the available memory a run may plan to use (the rest: the app, the OS, other programs). */
    static final double SHARE = 0.5;
    /** A candidate is never assumed to need less (a step served from the allocator's cache measures ~0). */
    static final long FLOOR_BYTES = 1L << 20;

    /** The chunk size to use, or why none fits. */
    record Plan(int chunk, String note, String refusal) {
    }

    private MemoryGuard() {
    }

    /**
     * @param perCandidate bytes one candidate's step was measured to need
     * @param available bytes available (MemAvailable), or -1 when unknown
     * @param configured the configured chunk size
     * @param n candidates in the run
     */
    static Plan plan(long perCandidate, long available, int configured, int n) {
        int wanted = Math.min(configured, n);
        if (available < 0) {
            return new Plan(wanted, null, null);
        }
        long per = Math.max(perCandidate, FLOOR_BYTES);
        long budget = (long) (SHARE * available);
        long fits = budget / per;
        if (fits < 1) {
            return new Plan(0, null, String.format(Locale.ROOT, "not enough memory: one candidate's step needs an"
                    + " estimated %s and only %s is available (a run may use half): close other programs or use a"
                    + " smaller model", mb(per), mb(available)));
        }
        if (fits >= wanted) {
            return new Plan(wanted, null, null);
        }
        int chunk = (int) fits;
        return new Plan(chunk, String.format(Locale.ROOT, "chunk size %d → %d to fit memory (an estimated %s per"
                + " candidate, %s available)", wanted, chunk, mb(per), mb(available)), null);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    /** MemAvailable, or -Ddsv.memory.available=BYTES (a cap a user may set; tests use it), or -1 when unknown. */
    static long availableBytes() {
        String override = System.getProperty("dsv.memory.available");
        if (override != null) {
            return Long.parseLong(override.strip());
        }
        return bytes(ProcMemory.meminfoKb("MemAvailable"));
    }

    static long rssBytes() {
        return bytes(ProcMemory.statusKb("VmRSS"));
    }

    static long peakBytes() {
        return bytes(ProcMemory.statusKb("VmHWM"));
    }

    private static long bytes(long kb) {
        return kb < 0 ? -1 : 1024 * kb;
    }
}
