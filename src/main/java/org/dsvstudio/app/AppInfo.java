package org.dsvstudio.app;

/** The app's name and version, as written into provenance and printed by --version. */
public final class AppInfo {

    /** A compile-time constant, so picocli's annotation can use it too. */
    public static final String VERSION = "DSV Studio 0.1.0";

    private AppInfo() {
    }
}
