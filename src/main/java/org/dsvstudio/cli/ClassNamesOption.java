package org.dsvstudio.cli;

import picocli.CommandLine.Option;

/**
 * {@code --class-names}: the class names of a bare .pt, the same flag in every command. {@code --classes} is
 * generate's choice of classes to generate for; elsewhere it once meant the names, so it is answered with the new
 * name instead of an unknown-option error.
 */
public final class ClassNamesOption {

    @Option(names = "--class-names", paramLabel = "a,b,...|@FILE",
            description = "Class names of a bare .pt, comma separated, or @file with one per line.")
    String classNames;

    @Option(names = "--classes", hidden = true, description = "Old name of --class-names here (refused with the"
            + " new name).")
    String oldName;

    /** The --class-names text (null when not given). */
    String names() {
        if (oldName != null) {
            throw new UserInputException("the class names of a bare .pt are given with --class-names (--classes is"
                    + " generate's choice of classes to generate for)");
        }
        return classNames;
    }
}
