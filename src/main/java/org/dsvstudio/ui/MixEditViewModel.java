package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.StartImages;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.model.ModelCard;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The paper's generative use (§5): class mixing — DeepKKT from noise towards the soft target
 * (1−δ)·e_a + δ·e_b — and editing — DeepKKT from a given image towards a new (hard or mixed) target. Both queue
 * ordinary runs with the Run tab's configuration and seed, so they show in the job list and the gallery.
 */
public final class MixEditViewModel {

    /** An image to edit, in pixel space [0,1], C·H·W, with where it came from. */
    public record StartImage(float[] image01, String label, int channels, int height, int width) {

        boolean fits(ModelCard card) {
            return channels == card.channels() && height == card.height() && width == card.imageWidth();
        }
    }

    /** A DSV selected in the gallery, with the run it belongs to. */
    public record GalleryPick(JobViewModel job, Candidate candidate) {
    }

    private final MainViewModel main;
    private final ObjectProperty<Integer> classA = new SimpleObjectProperty<>(0);
    private final ObjectProperty<Integer> classB = new SimpleObjectProperty<>(1);
    private final BooleanProperty blend = new SimpleBooleanProperty(true);
    private final DoubleProperty delta = new SimpleDoubleProperty(0.6);
    private final ObjectProperty<Integer> count = new SimpleObjectProperty<>(4);
    private final ObjectProperty<StartImage> start = new SimpleObjectProperty<>();
    private final ObjectProperty<GalleryPick> gallerySelection = new SimpleObjectProperty<>();
    private final StringBinding targetText;
    private final StringBinding mixProblem;
    private final StringBinding editProblem;

    MixEditViewModel(MainViewModel main) {
        this.main = main;
        targetText = Bindings.createStringBinding(() -> {
            ModelCard card = card();
            float[] t = card == null ? null : targetOrNull(card);
            return t == null ? "" : GenerationPlan.describeTarget(t, card.classNames());
        }, main.loadedProperty(), classA, classB, blend, delta);
        mixProblem = Bindings.createStringBinding(() -> problem(false), main.loadedProperty(), classA, classB,
                blend, delta, count, main.run().configProperty(), main.run().seedProperty());
        editProblem = Bindings.createStringBinding(() -> problem(true), main.loadedProperty(), classA, classB,
                blend, delta, count, main.run().configProperty(), main.run().seedProperty(), start);
        // a new model: classes 0 and 1 (its class list may be shorter than the last one's)
        main.loadedProperty().addListener((obs, old, m) -> {
            if (m != null && (old == null || !old.card().classNames().equals(m.card().classNames()))) {
                classA.set(0);
                classB.set(Math.min(1, m.card().numClasses() - 1));
            }
        });
    }

    public ObjectProperty<Integer> classAProperty() {
        return classA;
    }

    public ObjectProperty<Integer> classBProperty() {
        return classB;
    }

    /** Whether the target blends a with b (else it is class a alone). */
    public BooleanProperty blendProperty() {
        return blend;
    }

    /** δ: the weight of class b. */
    public DoubleProperty deltaProperty() {
        return delta;
    }

    /** Candidates per mix or edit run. */
    public ObjectProperty<Integer> countProperty() {
        return count;
    }

    /** The image an edit starts from, or null. */
    public ObjectProperty<StartImage> startProperty() {
        return start;
    }

    /** The DSV selected in the gallery (set by the gallery), or null. */
    public ObjectProperty<GalleryPick> gallerySelectionProperty() {
        return gallerySelection;
    }

    /** The target in words: "Coat 40 % / Shirt 60 %", or a class name. */
    public StringBinding targetTextProperty() {
        return targetText;
    }

    /** Why a mix cannot be generated now, or null. */
    public StringBinding mixProblemProperty() {
        return mixProblem;
    }

    /** Why an edit cannot be generated now, or null. */
    public StringBinding editProblemProperty() {
        return editProblem;
    }

    private ModelCard card() {
        Workbench.ModelSummary m = main.loadedProperty().get();
        return m == null ? null : m.card();
    }

    /** The target for the loaded model: (1−δ)·e_a + δ·e_b when blending, else e_a. */
    public float[] target() {
        ModelCard card = card();
        if (card == null) {
            throw new IllegalStateException("no model loaded");
        }
        float[] t = targetOrNull(card);
        if (t == null) {
            throw new IllegalArgumentException("pick the classes of the target");
        }
        return t;
    }

    private float[] targetOrNull(ModelCard card) {
        Integer a = classA.get();
        Integer b = classB.get();
        int k = card.numClasses();
        if (a == null || a < 0 || a >= k || (blend.get() && (b == null || b < 0 || b >= k))) {
            return null;
        }
        double d = Math.max(0, Math.min(1, delta.get()));
        return blend.get() ? GenerationPlan.blend(k, a, b, d) : GenerationPlan.blend(k, a, a, 0);
    }

