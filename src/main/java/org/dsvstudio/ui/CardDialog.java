package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.dsvstudio.app.CardDraft;
import org.dsvstudio.model.CardOverrides;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Asks for what a TorchScript {@code .pt} without a model card cannot tell: input shape, class names and
 * normalization (the dialog twin of {@code --input-shape --class-names --mean --std}). Fields are checked inline by
 * {@link CardDraft}; OK stays disabled until they are valid. "Check" runs the caller's probe (one forward pass,
 * on the compute thread) and shows its outcome without blocking the FX thread. With "save" ticked, OK also
 * writes the card beside the .pt as {@code NAME.json}, where the loader finds it next time.
 *
 * <p>Result: the {@link CardOverrides} on OK, null on Cancel. Ids: {@code card-shape}, {@code card-classes},
 * {@code card-mean}, {@code card-std}, {@code card-name}, {@code card-load-classes}, {@code card-check},
 * {@code card-status}, {@code card-save}.
 */
public final class CardDialog extends Dialog<CardOverrides> {

    private static final String ERROR_TEXT_STYLE = "-fx-text-fill: #b91c1c; -fx-font-size: 11px;";
    private static final String ERROR_INPUT_STYLE = "-fx-background-color: #dc2626, #fff5f5; "
            + "-fx-background-insets: 0, 1; -fx-background-radius: 3, 2;";
    private static final String OK_STYLE = "-fx-text-fill: #15803d;";
    private static final String FAIL_STYLE = "-fx-text-fill: #b91c1c;";
    private static final String HINT_STYLE = "-fx-text-fill: #6b7280; -fx-font-size: 11px;";

    private final Path ptFile;
    private final Function<CardOverrides, CompletableFuture<String>> probe;
    private final CardDraft draft;

    private final TextField shape = new TextField();
    private final TextArea classes = new TextArea();
    private final TextField mean = new TextField();
    private final TextField std = new TextField();
    private final TextField name = new TextField();
    private final Label classCount = new Label();
    private final Button check = new Button("Check");
    private final Label status = new Label("Not checked yet: \"Check\" runs the model once on a blank image.");
    private final ProgressIndicator spinner = new ProgressIndicator();
    private final CheckBox save = new CheckBox();
    private final Map<CardDraft.Field, Label> messages = new EnumMap<>(CardDraft.Field.class);
    private final Map<CardDraft.Field, TextInputControl> fields = new EnumMap<>(CardDraft.Field.class);
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(this, "valid");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(this, "checking");
    /** Fields the user has typed into or left: only those show "required" for being empty. */
    private final EnumSet<CardDraft.Field> touched = EnumSet.noneOf(CardDraft.Field.class);
    /** Bumped on every edit, so that a check's late answer about older values is not shown as current. */
    private long edits;

