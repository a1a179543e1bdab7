package org.dsvstudio.ui;

import javafx.stage.Stage;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

/** What the window tests share: a window on its own, emptied preferences node, and waiting for a condition. */
final class WindowTests {

    private WindowTests() {
    }

    /** A fresh main window on stage, remembering its state under prefsNode (cleared first). */
    static MainWindow open(Stage stage, String prefsNode) {
        UiPreferences prefs = new UiPreferences(Preferences.userRoot().node(prefsNode));
        prefs.clear();
        MainWindow window = new MainWindow(prefs);
        window.show(stage);
        return window;
    }

    /** Removes the test's preferences node (after all its tests). */
    static void forget(String prefsNode) throws Exception {
        Preferences.userRoot().node(prefsNode).removeNode();
    }

    static void waitUntil(int seconds, Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition);
    }

    /** The whole screen as target/screenshots/NAME (looked at when the view changes), after a paint. */
    static void screenshot(org.testfx.api.FxRobot robot, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300); // a pulse to paint what the last events changed
        javafx.geometry.Rectangle2D all = javafx.stage.Screen.getPrimary().getBounds();
        java.nio.file.Path out = org.dsvstudio.TestSupport.projectRoot().resolve("target/screenshots").resolve(name);
        java.nio.file.Files.createDirectories(out.getParent());
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(robot.capture(all).getImage(), null),
                "png", out.toFile());
    }
}
