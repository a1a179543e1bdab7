package org.dsvstudio.ui;

import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.dsvstudio.app.ModelService;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.model.Hashing;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.report.Exports;
import org.dsvstudio.report.GalleryFigure;
import org.dsvstudio.session.Autosave;
import org.dsvstudio.session.RunFolder;
import org.dsvstudio.session.SavedRun;
import org.dsvstudio.session.SessionFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

/**
 * Keeping and sharing results: save and open sessions (.dsv), open a {@code generate} folder as a run, export a
 * report of the finished runs. Files are read and written on a background thread of their own (never the FX thread,
 * never the compute process's queue); results come back with {@code Platform.runLater}.
 */
public final class SessionViewModel {

    private final MainViewModel main;
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    /** Views the user added to the report (right-click → Add to report), in order; saved with the session. */
    private final javafx.collections.ObservableList<SessionFile.Figure> figures =
            javafx.collections.FXCollections.observableArrayList();
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dsv-session-io");
        t.setDaemon(true);
        return t;
    });
    /** Where failures go: a title and a one-line message (the window's notification). */
    private final BiConsumer<String, String> onError;
    /** This window's autosave (null when the folder cannot be written: then there is none, and the log says why). */
    private final org.dsvstudio.session.Autosave autosave;

    SessionViewModel(MainViewModel main, BiConsumer<String, String> onError) {
        this.main = main;
        this.onError = onError;
        org.dsvstudio.session.Autosave a = null;
        try {
            a = org.dsvstudio.session.Autosave.start(org.dsvstudio.session.Autosave.defaultDir());
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("dsv-studio: no autosave: " + e.getMessage());
        }
        autosave = a;
        // every run that ends with a result is autosaved, so a crash loses nothing that had finished
        main.jobs().jobs().addListener((javafx.collections.ListChangeListener<JobViewModel>) change -> {
            while (change.next()) {
                for (JobViewModel j : change.getAddedSubList()) {
                    j.stateProperty().addListener((obs, was, now) -> {
                        if (now.finished() && j.resultProperty().get() != null) {
                            autosave();
                        }
                    });
                }
            }
        });
        // a restored run whose model is opened again (the same file) can use the model's views from then on
        main.loadedProperty().addListener((obs, was, now) -> {
            if (now != null) {
                main.jobs().jobs().stream().filter(j -> j.isRestored() && now.sha256() != null
                        && now.sha256().equals(j.model().sha256())).forEach(j -> j.rebind(now));
            }
        });
    }

    /** Writes the finished runs to this window's autosave, in the background (FX thread). */
    void autosave() {
        if (autosave == null) {
            return;
        }
        List<SavedRun> runs = main.jobs().withResults().stream().map(JobViewModel::toSavedRun).toList();
        SessionFile.ModelRef model = modelRef();
        List<SessionFile.Figure> added = List.copyOf(figures);
        SessionFile.Views shown = views();
        io.execute(() -> {
            try {
                autosave.save(new SessionFile.Session(model, runs, added, shown));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("dsv-studio: autosave failed: " + e.getMessage());
            }
        });
    }

    /** The figures added to the report. */
    public javafx.collections.ObservableList<SessionFile.Figure> figures() {
        return figures;
    }

    /** Adds a view, as shown, to the report (FX thread). */
    public void addFigure(String title, byte[] png) {
        figures.add(new SessionFile.Figure(title, png));
        main.noticeProperty().set("Added the " + title + " to the report (" + figures.size() + " figure"
                + (figures.size() == 1 ? "" : "s") + "; File → Export report)");
        autosave();
    }

    /** This window's autosave file (it exists once a run has finished), or null when there is no autosave. */
    Path autosaveFile() {
        return autosave == null ? null : autosave.file();
    }

    /** Autosaves a crashed DSV Studio left behind, newest first (empty when there is no autosave). */
    public List<Path> recoverable() {
        try {
            return autosave == null ? List.of() : autosave.orphans();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /** Opens a crashed app's autosave as a session; the file goes once its runs are in the list. */
    public CompletableFuture<SessionFile.Session> recover(Path orphan) {
        return open(orphan).thenApply(s -> {
            Platform.runLater(this::forgetFile); // Save must not write into the autosave being discarded
            try {
                autosave.discard(orphan);
            } catch (java.io.IOException e) {
                System.err.println("dsv-studio: could not remove " + orphan + ": " + e.getMessage());
            }
            return s;
        });
    }

    /** A recovered file is not where Save should write: this clears it (FX thread). */
    void forgetFile() {
        file.set(null);
    }

    /** What the Boundaries and Explain tabs show, to be saved with the session (FX thread). */
    private SessionFile.Views views() {
        BoundaryViewModel b = main.boundary();
        List<SessionFile.Anchor> anchors = new java.util.ArrayList<>();
        for (int i = BoundaryViewModel.A; i <= BoundaryViewModel.PATH_END; i++) {
            BoundaryViewModel.BoundaryImage image = b.slot(i).get();
            if (image != null) {
                anchors.add(new SessionFile.Anchor(i, image.label(), image.image01()));
            }
        }
        ExplainViewModel e = main.explain();
        org.dsvstudio.app.Saliency.Source source = e.sourceProperty().get();
        SessionFile.ExplainState explain = new SessionFile.ExplainState(e.methodProperty().get().name(),
                e.classAProperty().get(), e.classBProperty().get(), e.settingsProperty().get(),
                source == null ? null : source.title(), source == null ? null : source.image01(),
                source == null || source.file() == null ? null : source.file().toString());
        return new SessionFile.Views(anchors, explain);
    }

    /** Puts the saved views back: anchors into their slots, the explain settings and image (FX thread). */
    private void restore(SessionFile.Views views, SessionFile.ModelRef ref) {
        if (views == null) {
            return;
        }
        Workbench.ModelSummary loaded = main.loadedProperty().get();
        // the images belong to the session's model: bound to it when it is the one open, else to whatever opens next
        long generation = ref != null && loaded != null && ref.sha256() != null && ref.sha256().equals(loaded.sha256())
                ? loaded.generation() : -1;
        for (SessionFile.Anchor a : views.anchors()) {
            main.boundary().setSlot(a.slot(), new BoundaryViewModel.BoundaryImage(a.label(), a.image01(), generation));
        }
        SessionFile.ExplainState x = views.explain();
        if (x == null) {
            return;
        }
        ExplainViewModel e = main.explain();
        try {
            e.methodProperty().set(org.dsvstudio.app.Saliency.Method.valueOf(x.method()));
        } catch (IllegalArgumentException | NullPointerException unknown) {
            // a method this version does not have: keep the current one
        }
        if (x.settings() != null) {
            e.settingsProperty().set(x.settings());
        }
        e.classAProperty().set(x.classA());
        e.classBProperty().set(x.classB());
        if (x.sourceImage01() != null && ref != null) {
            e.sourceProperty().set(new org.dsvstudio.app.Saliency.Source(x.sourceTitle(), null, x.sourceImage01(),
                    ref.card()));
        } else if (x.sourceFile() != null && Files.isRegularFile(Path.of(x.sourceFile()))) {
            e.sourceProperty().set(org.dsvstudio.app.Saliency.Source.file(Path.of(x.sourceFile())));
        }
    }

    private SessionFile.ModelRef modelRef() {
        Workbench.ModelSummary m = main.loadedProperty().get();
        return m == null ? null : new SessionFile.ModelRef(m.path().toString(), m.sha256(), m.card());
    }

    /** The session file last saved or opened (Save writes there), or null. */
    public ObjectProperty<Path> fileProperty() {
        return file;
    }

    /** Saves every finished run (and the open model's reference) into {@code target}, replacing it atomically. */
    public CompletableFuture<Path> save(Path target) {
        return save(target, false);
    }

    /** Saves as {@link #save(Path)}; with {@code embedModel}, a copy of the open model goes into the file too. */
    public CompletableFuture<Path> save(Path target, boolean embedModel) {
        Path to = target.toString().endsWith(SessionFile.EXTENSION) ? target
                : target.resolveSibling(target.getFileName() + SessionFile.EXTENSION);
        List<SavedRun> runs = main.jobs().withResults().stream().map(JobViewModel::toSavedRun).toList();
        SessionFile.ModelRef model = modelRef();
        List<SessionFile.Figure> added = List.copyOf(figures);
        SessionFile.Views shown = views();
        main.statusProperty().set("Saving the session to " + to.getFileName() + "…");
        return onIo(() -> {
            SessionFile.write(to, new SessionFile.Session(model, runs, added, shown), embedModel);
            return to;
        }).whenComplete((saved, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                main.statusProperty().set("The session was not saved");
                onError.accept("Could not save the session", MainViewModel.message(failure));
            } else {
                file.set(saved);
                main.statusProperty().set("Saved " + runs.size() + " run(s) to " + saved);
                main.noticeProperty().set("Session saved: " + saved.getFileName());
            }
        }));
    }

    /**
     * Opens a session: its runs join the list; its model is opened when the file is still there with the same
     * SHA-256, else the window says so and shows every result all the same.
     */
    public CompletableFuture<SessionFile.Session> open(Path source) {
        main.statusProperty().set("Opening " + source.getFileName() + "…");
        return onIo(() -> {
                SessionFile.Session s = SessionFile.read(source);
                String problem = modelState(s.model());
                if (problem != null && s.model().embedded() != null) {
                    // the model travelled with the session: its own copy, checked by hash, opened from a private folder
                    Path copy = Autosave.defaultDir().resolveSibling("models").resolve(s.model().sha256() == null
                            ? "unknown" : s.model().sha256());
                    Path open = SessionFile.extractModel(source, copy);
                    return new Opened(s, null, open);
                }
                return new Opened(s, problem, problem == null && s.model() != null ? Path.of(s.model().path()) : null);
        }).whenComplete((opened, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                main.statusProperty().set("Could not open " + source.getFileName());
                onError.accept("Could not open the session", MainViewModel.message(failure));
                return;
            }
            SessionFile.Session s = opened.session();
            for (SavedRun run : s.runs()) {
                main.jobs().restore(run, summaryFor(run, s.model()));
            }
            figures.addAll(s.figures());
            restore(s.views(), s.model());
            file.set(source);
            main.statusProperty().set("Opened " + s.runs().size() + " run(s) from " + source.getFileName());
            if (opened.modelProblem() != null) {
                onError.accept("The session's model is not the same", opened.modelProblem());
            } else if (opened.modelToOpen() != null && !isLoaded(s.model().sha256())) {
                if (!opened.modelToOpen().equals(Path.of(s.model().path()))) {
                    main.noticeProperty().set("Opening the model the session carries (" + s.model().card().name() + ")");
                }
                main.open(opened.modelToOpen());
            }
        })).thenApply(Opened::session);
    }

    /** A {@code generate} output folder as a finished run in the list. */
    public CompletableFuture<SavedRun> openRun(Path folder) {
        main.statusProperty().set("Opening the run in " + folder.getFileName() + "…");
        return onIo(() -> RunFolder.read(folder)).whenComplete((run, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                main.statusProperty().set("Could not open " + folder.getFileName());
                onError.accept("Could not open the run", MainViewModel.message(failure));
                return;
            }
            main.jobs().restore(run, summaryFor(run, null));
            main.statusProperty().set("Opened the run " + run.title() + " (" + run.result().candidates().size()
                    + " DSVs)");
        }));
    }

    /** A report (HTML or PDF) of every finished run, or of the selected run's gallery (PNG or SVG). */
    public CompletableFuture<Path> export(Path target, Exports.Format format, GalleryFigure.Options options) {
        return export(target, format, options, false);
    }

    /**
     * As {@link #export(Path, Exports.Format, GalleryFigure.Options)}; with {@code saliency} (PNG, SVG), each kept
     * DSV of the selected run gets its gradient × input map laid over it, computed in the compute process by the
     * open model, which must be the run's.
     */
    public CompletableFuture<Path> export(Path target, Exports.Format format, GalleryFigure.Options options,
            boolean saliency) {
        List<JobViewModel> jobs = main.jobs().withResults();
        JobViewModel selected = main.jobs().selectedProperty().get();
        if (jobs.isEmpty()) {
            onError.accept("Nothing to export", "No run has finished yet: generate one, or open a session or a run.");
            return CompletableFuture.failedFuture(new IllegalStateException("no runs"));
        }
        List<SavedRun> runs = jobs.stream().map(JobViewModel::toSavedRun).toList();
        List<SessionFile.Figure> added = List.copyOf(figures);
        int index = selected != null && jobs.contains(selected) ? jobs.indexOf(selected) : jobs.size() - 1;
        String title = file.get() != null ? file.get().getFileName().toString().replaceFirst("\\.dsv$", "")
                : "DSV Studio report";
        main.statusProperty().set("Exporting " + target.getFileName() + "…");
        boolean figure = format == Exports.Format.PNG || format == Exports.Format.SVG;
        CompletableFuture<java.util.Map<Integer, float[]>> maps = saliency && figure
                ? saliencyMaps(jobs.get(index)) : CompletableFuture.completedFuture(java.util.Map.of());
        return maps.thenCompose(overlays -> onIo(() -> {
            try {
                org.dsvstudio.model.AtomicFiles.write(target, Exports.render(format, "gallery", runs, added, index,
                        options, 2, title, overlays));
            } catch (java.io.IOException e) {
                throw new java.io.IOException("could not write " + target + ": " + e.getMessage(), e);
            }
            return target;
        })).whenComplete((written, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                main.statusProperty().set("Export failed");
                onError.accept("Export failed", MainViewModel.message(failure));
            } else {
                main.statusProperty().set("Exported " + written);
                main.noticeProperty().set("Exported " + written.getFileName());
            }
        }));
    }

    /** Gradient × input of each kept DSV of the run for its class, one after another in the compute process. */
    private CompletableFuture<java.util.Map<Integer, float[]>> saliencyMaps(JobViewModel job) {
        Workbench.ModelSummary loaded = main.loadedProperty().get();
        if (loaded == null || loaded.generation() != job.model().generation()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the saliency overlay needs the model that"
                    + " made this run: open " + job.card().name() + " first"));
        }
        java.util.Map<Integer, float[]> out = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        org.dsvstudio.app.ExplainService explain = main.workbench().explanations();
        for (org.dsvstudio.kkt.Candidate c : job.resultProperty().get().kept()) {
            org.dsvstudio.app.Saliency.Source source = new org.dsvstudio.app.Saliency.Source("DSV #" + c.index(), null,
                    c.image01(), job.card());
            org.dsvstudio.app.Saliency.Request request = new org.dsvstudio.app.Saliency.Request(
                    org.dsvstudio.app.Saliency.Method.GRADIENT_X_INPUT, c.targetClass(), -1,
                    org.dsvstudio.app.Saliency.Settings.defaults());
            chain = chain.thenCompose(x -> explain.prepareExplain(source))
                    .thenCompose(prepared -> explain.explain(prepared, List.of(request), m -> { }).result())
                    .thenAccept(results -> out.put(c.index(), results.get(0).map()));
        }
        return chain.thenApply(x -> out);
    }

    /** File work that may fail with an IOException. */
    @FunctionalInterface
    private interface IoWork<T> {
        T call() throws java.io.IOException;
    }

    /** Runs file work on this view model's own thread; its IOException's message is what the window shows. */
    private <T> CompletableFuture<T> onIo(IoWork<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
        }, io);
    }

    private record Opened(SessionFile.Session session, String modelProblem, Path modelToOpen) {
    }

    /** Null when the session's model is there unchanged (or it names none), else what is wrong, for the user. */
    private static String modelState(SessionFile.ModelRef m) {
        if (m == null) {
            return null;
        }
        Path path = Path.of(m.path());
        if (!Files.exists(path)) {
            return "The model " + m.path() + " the runs were made with is no longer there. Every result is shown;"
                    + " margins, planes and explanations need the model: open it where it is now.";
        }
        try {
            String sha = Hashing.sha256(ModelLoader.weightsFile(path));
            if (m.sha256() != null && !m.sha256().equals(sha)) {
                return "The model at " + m.path() + " has changed since the session was saved (its SHA-256 differs)."
                        + " Every result is shown as it was; it was not opened, so that its views do not mix two"
                        + " models.";
            }
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            return "The model at " + m.path() + " cannot be read (" + e.getMessage() + "). Every result is shown.";
        }
    }

    private boolean isLoaded(String sha) {
        Workbench.ModelSummary m = main.loadedProperty().get();
        return m != null && sha != null && sha.equals(m.sha256());
    }

    /** The loaded model when it made the run (same SHA-256), else one made from the run's own records. */
    private Workbench.ModelSummary summaryFor(SavedRun run, SessionFile.ModelRef ref) {
        String sha = run.provenance() != null ? run.provenance().modelSha256() : ref != null ? ref.sha256() : null;
        Workbench.ModelSummary loaded = main.loadedProperty().get();
        if (loaded != null && sha != null && sha.equals(loaded.sha256())) {
            return loaded;
        }
        String path = run.provenance() != null ? run.provenance().modelPath() : ref != null ? ref.path() : "unknown";
        return new Workbench.ModelSummary(Path.of(path), run.card(), 0, sha,
                run.provenance() != null ? run.provenance().device() : "", run.provenance() != null
                        ? run.provenance().engine() : "", 0, ModelService.NOT_LOADED);
    }

    /** A clean exit: the autosave goes (the window asked about unsaved runs before). */
    void close() {
        io.shutdown();
        try {
            io.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            if (autosave != null) {
                autosave.close();
            }
        } catch (java.io.IOException e) {
            System.err.println("dsv-studio: could not remove the autosave: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
