package org.dsvstudio.model;

/** A model (file, folder or card) that cannot be used; the message is one line meant for the user. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
