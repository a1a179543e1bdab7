package org.dsvstudio.app;

import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoadException;
import org.dsvstudio.model.ModelLoader;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds the bundled sample models: {@code -Ddsv.samples}, beside the jar's folder, or ./sample-models. */
public final class SampleModels {

    /** The sample the app selects first. */
    public static final String DEFAULT_SAMPLE = "convnet-fashion";

    /** A sample model folder and its card. */
    public record Sample(String name, Path folder, ModelCard card) {
    }

    private SampleModels() {
    }

    public static Optional<Path> directory() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("dsv.samples");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Paths.get(configured));
        }
        try {
            Path jar = Paths.get(SampleModels.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/dsv-studio.jar or target/classes → project root/sample-models; an installed app → app/sample-models
            Path parent = jar.getParent();
            if (parent != null) {
                candidates.add(parent.resolve("sample-models"));
                if (parent.getParent() != null) {
                    candidates.add(parent.getParent().resolve("sample-models"));
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source location: fall back to the working directory
        }
        candidates.add(Paths.get("sample-models"));
        return candidates.stream().filter(Files::isDirectory).findFirst().map(Path::toAbsolutePath);
    }

    /** Whether path is one of the bundled samples (those are listed anyway, not kept as recent). */
    public static boolean isSample(Path path) {
        Optional<Path> dir = directory();
        Path parent = path.toAbsolutePath().normalize().getParent();
        return dir.isPresent() && parent != null && parent.equals(dir.get().normalize());
    }

    /** All sample folders with a readable card, the default sample first, then by name. */
    public static List<Sample> list() {
        List<Sample> samples = new ArrayList<>();
        Optional<Path> dir = directory();
        if (dir.isEmpty()) {
            return samples;
        }
        try (var children = Files.list(dir.get())) {
            for (Path folder : children.filter(Files::isDirectory).toList()) {
                Path card = folder.resolve(ModelCard.FILE_NAME);
                if (Files.isRegularFile(card)) {
                    try {
                        ModelCard c = ModelLoader.readCard(card);
                        samples.add(new Sample(folder.getFileName().toString(), folder, c));
                    } catch (ModelLoadException e) {
                        // a broken sample is skipped; the others stay usable
                    }
                }
            }
        } catch (IOException e) {
            return samples;
        }
        samples.sort(Comparator.comparing((Sample s) -> !s.name().equals(DEFAULT_SAMPLE)).thenComparing(Sample::name));
        return samples;
    }

    /**
     * The independent judges shipped in {@code sample-models/judges/} whose classes are {@code classNames} (the
     * same names in the same order, compared as image folders are): judges of the model's own data set.
     */
    public static List<Path> judgesFor(List<String> classNames) {
        List<Path> judges = new ArrayList<>();
        Optional<Path> dir = directory().map(d -> d.resolve("judges")).filter(Files::isDirectory);
        if (dir.isEmpty()) {
            return judges;
        }
        List<String> wanted = classNames.stream().map(n -> n.strip().toLowerCase(java.util.Locale.ROOT)).toList();
        try (var children = Files.list(dir.get())) {
            for (Path folder : children.filter(Files::isDirectory).sorted().toList()) {
                Path card = folder.resolve(ModelCard.FILE_NAME);
                if (!Files.isRegularFile(card)) {
                    continue;
                }
                try {
                    List<String> names = ModelLoader.readCard(card).classNames().stream()
                            .map(n -> n.strip().toLowerCase(java.util.Locale.ROOT)).toList();
                    if (names.equals(wanted)) {
                        judges.add(folder);
                    }
                } catch (ModelLoadException e) {
                    // a broken judge is left out
                }
            }
        } catch (IOException e) {
            return judges;
        }
        return judges;
    }
}
