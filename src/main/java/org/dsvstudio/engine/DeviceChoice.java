package org.dsvstudio.engine;

/** What the user asked for with {@code --device}: auto picks the GPU when libtorch sees one. */
public enum DeviceChoice {
    AUTO,
    CPU,
    GPU;

    /** Parses {@code auto|cpu|gpu} (any case); anything else is a user error. */
    public static DeviceChoice parse(String text) {
        if (text == null) {
            return AUTO;
        }
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
            case "cuda":
                return GPU;
            default:
                throw new IllegalArgumentException("unknown device '" + text + "' (use auto, cpu or gpu)");
        }
    }
}
