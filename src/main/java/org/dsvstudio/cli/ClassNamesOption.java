package org.dsvstudio.cli;

import picocli.CommandLine.Option;

/** {@code --classes} as the class names of a bare .pt (generate uses --class-names, its --classes picks classes). */
public final class ClassNamesOption {

    @Option(names = "--classes", paramLabel = "a,b,...|@FILE",
            description = "Class names of a bare .pt, comma separated, or @file with one per line.")
    String classNames;
}
