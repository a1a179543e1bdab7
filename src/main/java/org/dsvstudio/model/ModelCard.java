package org.dsvstudio.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a user (and DeepKKT) must know about a network besides its weights: what it takes, what it
 * says, how pixels are normalized, where it came from and how good it is. Stored as {@code model.json}
 * beside the weights.
 *
 * @param name human name, e.g. "convnet-fashion"
 * @param architecture "convnet", "resnet8", "resnet20", "resnet18" (built in) or "torchscript"
 * @param width channel width for the built-in ConvNet (null otherwise)
 * @param weightsFile file name of the weights inside the model folder
 * @param inputShape C, H, W
 * @param classNames one per logit
 * @param mean per-channel mean subtracted from pixels in [0,1]
 * @param std per-channel std the centred pixels are divided by
 * @param testAccuracy measured accuracy on {@code testSamples} images of {@code dataset}'s test split (0..1)
 * @param perClassAccuracy measured per-class test accuracy, same order as classNames
 * @param provenance how the weights were made (command, seed, optimizer, weight decay, epochs, wall time)
 * @param extra free-form measurements later stages attach (e.g. the KKT diagnostic)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
        String name,
        String architecture,
        Integer width,
        String weightsFile,
        int[] inputShape,
        List<String> classNames,
        double[] mean,
        double[] std,
        String dataset,
        Double testAccuracy,
        Integer testSamples,
        double[] perClassAccuracy,
        Provenance provenance,
        Map<String, Object> extra) {

    public static final String FILE_NAME = "model.json";

    // no silent rounding: an inputShape of 1.5 is a mistake to report, not a 1
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Largest float32 image the app accepts (64 MB: 4096×4096×1 or ~2365×2365×3). */
    static final double MAX_IMAGE_BYTES = 64.0 * 1024 * 1024;

    /** Checks the fields every model needs; throws with a message a user can act on. */
    public ModelCard validate() {
        if (architecture == null || architecture.isBlank()) {
            throw new ModelLoadException("model card has no 'architecture'");
        }
        if (inputShape == null || inputShape.length != 3) {
            throw new ModelLoadException("model card needs 'inputShape' as [C, H, W]");
        }
        for (int d : inputShape) {
            if (d <= 0) {
                throw new ModelLoadException("model card 'inputShape' has an impossible size: " + d);
            }
        }
        // memory guard, before any tensor of this shape is allocated
        double bytes = 4.0 * inputShape[0] * inputShape[1] * inputShape[2];
        if (bytes > MAX_IMAGE_BYTES) {
            throw new ModelLoadException(String.format(java.util.Locale.ROOT, "input shape %d×%d×%d is too large: one"
                    + " image would take %s (the limit is 64 MB per image)", inputShape[0], inputShape[1],
                    inputShape[2], bytes >= 1e9 ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9)
                            : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6)));
        }
        if (classNames == null || classNames.size() < 2) {
            throw new ModelLoadException("model card needs at least two 'classNames'");
        }
        checkClassNames(classNames);
        if (width != null && (width < 1 || width > MAX_WIDTH)) {
            throw new ModelLoadException("model card 'width' must be 1.." + MAX_WIDTH + ", got " + width);
        }
        int c = inputShape[0];
        if (mean == null || std == null || (mean.length != 1 && mean.length != c)
                || (std.length != 1 && std.length != c)) {
            throw new ModelLoadException("model card needs 'mean' and 'std' with 1 or " + c + " values");
        }
        for (double s : std) {
            if (!(s >= 1e-6 && s <= 1e6)) {
                throw new ModelLoadException("model card 'std' must be between 1e-6 and 1e6 (pixel values are in"
                        + " [0, 1]), got " + s);
            }
        }
        for (double m : mean) {
            if (!(m >= -1e3 && m <= 1e3)) {
                throw new ModelLoadException("model card 'mean' must be between -1000 and 1000 (pixel values are in"
                        + " [0, 1]), got " + m);
            }
        }
        return this;
    }

    /** The most characters a class name may have: it is shown in one line beside images and in file names. */
    public static final int MAX_CLASS_NAME = 200;

    /** The widest built-in ConvNet: 4 096 channels already take gigabytes per step. */
    public static final int MAX_WIDTH = 4096;

    /** Class names are shown in one line and name files and classes: 1..200 characters, no control ones, unique. */
    public static void checkClassNames(List<String> names) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || n.isBlank()) {
                throw new ModelLoadException("class name " + i + " is empty");
            }
            if (n.length() > MAX_CLASS_NAME) {
                throw new ModelLoadException("class name " + i + " is " + n.length() + " characters long (at most "
                        + MAX_CLASS_NAME + ")");
            }
            for (int k = 0; k < n.length(); k++) {
                if (Character.getType(n.charAt(k)) == Character.CONTROL) {
                    throw new ModelLoadException(String.format(java.util.Locale.ROOT, "class name %d contains the"
                            + " control character U+%04X: class names are shown in one line", i, (int) n.charAt(k)));
                }
            }
            if (!seen.add(n)) {
                throw new ModelLoadException("class name '" + n + "' appears twice: each class needs its own name");
            }
        }
    }

    public int channels() {
        return inputShape[0];
    }

    public int height() {
        return inputShape[1];
    }

    public int imageWidth() {
        return inputShape[2];
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Mean of channel c (a single value applies to all channels). */
    public double meanOf(int c) {
        return mean.length == 1 ? mean[0] : mean[c];
    }

    public double stdOf(int c) {
        return std.length == 1 ? std[0] : std[c];
    }

    public ModelCard withAccuracy(double accuracy, int samples, double[] perClass) {
        return new ModelCard(name, architecture, width, weightsFile, inputShape, classNames, mean, std, dataset,
                accuracy, samples, perClass, provenance, extra);
    }

    public ModelCard withName(String newName) {
        return new ModelCard(newName, architecture, width, weightsFile, inputShape, classNames, mean, std,
                dataset, testAccuracy, testSamples, perClassAccuracy, provenance, extra);
    }

    public static ModelCard read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ModelCard.class);
    }

    /** Writes atomically (temp file, then move) so an interrupted save never leaves a broken card. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    /**
     * How the weights were made.
     *
     * @param command the exact command line that trained them
     * @param seed random seed
     * @param optimizer e.g. "SGD momentum 0.9, nesterov"
     * @param learningRate peak learning rate
     * @param schedule e.g. "cosine to 0"
     * @param batchSize mini-batch size
     * @param weightDecay μ of the explicit (μ/2)‖θ‖² term in the training loss
     * @param epochs epochs trained
     * @param augmentation what augmentation was used
     * @param trainImages number of training images
     * @param wallTimeSeconds training wall time
     * @param finishedAt ISO time when training finished
     * @param software DJL and libtorch versions
     * @param machine cores and OS
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provenance(
            String command,
            Long seed,
            String optimizer,
            Double learningRate,
            String schedule,
            Integer batchSize,
            Double weightDecay,
            Integer epochs,
            String augmentation,
            Integer trainImages,
            Double wallTimeSeconds,
            String finishedAt,
            String software,
            String machine) {
    }
}
