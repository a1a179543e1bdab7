package org.dsvstudio;

import org.dsvstudio.cli.DsvCli;

/**
 * Entry point of the jar. With no arguments it opens the desktop app; with a command it runs the CLI and
 * never loads JavaFX. (The JavaFX Application subclass cannot be the jar's main class on the classpath.)
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            org.dsvstudio.ui.DsvStudioApp.launchApp(args);
        } else {
            // The CLI draws galleries with AWT but never opens a window.
            System.setProperty("java.awt.headless", "true");
            org.dsvstudio.engine.ComputeThread.onSignals();
            if (java.util.Arrays.asList(args).contains("--json")) {
                // a model that prints must not break the JSON on stdout
                System.setOut(new java.io.PrintStream(org.dsvstudio.cli.ReservedStdout.reserve(), true,
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            System.exit(DsvCli.run(args));
        }
    }
}
