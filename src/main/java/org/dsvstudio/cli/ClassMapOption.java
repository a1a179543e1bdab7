package org.dsvstudio.cli;

import org.dsvstudio.data.ClassMatch;
import org.dsvstudio.data.ImageDataset;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code --class-map FILE}: which model class each class folder of the data holds (see {@link ClassMatch}). */
public final class ClassMapOption {

    @Option(names = "--class-map", paramLabel = "FILE",
            description = "Which model class each data class folder holds: one 'folder = model class' per line."
                    + " Without it, image folders are matched to the model's classes by name.")
    Path classMap;

    /** The data relabelled to the model's classes, by name or by the map. */
    ImageDataset align(ImageDataset data, List<String> modelClasses) throws IOException {
        Map<String, String> mapping = classMap == null ? Map.of() : ClassMatch.readMapping(classMap);
        return ClassMatch.toModel(data, modelClasses, mapping);
    }
}
