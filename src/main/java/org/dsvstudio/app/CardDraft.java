package org.dsvstudio.app;

import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoadException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The facts about a bare TorchScript {@code .pt} as a user types them in the card dialog (the GUI twin of
 * {@code --input-shape 1,28,28 --class-names a,b,... --mean 0.5 --std 0.5}). Holds the raw text, turns it into
 * {@link CardOverrides} with messages that name the field, and saves the resulting card beside the
 * {@code .pt} as {@code NAME.json}, where {@link org.dsvstudio.model.ModelLoader} looks first.
 * No JavaFX here: the dialog binds its fields to this class.
 */
public final class CardDraft {

    /** The fields of the draft, in the order the dialog shows them (and problems are reported). */
    public enum Field {
        INPUT_SHAPE("input shape"),
        CLASS_NAMES("class names"),
        MEAN("mean"),
        STD("std"),
        NAME("model name");

        private final String label;

        Field(String label) {
            this.label = label;
        }

        /** The field's name as messages use it. */
        public String label() {
            return label;
        }
    }

    /** Largest side ModelCard accepts. */
    private static final int MAX_SIDE = 4096;
    /** A plain decimal number in Locale.ROOT notation (no NaN, Infinity, hex or type suffixes). */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private String inputShape = "";
    private String classNames = "";
    private String mean = "";
    private String std = "";
    private String name = "";

    public CardDraft() {
    }

    /** A draft pre-filled with what is known already (any field of the overrides may be null). */
    public static CardDraft from(CardOverrides known) {
        CardDraft d = new CardDraft();
        if (known == null) {
            return d;
        }
        if (known.inputShape() != null) {
            d.inputShape = Arrays.stream(known.inputShape()).mapToObj(Integer::toString)
                    .reduce((a, b) -> a + "," + b).orElse("");
        }
        if (known.classNames() != null) {
            d.classNames = String.join("\n", known.classNames());
        }
        if (known.mean() != null) {
            d.mean = formatValues(known.mean());
        }
        if (known.std() != null) {
            d.std = formatValues(known.std());
        }
        if (known.name() != null) {
            d.name = known.name();
        }
        return d;
    }

    public String inputShape() {
        return inputShape;
    }

    public CardDraft setInputShape(String text) {
        this.inputShape = text == null ? "" : text;
        return this;
    }

    public String classNames() {
        return classNames;
    }

    public CardDraft setClassNames(String text) {
        this.classNames = text == null ? "" : text;
        return this;
    }

    public String mean() {
        return mean;
    }

    public CardDraft setMean(String text) {
        this.mean = text == null ? "" : text;
        return this;
    }

    public String std() {
        return std;
    }

    public CardDraft setStd(String text) {
        this.std = text == null ? "" : text;
        return this;
    }

    public String name() {
        return name;
    }

    public CardDraft setName(String text) {
        this.name = text == null ? "" : text;
        return this;
    }

    /** Replaces the class names with those read from a text file (one per line, blank lines ignored). */
    public CardDraft loadClassNames(Path file) throws IOException {
        this.classNames = String.join("\n", readClassNames(file));
        return this;
    }

    /**
     * Every problem of the draft, by field, in field order (empty when the draft is complete and valid). A
     * field's message names the field and says what is expected, e.g. "input shape needs three whole numbers
     * C,H,W (e.g. 1,28,28), got '1,28'".
     */
    public Map<Field, String> problems() {
        Map<Field, String> out = new EnumMap<>(Field.class);
        int[] shape = null;
        try {
            shape = parseShape(inputShape);
        } catch (IllegalArgumentException e) {
            out.put(Field.INPUT_SHAPE, e.getMessage());
        }
        try {
            parseClassNames(classNames);
        } catch (IllegalArgumentException e) {
            out.put(Field.CLASS_NAMES, e.getMessage());
        }
        Integer channels = shape == null ? null : shape[0];
        try {
            parseMean(mean, channels);
        } catch (IllegalArgumentException e) {
            out.put(Field.MEAN, e.getMessage());
        }
        try {
            parseStd(std, channels);
        } catch (IllegalArgumentException e) {
            out.put(Field.STD, e.getMessage());
        }
        try {
            parseName(name);
        } catch (IllegalArgumentException e) {
            out.put(Field.NAME, e.getMessage());
        }
        return out;
    }

    /** The problem of one field, or null when that field is fine. */
    public String problem(Field field) {
        return problems().get(field);
    }

    public boolean isValid() {
        return problems().isEmpty();
    }