    /**
     * @param ptFile the TorchScript file being opened (for the title and the card's file name)
     * @param known what is known already (pre-fills the fields; {@link CardOverrides#NONE} for nothing)
     * @param probe loads the model with these overrides and runs one forward pass, off the FX thread;
     *     completes with a short summary, or exceptionally with the loader's message
     */
    public CardDialog(Path ptFile, CardOverrides known, Function<CardOverrides, CompletableFuture<String>> probe) {
        this.ptFile = ptFile;
        this.probe = probe;
        this.draft = CardDraft.from(known);
        setTitle("Describe " + ptFile.getFileName());
        setHeaderText("No model card was found beside " + ptFile.getFileName() + ".\n"
                + "Tell DSV Studio what the model takes and what its outputs mean.");
        setResizable(true);

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(6);
        ColumnConstraints keys = new ColumnConstraints();
        keys.setHalignment(HPos.RIGHT);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setMinWidth(320);
        grid.getColumnConstraints().setAll(keys, values);

        shape.setId("card-shape");
        shape.setPromptText("C,H,W  e.g. 1,28,28 or 3,32,32");
        shape.setText(draft.inputShape());
        classes.setId("card-classes");
        classes.setPromptText("one per line, in the order of the model's outputs (or a, b, c on one line)");
        classes.setPrefRowCount(7);
        classes.setPrefColumnCount(28);
        classes.setText(draft.classNames());
        mean.setId("card-mean");
        mean.setPromptText("e.g. 0.5  or  0.485,0.456,0.406");
        mean.setText(draft.mean());
        std.setId("card-std");
        std.setPromptText("e.g. 0.5  or  0.229,0.224,0.225");
        std.setText(draft.std());
        name.setId("card-name");
        name.setPromptText(stem(ptFile));
        name.setText(draft.name());

        Button load = new Button("Load from file…");
        load.setId("card-load-classes");
        load.setTooltip(tip("Read the class names from a text file, one per line (blank lines are skipped)."));
        load.setOnAction(e -> loadClassesFromFile());
        classCount.setStyle(HINT_STYLE);
        HBox classTools = new HBox(10, load, classCount);
        classTools.setAlignment(Pos.CENTER_LEFT);

        int row = 0;
        row = addRow(grid, row, "Input shape", shape, CardDraft.Field.INPUT_SHAPE, null,
                "Channels, height and width of one input image, e.g. 1,28,28 for grey 28×28 digits or 3,32,32 for "
                        + "CIFAR colour images.");
        row = addRow(grid, row, "Class names", classes, CardDraft.Field.CLASS_NAMES, classTools,
                "One name per model output, in output order: the first name is logit 0. One per line, or "
                        + "comma-separated on a single line.");
        row = addRow(grid, row, "Mean", mean, CardDraft.Field.MEAN, null,
                "Per-channel mean subtracted from pixels scaled to [0,1], as in the model's training "
                        + "(transforms.Normalize). One value for all channels, or one per channel.");
        row = addRow(grid, row, "Std", std, CardDraft.Field.STD, null,
                "Per-channel standard deviation the centred pixels are divided by. One value, or one per "
                        + "channel; each > 0. Use 1 with mean 0 if the model takes raw [0,1] pixels.");
        row = addRow(grid, row, "Model name", name, CardDraft.Field.NAME, null,
                "Optional: the name shown in DSV Studio (default: the file name).");

        check.setId("card-check");
        check.setTooltip(tip("Load the model with these facts and run it once on a blank image: the shape must be "
                + "accepted and the number of outputs must match the class names."));
        check.disableProperty().bind(valid.not().or(checking));
        check.setOnAction(e -> runCheck());
        spinner.setPrefSize(18, 18);
        spinner.visibleProperty().bind(checking);
        spinner.managedProperty().bind(checking);
        status.setId("card-status");
        status.setWrapText(true);
        status.setStyle(HINT_STYLE);
        status.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox checkRow = new HBox(10, check, spinner, status);
        checkRow.setAlignment(Pos.CENTER_LEFT);
        grid.add(checkRow, 1, row++);

        save.setId("card-save");
        save.setSelected(true); // a user who typed the facts once should not have to again
        save.setMnemonicParsing(false); // file names have underscores
        save.setText("Save as " + CardDraft.cardPathFor(ptFile).getFileName() + " beside the model (no questions "
                + "next time)");
        save.setTooltip(tip("Writes these facts as a model card to " + CardDraft.cardPathFor(ptFile)
                + " when you press OK; DSV Studio reads it automatically when this .pt is opened again."));
        grid.add(save, 1, row);

        VBox content = new VBox(grid);
        content.setPadding(new Insets(10, 12, 4, 12));
        getDialogPane().setContent(content);
        getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        Node ok = getDialogPane().lookupButton(ButtonType.OK);
        ok.setId("card-ok");
        ok.disableProperty().bind(valid.not());
        ok.addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            if (!valid.get()) {
                e.consume();
                return;
            }
            if (save.isSelected()) {
                try {
                    draft.saveBeside(ptFile);
                } catch (IOException | RuntimeException ex) {
                    showStatus("Could not save the card: " + message(ex), false);
                    e.consume();
                }
            }
        });
        setResultConverter(button -> button == ButtonType.OK && valid.get() ? draft.toOverrides() : null);

        for (TextInputControl field : fields.values()) {
            field.textProperty().addListener((o, a, b) -> edited());
        }
        revalidate();
        setOnShown(e -> Platform.runLater(shape::requestFocus));
    }

    /** True while every field is valid (OK is enabled). */
    public ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }

    /** True while a check is running. */
    public ReadOnlyBooleanProperty checkingProperty() {
        return checking.getReadOnlyProperty();
    }

    /** The draft behind the fields (current text). */
    public CardDraft draft() {
        return draft;
    }

    /** Whether OK also saves the card beside the .pt. */
    public boolean isSaveRequested() {
        return save.isSelected();
    }

    private int addRow(GridPane grid, int row, String key, TextInputControl field, CardDraft.Field which,
            Node below, String help) {
        Label label = new Label(key);
        label.setLabelFor(field);
        Tooltip t = tip(help);
        label.setTooltip(t);
        field.setTooltip(t);
        Label msg = new Label();
        msg.setId(field.getId() + "-error");
        msg.setStyle(ERROR_TEXT_STYLE);
        msg.setWrapText(true);
        msg.managedProperty().bind(msg.visibleProperty());
        msg.setVisible(false);
        messages.put(which, msg);
        fields.put(which, field);
        field.textProperty().addListener((o, a, b) -> {
            if (b != null && !b.isBlank()) {
                touched.add(which);
            }
        });
        field.focusedProperty().addListener((o, was, is) -> {
            if (!is) {
                touched.add(which);
                revalidate();
            }
        });
        VBox cell = below == null ? new VBox(2, field, msg) : new VBox(4, field, msg, below);
        label.setMinHeight(26);
        GridPane.setValignment(label, VPos.TOP);
        grid.add(label, 0, row);
        grid.add(cell, 1, row);
        return row + 1;
    }

    private void edited() {
        edits++;
        revalidate();
        if (!checking.get()) {
            boolean marked = messages.values().stream().anyMatch(Label::isVisible);
            showStatus(valid.get() ? "Not checked for these values: \"Check\" runs the model once."
                    : marked ? "Fix the fields marked in red." : "Fill in every field (the model name is optional).",
                    null);
        }
    }

    private void revalidate() {
        draft.setInputShape(shape.getText()).setClassNames(classes.getText()).setMean(mean.getText())
                .setStd(std.getText()).setName(name.getText());
        Map<CardDraft.Field, String> problems = draft.problems();
        for (CardDraft.Field f : CardDraft.Field.values()) {
            String p = problems.get(f);
            // an empty field is not shouted at before the user has typed anything into it
            boolean quiet = p != null && fields.get(f).getText().isBlank() && !touched(f);
            Label msg = messages.get(f);
            msg.setText(quiet ? null : p);
            msg.setVisible(p != null && !quiet);
            fields.get(f).setStyle(p != null && !quiet ? ERROR_INPUT_STYLE : "");
        }
        valid.set(problems.isEmpty());
        String count;
        try {
            count = CardDraft.parseClassNames(classes.getText()).size() + " classes";
        } catch (IllegalArgumentException e) {
            count = "";
        }
        classCount.setText(count);
    }

    private boolean touched(CardDraft.Field f) {
        return touched.contains(f);
    }

    private void loadClassesFromFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Class names, one per line");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Text files", "*.txt", "*.csv", "*.names"),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (ptFile.toAbsolutePath().getParent() != null) {
            chooser.setInitialDirectory(ptFile.toAbsolutePath().getParent().toFile());
        }
        File file = chooser.showOpenDialog(getDialogPane().getScene().getWindow());
        if (file == null) {
            return;
        }
        try {
            classes.setText(String.join("\n", CardDraft.readClassNames(file.toPath())));
        } catch (IOException e) {
            Label msg = messages.get(CardDraft.Field.CLASS_NAMES);
            msg.setText("cannot read class names from " + file + ": " + e.getMessage());
            msg.setVisible(true);
        }
    }

    private void runCheck() {
        CardOverrides overrides;
        try {
            overrides = draft.toOverrides();
        } catch (IllegalArgumentException e) {
            showStatus(e.getMessage(), false);
            return;
        }
        long at = edits;
        checking.set(true);
        showStatus("Checking: loading the model and running one forward pass…", null);
        CompletableFuture<String> future;
        try {
            future = probe.apply(overrides);
        } catch (RuntimeException e) {
            checking.set(false);
            showStatus("✗ " + message(e), false);
            return;
        }
        future.whenComplete((summary, failure) -> Platform.runLater(() -> {
            checking.set(false);
            String stale = at == edits ? "" : " (for the values before your last edit)";
            if (failure == null) {
                showStatus("✓ " + (summary == null || summary.isBlank() ? "the model runs with these values" : summary)
                        + stale, true);
            } else {
                showStatus("✗ " + message(failure) + stale, false);
            }
        }));
    }

    private void showStatus(String text, Boolean ok) {
        status.setText(text);
        status.setStyle(ok == null ? HINT_STYLE : ok ? OK_STYLE : FAIL_STYLE);
    }

    private static String message(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }

    private static Tooltip tip(String text) {
        return ConfigForm.tooltip(text);
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
    }

}
