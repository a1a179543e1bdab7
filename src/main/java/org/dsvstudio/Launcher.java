package org.dsvstudio;

import org.dsvstudio.cli.DsvCli;

/**
 * Entry point of the jar. With no arguments it opens the desktop app; with a command it runs the CLI and
 * never loads JavaFX. (The JavaFX Application subclass cannot be the jar's main class on the classpath.)
 */
public final class Launcher {

    private Launcher() {
    }

    /** One argument naming an existing .dsv file: what a desktop's file association passes. */
    static boolean isSessionToOpen(String[] args) {
        return args.length == 1 && args[0].endsWith(".dsv") && java.nio.file.Files.isRegularFile(
                java.nio.file.Path.of(args[0]));
    }

    public static void main(String[] args) {
        if (args.length == 0 || isSessionToOpen(args)) {
            // no command, or a session file (a file manager opening a .dsv): the app
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
