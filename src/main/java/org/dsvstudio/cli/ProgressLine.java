package org.dsvstudio.cli;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, redrawn in place; at most a few redraws per second. */
final class ProgressLine {

    private static final int WIDTH = 28;

    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastLength;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    void update(double fraction, String text, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 250_000_000L) {
            return;
        }
        lastDraw = now;
        double f = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(f * WIDTH);
        double elapsed = (now - startNanos) / 1e9;
        String eta = f > 0.001 ? formatSeconds(elapsed * (1 - f) / f) : "?";
        String line = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + String.format("%5.1f%%", 100 * f)
                + " " + text + "  elapsed " + formatSeconds(elapsed) + " ETA " + eta;
        String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        lastLength = line.length();
    }

    void finish() {
        if (lastLength > 0) {
            err.println();
        }
    }

    static String formatSeconds(double s) {
        long total = Math.round(s);
        if (total >= 3600) {
            return String.format("%dh%02dm", total / 3600, (total % 3600) / 60);
        }
        if (total >= 60) {
            return String.format("%dm%02ds", total / 60, total % 60);
        }
        return total + "s";
    }
}
