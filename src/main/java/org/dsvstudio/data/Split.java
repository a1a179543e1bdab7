package org.dsvstudio.data;

import java.util.Locale;

/** Which half of a data set to read. */
public enum Split {
    TRAIN,
    TEST;

    /** Parses {@code train|test} (any case, surrounding blanks ignored); anything else is a user error. */
    public static Split parse(String text) {
        String key = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "train":
                return TRAIN;
            case "test":
                return TEST;
            default:
                throw new IllegalArgumentException("unknown split '" + text + "' (use train or test)");
        }
    }
}
