package org.dsvstudio.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * What the window remembers between sessions (java.util.prefs): recent models, window bounds, theme, the last
 * data folder. Tests point {@code dsv.prefs.node} at a node of their own so they never touch a user's settings.
 */
public final class UiPreferences {

    private static final int MAX_RECENT = 8;
    private final Preferences prefs;

    public UiPreferences() {
        this(Preferences.userRoot().node(System.getProperty("dsv.prefs.node", "org/dsvstudio/ui")));
    }

    UiPreferences(Preferences prefs) {
        this.prefs = prefs;
    }

    /** Most recent first; entries that no longer exist on disk are dropped. */
    public List<Path> recentModels() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX_RECENT; i++) {
            String s = prefs.get("recent." + i, null);
            if (s != null && java.nio.file.Files.exists(Path.of(s))) {
                out.add(Path.of(s));
            }
        }
        return out;
    }

    /** Puts path first in the recent list. */
    public List<Path> addRecent(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        List<Path> list = recentModels();
        list.remove(abs);
        list.add(0, abs);
        for (int i = 0; i < MAX_RECENT; i++) {
            if (i < list.size()) {
                prefs.put("recent." + i, list.get(i).toString());
            } else {
                prefs.remove("recent." + i);
            }
        }
        flush();
        return list.subList(0, Math.min(MAX_RECENT, list.size()));
    }

    /** x, y, width, height, or null when never saved. */
    public double[] windowBounds() {
        double w = prefs.getDouble("window.w", -1);
        if (w <= 0) {
            return null;
        }
        return new double[] {prefs.getDouble("window.x", 0), prefs.getDouble("window.y", 0), w,
                prefs.getDouble("window.h", 800)};
    }

    public boolean windowMaximized() {
        return prefs.getBoolean("window.maximized", false);
    }

    public void saveWindow(double x, double y, double w, double h, boolean maximized) {
        prefs.putBoolean("window.maximized", maximized);
        if (!maximized) {
            prefs.putDouble("window.x", x);
            prefs.putDouble("window.y", y);
            prefs.putDouble("window.w", w);
            prefs.putDouble("window.h", h);
        }
        flush();
    }

    public boolean darkTheme() {
        return prefs.getBoolean("theme.dark", false);
    }

    public void setDarkTheme(boolean dark) {
        prefs.putBoolean("theme.dark", dark);
        flush();
    }

    public boolean highContrast() {
        return prefs.getBoolean("theme.highContrast", false);
    }

    public void setHighContrast(boolean on) {
        prefs.putBoolean("theme.highContrast", on);
        flush();
    }

    /** The presenter zoom: the whole window's font size in points (controls scale with it). */
    public double uiFontSize() {
        return prefs.getDouble("ui.fontSize", 0);
    }

    public void setUiFontSize(double points) {
        prefs.putDouble("ui.fontSize", points);
        flush();
    }

    public Path lastDataFolder() {
        String s = prefs.get("data.last", null);
        return s == null ? null : Path.of(s);
    }

    public void setLastDataFolder(Path folder) {
        prefs.put("data.last", folder.toAbsolutePath().normalize().toString());
        flush();
    }

    /** Forgets everything (tests). */
    public void clear() {
        try {
            prefs.clear();
        } catch (BackingStoreException e) {
            // nothing stored to forget
        }
    }

    private void flush() {
        try {
            prefs.flush();
        } catch (BackingStoreException e) {
            // preferences are a convenience: a read-only home must not break the app
        }
    }
}
