package org.dsvstudio.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.ImageFolderReader;
import org.dsvstudio.model.ModelLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The small image set a fresh network is trained on by {@code distill}: a {@code generate} output folder (its
 * kept DSVs, read back from their PNGs), {@code random:K} (K random real training images per class, drawn
 * with the run's seed) or {@code top-lambda:K} (the K real training images per class with the highest λ in a
 * faithfulness ranking).
 */
public final class DistillSet {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DistillSet() {
    }

    /** True when the set is drawn anew for every seed (random:K); the others are the same set every seed. */
    public static boolean dependsOnSeed(String spec) {
        return spec.toLowerCase(Locale.ROOT).startsWith("random:");
    }

    /**
     * Resolves {@code spec} against the real training split.
     *
     * @param ranking the faithfulness ranking file, needed for top-lambda:K
     * @throws IllegalArgumentException for a malformed spec or a missing ranking
     * @throws IOException if a folder or its images cannot be read
     */
    public static ImageDataset resolve(String spec, ImageDataset train, long seed, Path ranking) throws IOException {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("random:")) {
            return train.samplePerClass(perClass(spec), seed);
        }
        if (lower.startsWith("top-lambda:")) {
            if (ranking == null) {
                throw new IllegalArgumentException("top-lambda:K needs --ranking FILE (written by faithfulness)");
            }
            LambdaRanking r = LambdaRanking.read(ranking);
            if (r.trainImages() != train.size()) {
                throw new IllegalArgumentException("the λ ranking " + ranking + " was made on " + r.trainImages()
                        + " training images, this data has " + train.size());
            }
            return train.subset(r.topPerClass(perClass(spec), train.numClasses()));
        }
        return fromGenerateFolder(Path.of(spec), train);
    }

    private static int perClass(String spec) {
        String k = spec.substring(spec.indexOf(':') + 1);
        try {
            int n = Integer.parseInt(k);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("'" + spec + "': K must be a whole number ≥ 1");
    }

    /** The kept (not removed) DSVs of a generate output folder, labelled by their target class. */
    static ImageDataset fromGenerateFolder(Path dir, ImageDataset train) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--images '" + dir + "' is neither random:K, top-lambda:K nor a folder");
        }
        Path json = dir.resolve("dsvs.json");
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(dir, "no dsvs.json (expected a folder written by generate)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(json, "not valid JSON: " + ModelLoader.jsonProblem(e), e);
        }
        JsonNode dsvs = root.path("dsvs");
        int size = train.imageSize();
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (JsonNode d : dsvs) {
            if (d.path("removed").asBoolean(false)) {
                continue;
            }
            int label = d.path("class").asInt(-1);
            if (label < 0 || label >= train.numClasses()) {
                throw new DataFormatException(json, "a DSV has class " + label + ", the data has "
                        + train.numClasses() + " classes");
            }
            images.add(ImageFolderReader.pixels(dir.resolve(d.path("image").asText()), train.channels(),
                    train.height(), train.width()));
            labels.add(label);
        }
        if (images.isEmpty()) {
            throw new DataFormatException(json, "no kept DSVs to train on");
        }
        byte[] pixels = new byte[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * size, size);
        }
        return new ImageDataset(dir.getFileName().toString(), pixels,
                labels.stream().mapToInt(Integer::intValue).toArray(), train.channels(), train.height(),
                train.width(), train.classNames());
    }
}
