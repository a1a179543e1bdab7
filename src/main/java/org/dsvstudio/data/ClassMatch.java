package org.dsvstudio.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pairs a data set's classes with a model's. Image folders are matched <em>by name</em>: a folder called
 * "Trouser" holds trousers whatever its sorted position (matching by position once scored real Fashion images
 * at 37.5 % on a 91 % model, without a warning). Names match ignoring case and surrounding blanks, with '/'
 * written as '_' (a folder cannot hold a '/': "T-shirt/top" is the folder "T-shirt_top"). A mapping file can
 * name the model class of each folder. IDX and CIFAR labels are numbers: they keep their position.
 */
public final class ClassMatch {

    private ClassMatch() {
    }

    /**
     * The data relabelled to the model's class indices (class names = the model's), or {@code data} itself when
     * nothing changes.
     *
     * @param mapping data class → model class, from {@link #readMapping}; empty for none
     * @throws DataFormatException naming both lists when a class of the data has no match in the model
     */
    public static ImageDataset toModel(ImageDataset data, List<String> modelClasses, Map<String, String> mapping)
            throws DataFormatException {
        if (!data.namedByFolders() && mapping.isEmpty()) {
            if (data.numClasses() > modelClasses.size()) {
                throw new DataFormatException("the data has " + data.numClasses() + " classes but the model only "
                        + modelClasses.size());
            }
            return data;
        }
        Map<String, Integer> modelIndex = new LinkedHashMap<>();
        for (int i = 0; i < modelClasses.size(); i++) {
            modelIndex.putIfAbsent(key(modelClasses.get(i)), i);
        }
        Map<String, String> mapped = new LinkedHashMap<>();
        mapping.forEach((from, to) -> mapped.put(key(from), to));
        int[] target = new int[data.numClasses()];
        List<String> unmatched = new ArrayList<>();
        for (int c = 0; c < data.numClasses(); c++) {
            String name = data.classNames().get(c);
            String modelName = mapped.getOrDefault(key(name), name);
            Integer index = modelIndex.get(key(modelName));
            if (index == null) {
                unmatched.add(mapped.containsKey(key(name)) ? name + " → " + modelName : name);
                target[c] = -1;
            } else {
                target[c] = index;
            }
        }
        if (!unmatched.isEmpty()) {
            throw new DataFormatException("the data's classes do not match the model's: no model class for "
                    + quoted(unmatched) + ". The data has " + quoted(data.classNames()) + "; the model has "
                    + quoted(modelClasses) + ". Name each class folder after a model class, or map them with"
                    + " --class-map FILE (one 'folder = model class' per line)");
        }
        boolean identity = data.numClasses() == modelClasses.size();
        for (int c = 0; c < target.length && identity; c++) {
            identity = target[c] == c && data.classNames().get(c).equals(modelClasses.get(c));
        }
        if (identity) {
            return data;
        }
        int[] labels = new int[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = target[data.label(i)];
        }
        return data.relabelled(labels, modelClasses);
    }

    /**
     * A mapping file: one {@code data class = model class} per line; blank lines and lines starting with '#'
     * are skipped.
     */
    public static Map<String, String> readMapping(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, Files.exists(file) ? "not a file" : "no such file");
        }
        if (Files.size(file) > 1 << 20) {
            throw new DataFormatException(file, "a class map of " + Files.size(file) + " bytes (at most 1 MiB)");
        }
        Map<String, String> mapping = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || eq == line.length() - 1) {
                throw new DataFormatException(file, "line " + (n + 1) + " is not 'data class = model class': "
                        + line);
            }
            String from = line.substring(0, eq).strip();
            if (mapping.put(from, line.substring(eq + 1).strip()) != null) {
                throw new DataFormatException(file, "line " + (n + 1) + " maps '" + from + "' a second time");
            }
        }
        return mapping;
    }

    /** The tolerant form a name is compared in. */
    static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('/', '_');
    }

    private static String quoted(List<String> names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            if (s.length() > 600) {
                s.append("… (").append(names.size()).append(" in all)");
                break;
            }
            s.append('\'').append(names.get(i)).append('\'');
        }
        return s.toString();
    }
}