    private String problem(boolean edit) {
        ModelCard card = card();
        if (card == null) {
            return "Open a model first.";
        }
        if (main.run().configProperty().get() == null) {
            return "Fix the highlighted advanced settings first.";
        }
        if (main.run().seedProperty().get() == null) {
            return "The seed must be a whole number.";
        }
        if (count.get() == null || count.get() < 1) {
            return "Candidates must be at least 1.";
        }
        if (targetOrNull(card) == null) {
            return "Pick the target classes.";
        }
        if (!edit && blend.get() && classA.get().equals(classB.get())) {
            return "Pick two different classes to mix (or untick “blend with”).";
        }
        if (edit) {
            StartImage s = start.get();
            if (s == null) {
                return "Pick an image to edit: the selected DSV, an image of the attached data or a file.";
            }
            if (!s.fits(card)) {
                return String.format(Locale.ROOT, "The start image is %d×%d×%d but %s takes %d×%d×%d.", s.channels(),
                        s.height(), s.width(), card.name(), card.channels(), card.height(), card.imageWidth());
            }
        }
        return null;
    }

    /** Queues a mixing run from noise; null (with a message) when it cannot start. */
    public JobViewModel generateMix() {
        String p = problem(false);
        if (p != null) {
            main.report("Cannot mix", p);
            return null;
        }
        Workbench.ModelSummary m = main.loadedProperty().get();
        RunSpec spec = RunSpec.mix(main.run().configProperty().get(), count.get(), m.card().numClasses(), classA.get(),
                blend.get() ? classB.get() : classA.get(), blend.get() ? delta.get() : 0, main.run().seedProperty().get());
        return main.jobs().enqueue(spec, m);
    }

    /** Queues an edit of the start image towards the target; null (with a message) when it cannot start. */
    public JobViewModel generateEdit() {
        String p = problem(true);
        if (p != null) {
            main.report("Cannot edit", p);
            return null;
        }
        Workbench.ModelSummary m = main.loadedProperty().get();
        StartImage s = start.get();
        // an edit starts from an image: a preset with its own TV prior runs without it (it would blur the image away)
        RunSpec spec = RunSpec.edit(KktPresets.forStart(main.run().configProperty().get(), true), count.get(),
                target(), s.image01(), s.label(), main.run().seedProperty().get());
        return main.jobs().enqueue(spec, m);
    }

    /** The gallery's selected DSV becomes the start image. */
    public void useSelectedDsv() {
        GalleryPick pick = gallerySelection.get();
        if (pick == null) {
            main.report("No DSV selected", "Select a DSV in the gallery first.");
            return;
        }
        ModelCard c = pick.job().card();
        start.set(new StartImage(pick.candidate().image01().clone(), "DSV #" + pick.candidate().index() + " of run "
                + pick.job().number(), c.channels(), c.height(), c.imageWidth()));
    }

    /** Image {@code index} of the attached data's train split becomes the start image. */
    public void useDataImage(int index) {
        Workbench.AttachedData d = main.dataProperty().get();
        if (d == null) {
            main.report("No data attached", "Attach a data folder first: File → Attach data folder….");
            return;
        }
        if (index < 0 || index >= d.train().size()) {
            main.report("No such image", "The attached data has images 0 to " + (d.train().size() - 1) + ".");
            return;
        }
        List<String> names = d.train().classNames();
        int label = d.train().label(index);
        String cls = label < names.size() ? names.get(label) : Integer.toString(label);
        start.set(new StartImage(d.train().image01(index), d.train().name() + " image " + index + " (" + cls + ")",
                d.train().channels(), d.train().height(), d.train().width()));
    }

    /** Reads an image file in the background, scaled to the loaded model's size, as the start image. */
    public CompletableFuture<StartImage> useFile(Path file, boolean invert) {
        ModelCard card = card();
        if (card == null) {
            main.report("Cannot read the image", "Open a model first: the image is scaled to its input size.");
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<StartImage> f = CompletableFuture.supplyAsync(() -> {
            try {
                float[] x = StartImages.fromFile(file, card);
                return new StartImage(invert ? StartImages.inverted(x) : x,
                        file.getFileName() + (invert ? " (inverted)" : ""), card.channels(), card.height(),
                        card.imageWidth());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
        });
        f.whenComplete((s, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                main.report("Could not read " + file.getFileName(), MainViewModel.message(failure));
            } else {
                start.set(s);
            }
        }));
        return f;
    }
}
