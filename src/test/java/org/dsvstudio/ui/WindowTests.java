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
}
