package org.dsvstudio.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file (or folder) is not what its format promises. The message is one line meant for the user, and
 * names the offending file so they know what to re-download or fix.
 */
public final class DataFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    /** Message {@code "<file>: <problem>"}. */
    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** Message {@code "<file>: <problem>"}, keeping the low-level cause for logs. */
    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
