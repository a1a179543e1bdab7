package org.dsvstudio.cli;

/** Something the user typed that cannot work; printed as one line, exit code 2. */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }
}
