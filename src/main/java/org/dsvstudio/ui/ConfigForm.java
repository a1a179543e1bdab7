package org.dsvstudio.ui;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.dsvstudio.kkt.Augmentation;
import org.dsvstudio.kkt.Distance;
import org.dsvstudio.kkt.Levers;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The advanced editor of a DeepKKT configuration: every field of {@link KktConfig} (and of its
 * {@link Augmentation}) as a text field or choice, each with a plain-words tooltip and an inline red message
 * when its text is not a number or out of range. Ranges come from {@link KktConfig#validate()} itself: each
 * field is checked alone on top of a valid configuration, so the form and the engine never disagree.
 *
 * <p>{@link #configProperty()} holds the edited configuration, or null while any field is wrong;
 * {@link #errorProperty()} the first problem; {@link #modifiedProperty()} whether it differs from what
 * {@link #load} filled in. The preset name stays that of the loaded preset until a value differs, then
 * becomes "custom". Inputs have ids {@code cfg-<field>} ({@code cfg-primalWeight},
 * {@code cfg-augmentation-translate}, …).
 */
public final class ConfigForm extends VBox {

    /** The preset name of a configuration that differs from every loaded preset. */
    public static final String CUSTOM = "custom";

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");
    /** A valid configuration each field is checked against alone (its messages are validate()'s). */
    private static final KktConfig BASELINE = KktPresets.standard();

    private static final String ERROR_TEXT_STYLE = "-fx-text-fill: #b91c1c; -fx-font-size: 11px;";
    private static final String ERROR_INPUT_STYLE = "-fx-background-color: #dc2626, #fff5f5; "
            + "-fx-background-insets: 0, 1; -fx-background-radius: 3, 2;";
    private static final String HEADER_STYLE = "-fx-font-weight: bold; -fx-text-fill: #374151; -fx-font-size: 12px; "
            + "-fx-padding: 6 0 1 0; -fx-border-color: transparent transparent #e5e7eb transparent;";
    private static final String KEY_STYLE = "-fx-text-fill: #4b5563;";

    private final ReadOnlyObjectWrapper<KktConfig> config = new ReadOnlyObjectWrapper<>(this, "config");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error");
    private final ReadOnlyBooleanWrapper modified = new ReadOnlyBooleanWrapper(this, "modified");

    private final Map<String, Input> inputs = new LinkedHashMap<>();
    private final ChoiceBox<Distance> distance = new ChoiceBox<>();
    private final ChoiceBox<String> imageStep = new ChoiceBox<>();
    private final Input parameters;
    private final Label presetLabel = new Label();
    private final Label formError = new Label();
    private final GridPane grid = new GridPane();

    private KktConfig loaded;
    private boolean loading;
    private int gridRow;

    /** A form filled with the standard preset. */
    public ConfigForm() {
        this(KktPresets.standard());
    }

    public ConfigForm(KktConfig initial) {
        grid.setHgap(8);
        grid.setVgap(5);
        ColumnConstraints key = new ColumnConstraints();
        key.setHalignment(HPos.RIGHT);
        key.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints value = new ColumnConstraints();
        value.setHgrow(Priority.SOMETIMES);
        ColumnConstraints gap = new ColumnConstraints(10);
        grid.getColumnConstraints().setAll(key, value, gap, copy(key), copy(value));

        header("Objective");
        Input primal = number("primalWeight", "β₁ primal", false, c -> c.primalWeight(), (v, x) -> v.primalWeight = x,
                "Weight of the primal term: pushes each candidate to be classified as its own class (a hinge-like "
                        + "cross-entropy that is zero once the model already predicts that class). Larger values make "
                        + "candidates feasible sooner. Paper: 0.002 for distillation; presets quick/standard use 1. "
                        + "Must be ≥ 0.");
        Input stat = number("stationarityWeight", "stationarity", false, c -> c.stationarityWeight(),
                (v, x) -> v.stationarityWeight = x,
                "Weight of the stationarity term: how strongly the trained weights θ* must be explained as a "
                        + "λ-weighted sum of the candidates' loss gradients. This is what makes candidates look like "
                        + "the data the model was trained on. 0 = primal-only baseline (images only need to be "
                        + "classified right). Paper: 1. Must be ≥ 0 (not both weights 0).");
        row(primal, stat);
        distance.setId("cfg-distance");
        distance.getItems().setAll(Distance.values());
        distance.setConverter(new StringConverter<>() {
            @Override
            public String toString(Distance d) {
                return d == null ? "" : d.name();
            }

            @Override
            public Distance fromString(String s) {
                return Distance.valueOf(s);
            }
        });
        distance.setMaxWidth(Double.MAX_VALUE);
        Input distanceInput = new Input("distance", "distance", distance,
                "How the gap between θ* and −Σ λᵢ ∇ℓᵢ is measured.\n"
                        + "COSINE: 1 − cosine of the angle; ignores the overall size of λ (presets quick/standard).\n"
                        + "L1_MEAN: the paper's mean absolute difference per weight.\n"
                        + "L2_SQUARED: squared Euclidean distance (paper's appendix).\n"
                        + "LAYER_L1 / LAYER_L2: per-layer relative distances, every layer counts the same.");
        distance.valueProperty().addListener((o, a, b) -> revalidate());
        parameters = new Input("parameters", "parameters θ*", new TextField(),
                "Which weights the stationarity condition is applied to, comma-separated:\n"
                        + "• all — every trainable weight (the paper)\n"
                        + "• last:N — the last N weight tensors, e.g. last:4 = the head (last norm γ, β + final "
                        + "linear weight and bias); much faster, and where the condition holds best\n"
                        + "• a name prefix, e.g. fc or classifier. — the weights whose names start with it "
                        + "(checked against the model when a run starts).");
        parameters.text().setPromptText("all | last:N | prefix");
        parameters.text().textProperty().addListener((o, a, b) -> revalidate());
        row(distanceInput, parameters);

        header("Multipliers λ");
        Input lambdaScale = number("lambdaScale", "λ₀ scale", false, c -> c.lambdaScale(), (v, x) -> v.lambdaScale = x,
                "λ₀: the size of the multipliers. Each candidate's λ = λ₀·ν, where ν is learned and starts near 1. "
                        + "0 = auto 1/(μn): μ is the model's training weight decay and n the number of candidates "
                        + "(1/n when μ is unknown). With the COSINE distance the scale does not matter. Paper preset: "
                        + "0.1.");
        Input spread = number("lambdaInitSpread", "λ start spread", false, c -> c.lambdaInitSpread(),
                (v, x) -> v.lambdaInitSpread = x,
                "How different the multipliers are at the start: ν starts uniform in [1 − spread, 1 + spread]. "
                        + "0 = all start at exactly 1. A candidate whose λ drops below 0 is removed. Must be ≥ 0.");
        row(lambdaScale, spread);

        header("Optimizer");
        Input steps = integer("steps", "steps", c -> c.steps(), (v, x) -> v.steps = (int) x,
                "Number of optimization steps. Each step costs one forward and two backward passes per chunk of "
                        + "candidates. quick: 200, standard: 1000, paper: 2000. At least 1.");
        Input lrX = number("lrX", "lr images", false, c -> c.lrX(), (v, x) -> v.lrX = x,
                "Learning rate of the images (Adam step size α_x, in normalized pixel units): how far the "
                        + "candidate images move per step. Larger is faster but noisier. With image step l2 "
                        + "(Legibility): the L2 length of each image's step in [0,1] pixel units. Must be > 0.");
        row(steps, lrX);
        Input lrLambda = number("lrLambda", "lr λ", false, c -> c.lrLambda(), (v, x) -> v.lrLambda = x,
                "Learning rate of the multipliers (Adam step size α_λ of ν). Too large and candidates get removed "
                        + "early because their λ overshoots below 0. Must be > 0.");
        Input beta1 = number("adamBeta1", "Adam β₁", false, c -> c.adamBeta1(), (v, x) -> v.adamBeta1 = x,
                "Adam's momentum: how much of the previous update direction each step keeps (0.9 is the usual "
                        + "value). Must be in [0, 1).");
        row(lrLambda, beta1);
        Input beta2 = number("adamBeta2", "Adam β₂", false, c -> c.adamBeta2(), (v, x) -> v.adamBeta2 = x,
                "Adam's averaging of squared gradients, which sets the per-pixel step size (0.999 is the usual "
                        + "value). Must be in [0, 1).");
        row(beta2, null);

        header("Augmentation");
        Input eta = number("augmentWeight", "η augmented", false, c -> c.augmentWeight(),
                (v, x) -> v.augmentWeight = x,
                "η: weight of the same KKT loss on randomly transformed copies of the candidates (shifted, "
                        + "cropped, …), meant to keep them from being noise that works only pixel-exact. Paper: 5; "
                        + "quick and standard: 0, since with their TV prior the copies measured no better and cost "
                        + "time (docs/evidence.md). 0 = no copies. Must be ≥ 0.");
        Input translate = number("augmentation-translate", "translate", true, c -> c.augmentationOrNone().translate(),
                (v, x) -> v.translate = x,
                "Largest random shift of a copy, as a fraction of the image side (0.125 = up to 1/8 of the "
                        + "width). Paper: 0.125. Range 0 to 0.5.");
        row(eta, translate);
        Input crop = number("augmentation-crop", "crop", true, c -> c.augmentationOrNone().crop(),
                (v, x) -> v.crop = x,
                "Largest fraction of the side cut away by a random crop that is then resized back to full size "
                        + "(a zoom). Paper: 0.2. Range 0 to 0.9.");
        Input cutout = number("augmentation-cutout", "cutout", true, c -> c.augmentationOrNone().cutout(),
                (v, x) -> v.cutout = x,
                "Side of a random square blanked with the mean colour, as a fraction of the image side. "
                        + "Paper: 0.15. Range 0 to 0.9.");
        row(crop, cutout);
        Input flip = number("augmentation-flip", "flip prob.", true, c -> c.augmentationOrNone().flip(),
                (v, x) -> v.flip = x,
                "Probability of a left-right mirror. Paper: 0.5, but mirrored digits or clothing are wrong, so "
                        + "the presets use 0. Range 0 to 1.");
        Input noise = number("augmentation-noise", "pixel noise", true, c -> c.augmentationOrNone().noise(),
                (v, x) -> v.noise = x,
                "Std of random Gaussian noise added to each copy, in normalized pixel units. Paper: 0.01. "
                        + "Range 0 to 10.");
        row(flip, noise);

        header("Priors");
        Input tv = number("tvWeight", "β₂ total var.", false, c -> c.tvWeight(), (v, x) -> v.tvWeight = x,
                "β₂: weight of the total-variation prior, which penalizes differences between neighbouring "
                        + "pixels and so favours smooth images over speckle. Paper ImageNet: 40; presets: 0. "
                        + "Must be ≥ 0.");
        Input norm = number("normWeight", "β₃ image norm", false, c -> c.normWeight(), (v, x) -> v.normWeight = x,
                "β₃: weight of the image-norm prior (mean squared pixel value), which keeps pixel values from "
                        + "growing without bound. Paper ImageNet: 1e-6; presets: 0. Must be ≥ 0.");
        row(tv, norm);
        Input noiseStd = number("noiseStd", "start noise σ", false, c -> c.noiseStd(), (v, x) -> v.noiseStd = x,
                "Std of the Gaussian noise the candidate images start from (when not starting from real images), "
                        + "in normalized pixel units: 1 = as varied as typical normalized data. Must be > 0.");
        row(noiseStd, null);

        header("Legibility");
        imageStep.getItems().setAll("adam", "l2");
        imageStep.setMaxWidth(Double.MAX_VALUE);
        imageStep.valueProperty().addListener((o, a, b) -> revalidate());
        Input step = new Input("levers-imageStep", "image step", imageStep,
                "How the images move each step.\n"
                        + "adam: per-pixel adaptive steps (the paper). Each pixel's step is divided by its own "
                        + "gradient history, which turns a smooth gradient into speckle.\n"
                        + "l2: every image moves by a step of L2 length lr x (in [0,1] pixel units) along its "
                        + "gradient, which keeps the gradient's shape: on an adversarially robust model, the shape "
                        + "of the class.");
        Input floor = number("levers-contrastFloor", "contrast floor", false, c -> c.leversOrNone().contrastFloor(),
                (v, x) -> v.contrastFloor = x,
                "After each step, an image whose pixel standard deviation fell below this (in [0,1] pixel "
                        + "units) is stretched about its mean back to it. Keeps contrast by construction: priors "
                        + "such as total variation shrink it at no cost to models that normalize it away. Real "
                        + "Fashion-MNIST images: 0.315. 0 = off; at most 0.5.");
        row(step, floor);
        Input blur = number("levers-gradientBlur", "gradient blur σ", false, c -> c.leversOrNone().gradientBlur(),
                (v, x) -> v.gradientBlur = x,
                "Smooths the image gradient with a Gaussian of this many pixels before each step, so that "
                        + "shapes form before texture. 0 = off; at most 16.");
        row(blur, null);

        header("Memory & progress");
        Input chunk = integer("chunkSize", "chunk size", c -> c.chunkSize(), (v, x) -> v.chunkSize = (int) x,
                "How many candidates go through the model at once. Only affects memory (and speed), not the "
                        + "result: the stationarity sum still spans all candidates. Lower it if the GPU or RAM runs "
                        + "out. At least 1.");
        Input every = integer("progressEvery", "progress every", c -> c.progressEvery(),
                (v, x) -> v.progressEvery = (int) x,
                "Show a progress snapshot (losses and thumbnails) every this many steps. Smaller = livelier "
                        + "display, slightly slower run. At least 1.");
        row(chunk, every);

        presetLabel.setId("cfg-preset");
        presetLabel.setStyle("-fx-text-fill: #4b5563;");
        Button reset = new Button("Reset");
        reset.setId("cfg-reset");
        reset.setTooltip(tooltip("Go back to the values that were loaded (discard the edits)."));
        reset.disableProperty().bind(modified.not());
        reset.setOnAction(e -> load(loaded));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(8, presetLabel, grow, reset);
        top.setAlignment(Pos.CENTER_LEFT);
        formError.setId("cfg-error");
        formError.setStyle(ERROR_TEXT_STYLE);
        formError.setWrapText(true);
        formError.managedProperty().bind(formError.visibleProperty());
        formError.setVisible(false);
        setSpacing(6);
        setPadding(new Insets(8));
        getChildren().setAll(top, grid, formError);
        load(initial);
    }

    /** The edited configuration, or null while a field is wrong. */
    public ReadOnlyObjectProperty<KktConfig> configProperty() {
        return config.getReadOnlyProperty();
    }

    public KktConfig getConfig() {
        return config.get();
    }

    /** The first problem (naming its field), or null when the configuration is valid. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** True when the edited values differ from the last loaded configuration (or a field is wrong). */
    public ReadOnlyBooleanProperty modifiedProperty() {
        return modified.getReadOnlyProperty();
    }

    public boolean isModified() {
        return modified.get();
    }

    /** The configuration last given to {@link #load}. */
    public KktConfig loadedConfig() {
        return loaded;
    }

    /** Fills every field from a configuration (typically a preset); it becomes the unmodified state. */
    public void load(KktConfig cfg) {
        Objects.requireNonNull(cfg, "config");
        loaded = normalize(cfg);
        loading = true;
        try {
            for (Input in : inputs.values()) {
                if (in.read != null) {
                    double v = in.read.applyAsDouble(loaded);
                    in.text().setText(in.integer ? Long.toString((long) v) : format(v));
                }
            }
            distance.setValue(loaded.distance());
            imageStep.setValue(loaded.leversOrNone().imageStep());
            parameters.text().setText(loaded.parameters() == null ? "" : String.join(", ", loaded.parameters()));
        } finally {
            loading = false;
        }
        revalidate();
    }

    /** A number as short as it can be written and read back exactly: 0.002, 1e-6, 1000, 0.999. */
    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e9) {
            return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
        }
        String s = Double.toString(v).toLowerCase(Locale.ROOT); // e.g. 2.0e-5
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + s.substring(e);
    }

    // ---- building ----

    private Input number(String name, String label, boolean augmentation, ToDoubleFunction<KktConfig> read,
            ObjDoubleConsumer<Values> write, String help) {
        Input in = new Input(name, label, new TextField(), help);
        in.read = read;
        in.write = write;
        in.messageName = augmentation ? name.replace('-', ' ') : name;
        in.text().textProperty().addListener((o, a, b) -> revalidate());
        return in;
    }

    private Input integer(String name, String label, ToDoubleFunction<KktConfig> read, ObjDoubleConsumer<Values> write,
            String help) {
        Input in = number(name, label, false, read, write, help);
        in.integer = true;
        return in;
    }

    private void header(String text) {
        Label h = new Label(text);
        h.setStyle(HEADER_STYLE);
        h.setMaxWidth(Double.MAX_VALUE);
        GridPane.setMargin(h, new Insets(gridRow == 0 ? 0 : 6, 0, 0, 0));
        grid.add(h, 0, gridRow++, 5, 1);
    }

    private void row(Input left, Input right) {
        place(left, 0);
        if (right != null) {
            place(right, 3);
        }
        gridRow++;
    }

    private void place(Input in, int column) {
        Label key = new Label(in.label);
        key.setStyle(KEY_STYLE);
        key.setTooltip(in.control.getTooltip());
        key.setLabelFor(in.control);
        key.setMinHeight(26); // same height as a text field, so the label stays level with it above a message
        GridPane.setValignment(key, VPos.TOP);
        VBox cell = new VBox(1, in.control, in.message);
        GridPane.setValignment(cell, VPos.TOP);
        grid.add(key, column, gridRow);
        grid.add(cell, column + 1, gridRow);
    }

    private static ColumnConstraints copy(ColumnConstraints c) {
        ColumnConstraints out = new ColumnConstraints();
        out.setHalignment(c.getHalignment());
        out.setMinWidth(c.getMinWidth());
        out.setHgrow(c.getHgrow());
        return out;
    }

    static Tooltip tooltip(String text) {
        Tooltip t = new Tooltip(text);
        t.setWrapText(true);
        t.setMaxWidth(380);
        t.setShowDelay(Duration.millis(300));
        t.setShowDuration(Duration.seconds(30));
        return t;
    }

    // ---- validation ----

    private void revalidate() {
        if (loading) {
            return;
        }
        Values values = Values.of(BASELINE);
        Map<Input, String> problems = new LinkedHashMap<>(); // in the order of the form
        values.distance = distance.getValue();
        values.imageStep = imageStep.getValue();
        for (Input in : inputs.values()) {
            if (in == parameters) {
                String msg = checkParameters();
                if (msg == null) {
                    values.parameters = parseParameters(parameters.text().getText());
                } else {
                    problems.put(in, msg);
                }
            } else if (in.write != null) {
                String msg = checkNumber(in);
                if (msg == null) {
                    in.write.accept(values, in.value);
                } else {
                    problems.put(in, msg);
                }
            }
        }
        String general = null;
        KktConfig cfg = null;
        if (problems.isEmpty()) {
            try {
                cfg = values.toConfig().validate(); // cross-field rules (e.g. both weights 0)
            } catch (IllegalArgumentException e) {
                boolean placed = false;
                for (Input in : inputs.values()) {
                    if (Pattern.compile("\\b" + Pattern.quote(in.messageName) + "\\b").matcher(e.getMessage()).find()) {
                        problems.put(in, e.getMessage());
                        placed = true;
                    }
                }
                if (!placed) {
                    general = e.getMessage();
                }
            }
        }
        for (Input in : inputs.values()) {
            in.showProblem(problems.get(in));
        }
        formError.setText(general);
        formError.setVisible(general != null);

        boolean changed = true;
        if (cfg != null) {
            values.preset = loaded.preset();
            changed = !values.toConfig().equals(loaded);
            values.preset = changed ? CUSTOM : loaded.preset();
            cfg = values.toConfig();
        }
        config.set(cfg);
        modified.set(changed);
        error.set(cfg != null ? null : general != null ? general : problems.values().iterator().next());
        presetLabel.setText(describePreset(cfg));
    }

    private String describePreset(KktConfig cfg) {
        String base = loaded.preset() == null ? "loaded values" : "preset " + loaded.preset();
        if (cfg == null) {
            return "Invalid — fix the fields marked in red";
        }
        return CUSTOM.equals(cfg.preset()) && !CUSTOM.equals(loaded.preset()) ? "Custom (edited from " + base + ")"
                : base.substring(0, 1).toUpperCase(Locale.ROOT) + base.substring(1);
    }

    /** Parses one numeric field into {@code in.value}; returns its problem or null. */
    private static String checkNumber(Input in) {
        String t = in.text().getText() == null ? "" : in.text().getText().strip();
        if (t.isEmpty()) {
            return in.messageName + " is required";
        }
        if (in.integer) {
            if (!WHOLE.matcher(t).matches()) {
                return in.messageName + " must be a whole number, got '" + t + "'";
            }
            try {
                in.value = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                return in.messageName + " is too large, got " + t;
            }
        } else {
            if (!DECIMAL.matcher(t).matches()) {
                return in.messageName + " must be a number (e.g. 0.002 or 2e-3), got '" + t + "'";
            }
            in.value = Double.parseDouble(t);
            if (!Double.isFinite(in.value)) {
                return in.messageName + " is too large, got " + t;
            }
        }
        // the field alone on a valid configuration: validate()'s own message and range
        Values v = Values.of(BASELINE);
        in.write.accept(v, in.value);
        try {
            v.toConfig().validate();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private String checkParameters() {
        List<String> tokens = parseParameters(parameters.text().getText());
        Values v = Values.of(BASELINE);
        v.parameters = tokens;
        try {
            v.toConfig().validate();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        // the syntax ParameterSelection accepts; prefixes are checked against the model when a run starts
        for (String token : tokens) {
            if (token.startsWith("last:")) {
                int k;
                try {
                    k = Integer.parseInt(token.substring(5).strip());
                } catch (NumberFormatException e) {
                    return "parameter selection '" + token + "': last:N needs a number";
                }
                if (k <= 0) {
                    return "parameter selection '" + token + "': N must be ≥ 1";
                }
            } else if (token.chars().anyMatch(Character::isWhitespace)) {
                return "parameter selection '" + token + "': a name prefix has no spaces (separate several with "
                        + "commas)";
            }
        }
        return null;
    }

    private static List<String> parseParameters(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.startsWith("last:") ? "last:" + s.substring(5).strip() : s).toList();
    }

    /** The loaded configuration as the form will reproduce it (null augmentation = none, stripped names). */
    private static KktConfig normalize(KktConfig c) {
        Values v = Values.of(c);
        v.preset = c.preset();
        v.distance = c.distance();
        v.parameters = c.parameters() == null ? null : parseParameters(String.join(",", c.parameters()));
        return v.toConfig();
    }

    // ---- parts ----

    /** One labelled input with its tooltip and inline message. */
    private final class Input {
        final String name;
        final String label;
        final Control control;
        final Label message = new Label();
        String messageName;
        boolean integer;
        ToDoubleFunction<KktConfig> read;
        ObjDoubleConsumer<Values> write;
        double value;

        Input(String name, String label, Control control, String help) {
            this.name = name;
            this.label = label;
            this.control = control;
            this.messageName = name;
            control.setId("cfg-" + name);
            control.setTooltip(tooltip(help));
            if (control instanceof TextField t) {
                t.setPrefColumnCount(name.equals("parameters") ? 9 : 7);
            }
            control.setMaxWidth(Double.MAX_VALUE);
            message.setId("cfg-" + name + "-error");
            message.setStyle(ERROR_TEXT_STYLE);
            message.setWrapText(true);
            message.setMinWidth(0);
            message.setPrefWidth(0); // wraps within the input's width instead of widening the column
            message.setMaxWidth(Double.MAX_VALUE);
            message.managedProperty().bind(message.visibleProperty());
            message.setVisible(false);
            inputs.put(name, this);
        }

        TextField text() {
            return (TextField) control;
        }

        void showProblem(String problem) {
            message.setText(problem);
            message.setVisible(problem != null);
            control.setStyle(problem == null ? "" : ERROR_INPUT_STYLE);
        }
    }

    /** A mutable copy of a configuration, to change one field and build it again. */
    private static final class Values {
        String preset;
        int steps;
        double primalWeight;
        double stationarityWeight;
        double augmentWeight;
        double tvWeight;
        double normWeight;
        Distance distance;
        List<String> parameters;
        double lambdaScale;
        double lambdaInitSpread;
        double lrX;
        double lrLambda;
        double adamBeta1;
        double adamBeta2;
        double translate;
        double crop;
        double cutout;
        double flip;
        double noise;
        double noiseStd;
        int chunkSize;
        int progressEvery;
        String imageStep;
        double contrastFloor;
        double gradientBlur;

        static Values of(KktConfig c) {
            Values v = new Values();
            v.preset = c.preset();
            v.steps = c.steps();
            v.primalWeight = c.primalWeight();
            v.stationarityWeight = c.stationarityWeight();
            v.augmentWeight = c.augmentWeight();
            v.tvWeight = c.tvWeight();
            v.normWeight = c.normWeight();
            v.distance = c.distance();
            v.parameters = c.parameters() == null ? null : new ArrayList<>(c.parameters());
            v.lambdaScale = c.lambdaScale();
            v.lambdaInitSpread = c.lambdaInitSpread();
            v.lrX = c.lrX();
            v.lrLambda = c.lrLambda();
            v.adamBeta1 = c.adamBeta1();
            v.adamBeta2 = c.adamBeta2();
            Augmentation a = c.augmentationOrNone();
            v.translate = a.translate();
            v.crop = a.crop();
            v.cutout = a.cutout();
            v.flip = a.flip();
            v.noise = a.noise();
            v.noiseStd = c.noiseStd();
            v.chunkSize = c.chunkSize();
            v.progressEvery = c.progressEvery();
            v.imageStep = c.leversOrNone().imageStep();
            v.contrastFloor = c.leversOrNone().contrastFloor();
            v.gradientBlur = c.leversOrNone().gradientBlur();
            return v;
        }

        KktConfig toConfig() {
            return KktConfig.builder().preset(preset).steps(steps).primalWeight(primalWeight)
                    .stationarityWeight(stationarityWeight).augmentWeight(augmentWeight).tvWeight(tvWeight)
                    .normWeight(normWeight).distance(distance)
                    .parameters(parameters == null ? null : List.copyOf(parameters)).lambdaScale(lambdaScale)
                    .lambdaInitSpread(lambdaInitSpread).lrX(lrX).lrLambda(lrLambda).adamBeta1(adamBeta1)
                    .adamBeta2(adamBeta2).augmentation(new Augmentation(translate, crop, cutout, flip, noise))
                    .noiseStd(noiseStd).chunkSize(chunkSize).progressEvery(progressEvery)
                    .levers(new Levers(imageStep, contrastFloor, gradientBlur)).build();
        }
    }
}
