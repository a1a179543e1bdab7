package org.dsvstudio.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktPresets;

import java.nio.file.Path;

/**
 * The run panel's settings: preset (or the advanced form's configuration), candidates per class, the class
 * subset, where candidates start, the seed. {@link #validationProperty()} says, in words, why a run cannot
 * start yet; {@link #spec()} turns valid settings into a {@link RunSpec}.
 */
public final class RunViewModel {

    private final StringProperty preset = new SimpleStringProperty("quick");
    /** The configuration to run: the preset's, or what the advanced form holds (null while it is invalid). */
    private final ObjectProperty<KktConfig> config = new SimpleObjectProperty<>(KktPresets.quick());
    private final ObjectProperty<Integer> perClass = new SimpleObjectProperty<>(1);
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>(0);
    private final ObjectProperty<GenerationPlan.Init> init = new SimpleObjectProperty<>(GenerationPlan.Init.NOISE);
    /** Selected class indices; empty = every class. */
    private final ObservableList<Integer> classes = FXCollections.observableArrayList();
    /** The attached data folder (start images for init real/other), or null. */
    private final ObjectProperty<Path> dataFolder = new SimpleObjectProperty<>();
    private final StringBinding validation;

    RunViewModel() {
        preset.addListener((obs, old, name) -> {
            if (name != null && KktPresets.NAMES.contains(name)) {
                config.set(KktPresets.get(name));
            }
        });
        validation = Bindings.createStringBinding(this::validate, config, perClass, seed, init, dataFolder);
    }

    public StringProperty presetProperty() {
        return preset;
    }

    public ObjectProperty<KktConfig> configProperty() {
        return config;
    }

    public ObjectProperty<Integer> perClassProperty() {
        return perClass;
    }

    public ObjectProperty<Integer> seedProperty() {
        return seed;
    }

    public ObjectProperty<GenerationPlan.Init> initProperty() {
        return init;
    }

    public ObservableList<Integer> classes() {
        return classes;
    }

    public ObjectProperty<Path> dataFolderProperty() {
        return dataFolder;
    }

    /** Why a run cannot start, or null when it can. */
    public StringBinding validationProperty() {
        return validation;
    }

    private String validate() {
        if (config.get() == null) {
            return "Fix the highlighted advanced settings first.";
        }
        if (perClass.get() == null || perClass.get() < 1) {
            return "Candidates per class must be at least 1.";
        }
        if (seed.get() == null) {
            return "The seed must be a whole number.";
        }
        if (init.get() != GenerationPlan.Init.NOISE && dataFolder.get() == null) {
            return "Starting from real images needs a data folder: File → Attach data folder….";
        }
        return null;
    }

    /** The run these settings describe; throws with the validation message when they are not valid. */
    public RunSpec spec() {
        String problem = validate();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int[] subset = classes.isEmpty() ? null : classes.stream().mapToInt(Integer::intValue).sorted().toArray();
        GenerationPlan.Init start = init.get();
        // from real images a preset with its own TV prior runs without it (it would blur them away)
        return new RunSpec(KktPresets.forStart(config.get(), start == GenerationPlan.Init.REAL), subset,
                perClass.get(), null, start,
                start == GenerationPlan.Init.NOISE ? null : dataFolder.get(), seed.get());
    }
}
