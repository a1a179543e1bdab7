package org.dsvstudio.model;

/**
 * Class names as shown beside numbers and other names. A right-to-left name (Hebrew, Arabic) inside a
 * left-to-right caption such as "λ 6.6 · שמלה 97 %" would otherwise reorder its neighbours: Unicode's first-strong
 * isolate (U+2068 … U+2069) keeps it a unit. Names without right-to-left letters are returned as they are.
 */
public final class ClassLabels {

    private static final char FIRST_STRONG_ISOLATE = '\u2068';
    private static final char POP_DIRECTIONAL_ISOLATE = '\u2069';

    private ClassLabels() {
    }

    public static String caption(String name) {
        for (int i = 0; i < name.length(); i++) {
            byte d = Character.getDirectionality(name.charAt(i));
            if (d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC) {
                return FIRST_STRONG_ISOLATE + name + POP_DIRECTIONAL_ISOLATE;
            }
        }
        return name;
    }

    /** A file-name-safe form: ASCII letters, digits, '.', '_' and '-', at most {@code max} characters. */
    public static String fileName(String name, int max) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        safe = safe.replaceAll("^[.]+", "_"); // no hidden files, no "..": a name never leaves its folder
        if (safe.length() > max) {
            safe = safe.substring(0, max);
        }
        return safe.isEmpty() ? "class" : safe;
    }
}
