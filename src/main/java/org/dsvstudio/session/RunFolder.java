package org.dsvstudio.session;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageFolderReader;
import org.dsvstudio.model.ModelLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code generate} output folder (or the app's export of a run) read back as a run: {@code dsvs.json} and the
 * DSVs' PNGs, so the images are the 8-bit values a user sees, not the run's float32 values.
 */
public final class RunFolder {

    /** dsvs.json larger than this is not one DSV Studio wrote (a run of 100 000 DSVs of 1000 classes is ~1 GB). */
    static final long MAX_JSON_BYTES = 1L << 30;

    private RunFolder() {
    }

    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("dsvs.json"));
    }

    public static SavedRun read(Path dir) throws IOException {
        Path json = dir.resolve("dsvs.json");
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, Files.exists(dir) ? "not a folder (a run is a folder with dsvs.json)"
                    : "does not exist");
        }
        if (!Files.isRegularFile(json)) {
            throw new DataFormatException(dir, "no dsvs.json (expected a folder written by generate or the app's"
                    + " export)");
        }
        if (Files.size(json) > MAX_JSON_BYTES) {
            throw new DataFormatException(json, "is " + Files.size(json) + " bytes, larger than any run's dsvs.json");
        }
        JsonNode root;
        try {
            root = RunJson.JSON.readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(json, "not valid JSON: " + ModelLoader.jsonProblem(e), e);
        }
        return RunJson.fromTree(root, json, (i, entry, card) -> {
            Path png = imageFile(dir, entry.path("image").asText(""), json);
            byte[] pixels = ImageFolderReader.pixels(png, card.channels(), card.height(), card.imageWidth());
            float[] out = new float[pixels.length];
            for (int p = 0; p < pixels.length; p++) {
                out[p] = (pixels[p] & 0xff) / 255f;
            }
            return out;
        }, false);
    }

    /** The PNG a DSV entry names, refused when it is not a file inside the run's folder. */
    static Path imageFile(Path dir, String image, Path json) throws DataFormatException {
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(image).normalize();
        if (image.isEmpty() || !file.startsWith(base) || file.equals(base)) {
            throw new DataFormatException(json, "a DSV's image '" + image + "' is not a file of the run folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(json, "a DSV's image " + image + " is missing");
        }
        return file;
    }
}
