package org.dsvstudio.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.ImageFolderReader;
import org.dsvstudio.data.Images;
import org.dsvstudio.model.ModelLoader;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kept DSVs of a {@code generate} output folder, read back from their PNGs (what a user sees and shares, 8-bit),
 * labelled by their target class. Class names come from the run's dsvs.json, so a judge with the same class names
 * in another order is matched by name. DSVs of a class mix (soft targets) are left out: they have no one class.
 */
public final class RunImages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunImages() {
    }

    /** The model that made the run, as dsvs.json names it (provenance.modelName), or null. */
    public static String modelName(Path dir) throws IOException {
        return root(dir).path("provenance").path("modelName").asText(null);
    }

    public static ImageDataset read(Path dir) throws IOException {
        JsonNode root = root(dir);
        Path json = dir.resolve("dsvs.json");
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (JsonNode d : root.path("dsvs")) {
            if (d.path("removed").asBoolean(false) || d.has("target")) {
                continue;
            }
            int label = d.path("class").asInt(-1);
            if (label < 0 || label > 100_000) {
                throw new DataFormatException(json, "a DSV has class " + label);
            }
            while (names.size() <= label) {
                names.add("class " + names.size());
            }
            if (d.hasNonNull("className")) {
                names.set(label, d.get("className").asText());
            }
            String image = d.path("image").asText("");
            Path file = dir.resolve(image).normalize();
            if (image.isEmpty() || !file.startsWith(dir.normalize())) {
                throw new DataFormatException(json, "a DSV's image '" + image + "' is not a file of the run folder");
            }
            files.add(file);
            labels.add(label);
        }
        if (files.isEmpty()) {
            throw new DataFormatException(json, "no kept DSVs of a single class");
        }
        BufferedImage first = Images.read(files.get(0));
        int width = first.getWidth();
        int height = first.getHeight();
        boolean gray = first.getColorModel().getNumColorComponents() == 1;
        int channels = gray ? 1 : 3;
        int size = channels * width * height;
        byte[] pixels = new byte[files.size() * size];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(ImageFolderReader.pixels(files.get(i), channels, height, width), 0, pixels, i * size,
                    size);
        }
        return new ImageDataset(dir.getFileName().toString(), pixels,
                labels.stream().mapToInt(Integer::intValue).toArray(), channels, height, width, names, true);
    }

    private static JsonNode root(Path dir) throws IOException {
        Path json = dir.resolve("dsvs.json");
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(dir, "no dsvs.json (expected a folder written by generate)");
        }
        try {
            return JSON.readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(json, "not valid JSON: " + ModelLoader.jsonProblem(e), e);
        }
    }
}
