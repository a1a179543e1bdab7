package org.dsvstudio.ui;

import org.dsvstudio.app.AppInfo;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;
import org.dsvstudio.app.DsvExport;
import org.dsvstudio.app.OutputFolder;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The Gallery tab: the selected job's result (a finished run, or a cancelled one's partial result), the detail
 * pane of the selected DSV with its nearest real training images when data is attached, and export.
 */
public final class GalleryTab extends BorderPane {

    private static final int NEAREST = 6;

    private final MainViewModel model;
    private final BiConsumer<String, String> onError;
    private final GalleryView gallery = new GalleryView();
    private final DsvDetailPane detail = new DsvDetailPane();
    private final Label header = new Label("No result yet: finished runs appear here.");
    private final Button export = new Button("Export…");
    private final Button judge = new Button("Judge legibility");
    private final Label judged = new Label();
    private final ChangeListener<KktResult> onResult = (obs, old, r) -> showResult();
    private JobViewModel shown;
    /** Bumped per selection, so a slow nearest-image search cannot overwrite a newer one. */
    private long request;

    GalleryTab(MainViewModel model, BiConsumer<String, String> onError) {
        this.model = model;
        this.onError = onError;
        setId("galleryTab");
        // the selected DSV's details (large image, probabilities, λ, margin, nearest images) as shown, and the
        // on-screen gallery: copy, PNG, or into the report; the gallery's vector figure is File → Export
        ViewExport.install(detail, "DSV detail", onError);
        ViewExport.install(gallery, "gallery view", onError, () -> {
            JobViewModel job = shown;
            return job == null || job.resultProperty().get() == null ? null
                    : org.dsvstudio.report.GalleryFigure.of(job.toSavedRun(),
                            org.dsvstudio.report.GalleryFigure.Options.DEFAULT);
        });
        header.getStyleClass().add("section-header");
        header.setId("galleryHeader");
        export.setId("exportGallery");
        export.setTooltip(new Tooltip("Write dsvs.json, one PNG per DSV and gallery.png into a folder (Ctrl+E)"));
        export.setDisable(true);
        export.setMinWidth(Region.USE_PREF_SIZE);
        header.setMinWidth(0);
        export.setOnAction(e -> export((Stage) getScene().getWindow()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        judge.setId("judgeGallery");
        judge.setTooltip(new Tooltip("Do models that did not make these DSVs see their classes in them? The"
                + " independent judges of sample-models/judges classify the kept DSVs, beside real test images;"
                + " contrast and diversity are compared with real images' (the legibility command)"));
        judge.setDisable(true);
        judge.setMinWidth(Region.USE_PREF_SIZE);
        judge.setOnAction(e -> judge());
        judged.setId("judgeResult");
        judged.setWrapText(true);
        judged.setPadding(new Insets(0, 16, 6, 16));
        judged.managedProperty().bind(judged.textProperty().isNotEmpty());
        HBox top = new HBox(10, header, grow, judge, export);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(10, 16, 6, 16));
        ScrollPane detailScroll = new ScrollPane(detail);
        detailScroll.setFitToWidth(true);
        detailScroll.setMinWidth(300);
        SplitPane split = new SplitPane(gallery, detailScroll);
        split.setDividerPositions(0.6);
        setTop(new javafx.scene.layout.VBox(top, judged));
        setCenter(split);
        model.jobs().selectedProperty().addListener((obs, old, job) -> follow(job));
        gallery.selectedProperty().addListener((obs, old, c) -> showDetail(c));
        gallery.selectedProperty().addListener((obs, old, c) -> publishSelection(c));
        model.dataProperty().addListener((obs, old, d) -> showDetail(gallery.selectedProperty().get()));
        detail.setUseAs(this::useAs);
    }

    private void follow(JobViewModel job) {
        if (shown != null) {
            shown.resultProperty().removeListener(onResult);
        }
        shown = job;
        if (job != null) {
            job.resultProperty().addListener(onResult);
        }
        showResult();
    }

    private void showResult() {
        KktResult r = shown == null ? null : shown.resultProperty().get();
        export.setDisable(r == null);
        judge.setDisable(r == null || r.kept().isEmpty());
        org.dsvstudio.evidence.Legibility.Report verdict = shown == null ? null : shown.legibilityProperty().get();
        judged.setText(verdict == null ? "" : describe(verdict));
        detail.clear();
        if (r == null) {
            header.setText(shown == null ? "No result yet: finished runs appear here."
                    : shown.title() + " — the gallery fills when the run ends or is cancelled.");
            gallery.clear(shown == null ? "Run DeepKKT to see its candidates here."
                    : "Waiting for this run to end (a cancelled run shows its partial result).");
            return;
        }
        header.setText(shown.title() + " — " + JobViewModel.summary(r));
        gallery.show(shown.card(), r);
        if (shown.spec().start() != null && shown.startImages() != null) {
            gallery.setBanner(BeforeAfterRow.of(shown, r));
        }
    }

    private void showDetail(Candidate c) {
        long mine = ++request;
        if (c == null || shown == null) {
            detail.clear();
            return;
        }
        KktResult run = shown.resultProperty().get();
        detail.show(shown.card(), c, run == null || run.kktWarning() == null);
        showMargin(c, mine);
        Workbench.AttachedData data = model.dataProperty().get();
        if (data == null) {
            detail.setNearestUnavailable(DsvDetailPane.NO_DATA_HINT);
            return;
        }
        detail.setNearestLoading();
        CompletableFuture<java.util.List<org.dsvstudio.app.NearestImages.Match>> f =
                model.nearest(c.image01(), shown.card(), NEAREST);
        f.whenComplete((matches, failure) -> Platform.runLater(() -> {
            if (mine != request) {
                return;
            }
            if (failure != null) {
                detail.setNearestUnavailable(MainViewModel.message(failure));
            } else {
                detail.setNearest(matches, "pixel space, " + data.train().name(), data.train().classNames());
            }
        }));
    }

    /**
     * Judges the shown run's kept DSVs with the shipped judges of its classes (in the compute process) and shows
     * their agreement beside real images', contrast and diversity.
     */
    private void judge() {
        JobViewModel job = shown;
        KktResult r = job == null ? null : job.resultProperty().get();
        if (r == null) {
            return;
        }
        org.dsvstudio.model.ModelCard card = job.card();
        java.util.List<java.nio.file.Path> judges = org.dsvstudio.app.SampleModels.judgesFor(card.classNames());
        if (judges.isEmpty()) {
            judged.setText("No judge for these classes: sample-models/judges holds judges of Fashion-MNIST and MNIST"
                    + " (the legibility command takes any model as --judge).");
            return;
        }
        java.util.List<org.dsvstudio.kkt.Candidate> kept = r.kept().stream()
                .filter(c -> org.dsvstudio.kkt.KktRequest.isHard(c.target())).toList();
        if (kept.isEmpty()) {
            judged.setText("Only DSVs of one class are judged; this run's are class mixes.");
            return;
        }
        Workbench.AttachedData data = model.dataProperty().get();
        var request = new org.dsvstudio.worker.WorkerServer.JudgeRequest("run #" + job.number(), card.name(),
                kept.stream().map(org.dsvstudio.kkt.Candidate::image01).toList(),
                kept.stream().mapToInt(org.dsvstudio.kkt.Candidate::targetClass).toArray(), card.classNames(),
                card.channels(), card.height(), card.imageWidth(), judges, data == null ? null : data.folder(), 30);
        judge.setDisable(true);
        judged.setText("Judging " + kept.size() + " DSVs with " + judges.size() + " independent models…");
        model.workbench().comparison().judge(request).whenComplete((report, failure) -> Platform.runLater(() -> {
            judge.setDisable(shown == null || shown.resultProperty().get() == null);
            if (shown != job) {
                return;
            }
            if (failure == null) {
                job.legibilityProperty().set(report); // kept with the run: sessions and reports carry it
            }
            judged.setText(failure != null ? "Could not judge: " + MainViewModel.message(failure) : describe(report));
        }));
    }

    static String describe(org.dsvstudio.evidence.Legibility.Report report) {
        StringBuilder s = new StringBuilder("Independent judges: ");
        for (int i = 0; i < report.judges().size(); i++) {
            var row = report.judges().get(i);
            s.append(i == 0 ? "" : " · ").append(String.format(java.util.Locale.ROOT,
                    "%s sees their class in %.0f %% (real images %.0f %%)", row.judge(),
                    100 * row.dsvs().agreement(), 100 * row.real().agreement()));
        }
        s.append(String.format(java.util.Locale.ROOT, ". Contrast %.2f (real %.2f)", report.dsvStats().contrast(),
                report.realStats().contrast()));
        double within = report.dsvStats().withinClassDistance();
        s.append(Double.isNaN(within) ? "; one DSV per class, so no difference within a class to compare."
                : String.format(java.util.Locale.ROOT, "; difference within a class %.1f (real %.1f).", within,
                        report.realStats().withinClassDistance()));
        return s.toString();
    }

    /** Asks for a folder and writes the selected result there in the background. */
    void export(Stage owner) {
        KktResult r = shown == null ? null : shown.resultProperty().get();
        if (r == null) {
            onError.accept("Nothing to export", "Select a finished or cancelled run first.");
            return;
        }
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export the gallery into a folder");
        File dir = chooser.showDialog(owner);
        if (dir != null) {
            exportTo(dir.toPath(), r, shown);
        }
    }

    void exportTo(Path dir, KktResult r, JobViewModel job) {
        Workbench.ModelSummary m = job.model();
        DsvExport.Provenance provenance = new DsvExport.Provenance(job.card().name(), m.path().toString(),
                m.sha256(), AppInfo.VERSION, m.engine(), m.device(), "DSV Studio app: " + job.title(),
                Instant.now().toString());
        model.statusProperty().set("Exporting to " + dir + "…");
        CompletableFuture.supplyAsync(() -> {
            try {
                // a folder of other files (say, the Desktop) gets the run in a new folder inside it
                Path target = OutputFolder.acceptsRun(dir) ? dir
                        : dir.resolve(OutputFolder.freshName(dir, "dsvs-" + job.card().name()));
                try (OutputFolder output = OutputFolder.claim(target, DsvExport.estimatedBytes(r, job.card()))) {
                    output.write(staging -> DsvExport.write(staging, r, job.card(), provenance));
                }
                return target;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
        }).whenComplete((target, failure) -> Platform.runLater(() -> {
            if (failure != null) {
                model.statusProperty().set("Export failed");
                onError.accept("Export failed", MainViewModel.message(failure));
            } else {
                model.statusProperty().set("Exported " + r.candidates().size() + " DSVs to " + target);
                model.noticeProperty().set("Exported to " + target);
            }
        }));
    }

    // ---------------------------------------------------------------- boundaries

    /** The selected DSV's margin in the detail pane (cached or computed in the background). */
    private void showMargin(Candidate c, long mine) {
        JobViewModel job = shown;
        model.boundary().marginOf(job, c, text -> {
            if (mine == request) {
                detail.setMargin(text);
            }
        });
    }

    /** Puts the selected DSV into a slot of the Boundaries tab. */
    private void useAs(int slot) {
        Candidate c = gallery.selectedProperty().get();
        if (c == null || shown == null) {
            return;
        }
        model.boundary().setSlot(slot, BoundaryViewModel.ofCandidate(shown, c));
        model.noticeProperty().set("DSV #" + c.index() + " is now " + BoundaryViewModel.SLOT_NAMES[slot]
                + " in the Boundaries tab (Ctrl+B).");
    }

    /** What the detail pane's Explain button does with the selected DSV (and its model's card). */
    void setOnExplain(BiConsumer<org.dsvstudio.model.ModelCard, Candidate> action) {
        detail.setOnExplain(action);
    }

    /** The selected DSV, for the Run tab's "edit the selected DSV". */
    private void publishSelection(Candidate c) {
        model.mixEdit().gallerySelectionProperty().set(c == null || shown == null ? null
                : new MixEditViewModel.GalleryPick(shown, c));
    }
}