    /**
     * The overrides these fields say, complete (shape, classes, mean and std all set; name null when blank).
     *
     * @throws IllegalArgumentException with a message naming the first wrong field
     */
    public CardOverrides toOverrides() {
        Map<Field, String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(p.values().iterator().next());
        }
        int[] shape = parseShape(inputShape);
        return new CardOverrides(shape, parseClassNames(classNames), parseMean(mean, shape[0]),
                parseStd(std, shape[0]), parseName(name));
    }

    /**
     * The card these fields make for the given {@code .pt} (architecture "torchscript", weights file = its
     * file name, name = the model name or else the file's stem), as ModelLoader would build it.
     *
     * @throws IllegalArgumentException when a field is wrong (message names it)
     */
    public ModelCard toCard(Path ptFile) {
        CardOverrides o = toOverrides();
        String fileName = ptFile.getFileName().toString();
        try {
            return o.applyTo(null, stem(fileName), fileName);
        } catch (ModelLoadException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Where a card for this {@code .pt} is saved: {@code NAME.json} beside {@code NAME.pt}. ModelLoader reads
     * that file first when the .pt is opened (and when its folder is opened and holds only this .pt).
     */
    public static Path cardPathFor(Path ptFile) {
        return ptFile.resolveSibling(stem(ptFile.getFileName().toString()) + ".json");
    }

    /**
     * Writes the card beside the {@code .pt} ({@link #cardPathFor}), atomically: an interrupted save never
     * leaves a broken card. Replaces a file of that name.
     *
     * @return the card file written
     * @throws IllegalArgumentException when a field is wrong (nothing is written)
     * @throws IOException when the folder is not writable
     */
    public Path saveBeside(Path ptFile) throws IOException {
        ModelCard card = toCard(ptFile);
        Path target = cardPathFor(ptFile);
        card.write(target);
        return target;
    }

    // ---- parsing (static, so the CLI or other forms can reuse it) ----

    /** "C,H,W" (also "C x H x W", "C×H×W" or spaces) into three sizes in [1, 4096]. */
    public static int[] parseShape(String text) {
        String t = text == null ? "" : text.strip();
        String expected = "input shape needs three whole numbers C,H,W (e.g. 1,28,28 or 3,32,32)";
        if (t.isEmpty()) {
            throw new IllegalArgumentException(expected);
        }
        String[] parts = t.split("\\s*[,x×X]\\s*|\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException(expected + ", got '" + t + "'");
        }
        int[] shape = new int[3];
        String[] names = {"C (channels)", "H (height)", "W (width)"};
        for (int i = 0; i < 3; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(expected + ", got '" + t + "'");
            }
            if (shape[i] < 1 || shape[i] > MAX_SIDE) {
                throw new IllegalArgumentException("input shape: " + names[i] + " must be between 1 and " + MAX_SIDE
                        + ", got " + shape[i]);
            }
        }
        return shape;
    }

    /**
     * Class names, one per line, or comma-separated on a single line. With several lines, commas stay part
     * of a name (ImageNet names like "tench, Tinca tinca"). Blank entries are ignored; at least two, unique.
     */
    public static List<String> parseClassNames(String text) {
        String t = text == null ? "" : text.strip();
        List<String> names;
        if (t.contains("\n") || t.contains("\r")) {
            names = t.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } else {
            names = Arrays.stream(t.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException("class names: give at least two, one per line or comma-separated"
                    + " (one per output of the model), got " + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("class names must be unique: '" + n + "' appears twice");
            }
        }
        return names;
    }

    /** Class names from a text file: one per line, surrounding blanks stripped, blank lines ignored. */
    public static List<String> readClassNames(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        if (!content.isEmpty() && content.charAt(0) == '\uFEFF') {
            content = content.substring(1); // byte-order mark of files saved by Notepad
        }
        return content.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Per-channel mean of pixels in [0,1]: 1 value (all channels) or C values; {@code channels} may be null. */
    public static double[] parseMean(String text, Integer channels) {
        return parseChannelValues(Field.MEAN.label(), text, channels, false);
    }

    /** Per-channel std of pixels in [0,1]: 1 or C values, each > 0; {@code channels} may be null. */
    public static double[] parseStd(String text, Integer channels) {
        return parseChannelValues(Field.STD.label(), text, channels, true);
    }

    private static double[] parseChannelValues(String field, String text, Integer channels, boolean positive) {
        String t = text == null ? "" : text.strip();
        String example = positive ? "0.5 or 0.229,0.224,0.225" : "0.5 or 0.485,0.456,0.406";
        String count = channels == null || channels == 1 ? "1 value" : "1 or " + channels + " values";
        if (t.isEmpty()) {
            throw new IllegalArgumentException(field + " needs " + count + " (per channel, pixels in [0,1]), e.g. "
                    + example);
        }
        String[] parts = t.split("\\s*[,;]\\s*|\\s+");
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (!NUMBER.matcher(parts[i]).matches()) {
                throw new IllegalArgumentException(field + " needs numbers separated by commas (e.g. " + example
                        + "), got '" + parts[i] + "'");
            }
            values[i] = Double.parseDouble(parts[i]);
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(field + " values must be finite, got '" + parts[i] + "'");
            }
        }
        if (channels != null && values.length != 1 && values.length != channels) {
            String hint = t.matches(".*\\d,\\d.*") && values.length == 2 * channels
                    ? " (use a dot for decimals: 0.5, not 0,5)" : "";
            throw new IllegalArgumentException(field + " needs " + count + " (one per channel), got "
                    + values.length + hint);
        }
        for (int i = 0; i < parts.length; i++) {
            if (positive && !(values[i] > 0)) {
                throw new IllegalArgumentException(field + " values must be greater than 0, got " + parts[i]);
            }
        }
        return values;
    }

    /** The model name, or null when blank (the card then takes the .pt's file name). */
    public static String parseName(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (t.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("model name must be a single line");
        }
        return t;
    }

    private static String stem(String fileName) {
        return fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
    }

    private static String formatValues(double[] values) {
        List<String> out = new ArrayList<>();
        for (double v : values) {
            out.add(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                    : new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString());
        }
        return String.join(",", out);
    }
}
