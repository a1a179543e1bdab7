package org.dsvstudio.ui;

import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.dsvstudio.TestSupport;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.report.Exports;
import org.dsvstudio.report.GalleryFigure;
import org.dsvstudio.session.SavedRun;
import org.dsvstudio.session.SessionFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeping results in the window: two runs saved as a session, the list cleared, the session opened again (the same
 * DSVs, bound to the open model), a report written from it; a session whose model changed opens with a warning.
 */
@ExtendWith(ApplicationExtension.class)
class SessionWindowTest {

    private static final String PREFS_NODE = "org/dsvstudio/test-ui-session";
    private MainWindow window;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        window = WindowTests.open(stage, PREFS_NODE);
    }

    @AfterAll
    static void forgetPreferences() throws Exception {
        WindowTests.forget(PREFS_NODE);
    }

    private MainViewModel ready(FxRobot robot) throws Exception {
        Label title = robot.lookup("#modelTitle").queryAs(Label.class);
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(title.getText()));
        MainViewModel vm = window.viewModel();
        robot.interact(() -> vm.run().configProperty().set(KktPresets.quick().withSteps(15)));
        return vm;
    }

    private static JobViewModel run(FxRobot robot, MainViewModel vm, int seed) throws Exception {
        JobViewModel[] job = new JobViewModel[1];
        robot.interact(() -> {
            vm.run().seedProperty().set(seed);
            job[0] = vm.generate();
        });
        WindowTests.waitUntil(240, () -> job[0].stateProperty().get().finished());
        assertEquals(JobViewModel.State.DONE, job[0].stateProperty().get(), job[0].statusProperty().get());
        return job[0];
    }

    /** Starts a file operation on the FX thread, as the menu does, and waits for it off the FX thread. */
    private static <T> T onFx(FxRobot robot, java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> start)
            throws Exception {
        @SuppressWarnings("unchecked")
        java.util.concurrent.CompletableFuture<T>[] f = new java.util.concurrent.CompletableFuture[1];
        robot.interact(() -> f[0] = start.get());
        T value = f[0].get(60, TimeUnit.SECONDS);
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        return value;
    }

    @Test
    void twoRunsSurviveSaveClearAndOpenAndMakeAReport(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel first = run(robot, vm, 1);
        JobViewModel second = run(robot, vm, 2);
        // what the views show goes with the session: an anchor of the plane and the explain settings
        Candidate anchor = second.resultProperty().get().candidates().get(2);
        org.dsvstudio.app.Saliency.Settings settings = new org.dsvstudio.app.Saliency.Settings(
                org.dsvstudio.explain.Baseline.Kind.BLURRED, 48, 8, 0.2, 5, 3, null);
        robot.interact(() -> {
            vm.boundary().setSlot(BoundaryViewModel.B, BoundaryViewModel.ofCandidate(second, anchor));
            vm.explain().methodProperty().set(org.dsvstudio.app.Saliency.Method.SMOOTHGRAD);
            vm.explain().settingsProperty().set(settings);
        });
        Path file = dir.resolve("my session.dsv");
        assertEquals(file, onFx(robot, () -> window.session().save(file)));
        robot.interact(() -> {
            vm.boundary().setSlot(BoundaryViewModel.B, null);
            vm.explain().methodProperty().set(org.dsvstudio.app.Saliency.Method.GRADIENT);
            vm.explain().settingsProperty().set(org.dsvstudio.app.Saliency.Settings.defaults());
        });
        assertEquals(2, SessionFile.read(file).runs().size());

        robot.interact(() -> vm.jobs().clearFinished());
        assertEquals(0, vm.jobs().jobs().size());
        assertEquals(0, window.errorNotifications(), window.lastNotification());
        onFx(robot, () -> window.session().open(file));
        WindowTests.waitUntil(30, () -> vm.jobs().jobs().size() == 2);
        JobViewModel back = vm.jobs().jobs().get(1);
        assertTrue(back.isRestored());
        assertEquals(second.plainTitle(), back.plainTitle());
        assertEquals(vm.loadedProperty().get().generation(), back.model().generation(),
                "bound to the open model: same SHA-256");
        List<Candidate> a = second.resultProperty().get().candidates();
        List<Candidate> b = back.resultProperty().get().candidates();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).image01(), b.get(i).image01());
            assertEquals(a.get(i).lambda(), b.get(i).lambda());
        }
        assertEquals(first.resultProperty().get().seed(), vm.jobs().jobs().get(0).resultProperty().get().seed());
        BoundaryViewModel.BoundaryImage placed = vm.boundary().slot(BoundaryViewModel.B).get();
        assertEquals("DSV #" + anchor.index() + " · " + second.card().classNames().get(anchor.targetClass()),
                placed.label());
        assertArrayEquals(anchor.image01(), placed.image01());
        assertEquals(org.dsvstudio.app.Saliency.Method.SMOOTHGRAD, vm.explain().methodProperty().get());
        assertEquals(settings, vm.explain().settingsProperty().get());
        robot.clickOn("#tabGallery");
        WindowTests.screenshot(robot, "session-reopened.png");

        // a view's right-click Save: the loss curves of the reopened run, at twice the screen's resolution
        robot.clickOn("#tabRun");
        WindowTests.screenshot(robot, "session-reopened-run.png");
        javafx.scene.Node chart = robot.lookup("#lossChart").query();
        Path png = dir.resolve("losses.png");
        robot.interact(() -> {
            try {
                ViewExport.save(chart, png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(Math.round(chart.getBoundsInParent().getWidth() * ViewExport.SCALE), image.getWidth(), 2.0);

        // right-click → Add to report: the loss curves as shown go to the session's report
        robot.rightClickOn(chart);
        robot.clickOn("Add to report");
        WindowTests.waitUntil(10, () -> window.session().figures().size() == 1);
        assertEquals("loss curves", window.session().figures().get(0).title());

        Path html = onFx(robot, () -> window.session().export(dir.resolve("report.html"), Exports.Format.HTML,
                GalleryFigure.Options.DEFAULT));
        String text = Files.readString(html);
        assertTrue(text.contains("<figcaption>loss curves</figcaption>"), "the added figure is in the report");
        assertTrue(text.contains(first.plainTitle()) && text.contains(second.plainTitle()), "both runs reported");
        Path pdf = onFx(robot, () -> window.session().export(dir.resolve("report.pdf"), Exports.Format.PDF,
                GalleryFigure.Options.DEFAULT));

        // the gallery figure with each DSV's saliency from the open model (the reopened run's own)
        Path overlaid = onFx(robot, () -> window.session().export(dir.resolve("gallery.png"), Exports.Format.PNG,
                GalleryFigure.Options.DEFAULT, true));
        java.awt.image.BufferedImage g = javax.imageio.ImageIO.read(overlaid.toFile());
        int coloured = 0;
        for (int y = 0; y < g.getHeight(); y += 2) {
            for (int x = 0; x < g.getWidth(); x += 2) {
                int p = g.getRGB(x, y);
                coloured += Math.abs((p >> 16 & 0xff) - (p & 0xff)) > 60 ? 1 : 0;
            }
        }
        assertTrue(coloured > 100, "red and blue over the DSVs: " + coloured);
        assertTrue(Files.size(pdf) > 10_000);
    }

    /** A finished run is autosaved; the autosave of a window that died is offered and opens as its runs. */
    @Test
    void finishedRunsAreAutosavedAndACrashedWindowsRunsCanBeRecovered(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel job = run(robot, vm, 4);
        Path mine = window.session().autosaveFile();
        WindowTests.waitUntil(30, () -> Files.exists(mine) && SessionFile.read(mine).runs().size() == 1);
        assertEquals(job.resultProperty().get().seed(), SessionFile.read(mine).runs().get(0).result().seed());

        // a window that died: its autosave is there and nobody holds its lock
        Path dead = mine.resolveSibling("autosave-dead-1.dsv");
        Files.copy(mine, dead, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(window.session().recoverable().contains(dead));
        assertTrue(!window.session().recoverable().contains(mine), "its own autosave is not an orphan");
        onFx(robot, () -> window.session().recover(dead));
        WindowTests.waitUntil(30, () -> vm.jobs().jobs().size() == 2 && !Files.exists(dead));
        assertTrue(vm.jobs().jobs().get(1).isRestored());
        WindowTests.waitUntil(10, () -> window.session().fileProperty().get() == null);
    }

    /** A session saved with its model opens that model where the original is gone. */
    @Test
    void aSessionWithItsModelOpensTheCarriedModelWhenTheOriginalIsGone(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel job = run(robot, vm, 5);
        Path elsewhere = dir.resolve("moved model");
        Files.createDirectories(elsewhere);
        Path sample = TestSupport.sampleModel("convnet-fashion");
        for (String f : List.of("model.json", "weights.params")) {
            Files.copy(sample.resolve(f), elsewhere.resolve(f));
        }
        SavedRun[] saved = new SavedRun[1];
        robot.interact(() -> saved[0] = job.toSavedRun());
        Path file = dir.resolve("carried.dsv");
        SessionFile.write(file, new SessionFile.Session(new SessionFile.ModelRef(elsewhere.toString(),
                vm.loadedProperty().get().sha256(), saved[0].card()), List.of(saved[0])), true);
        for (String f : List.of("model.json", "weights.params")) {
            Files.delete(elsewhere.resolve(f));
        }
        robot.interact(() -> vm.open(TestSupport.sampleModel("convnet-mnist")));
        WindowTests.waitUntil(60, () -> "convnet-mnist".equals(vm.loadedProperty().get().card().name()));
        onFx(robot, () -> window.session().open(file));
        WindowTests.waitUntil(60, () -> "convnet-fashion".equals(vm.loadedProperty().get().card().name()));
        assertTrue(vm.loadedProperty().get().path().toString().contains("models"), vm.loadedProperty().get().path()
                .toString());
        JobViewModel restored = vm.jobs().jobs().get(vm.jobs().jobs().size() - 1);
        WindowTests.waitUntil(10, () -> restored.model().generation() == vm.loadedProperty().get().generation());
    }

    @Test
    void aSessionWhoseModelChangedOpensWithAWarningAndEveryResult(FxRobot robot) throws Exception {
        MainViewModel vm = ready(robot);
        JobViewModel job = run(robot, vm, 3);
        SavedRun[] savedRun = new SavedRun[1];
        robot.interact(() -> savedRun[0] = job.toSavedRun());
        SavedRun saved = savedRun[0];
        Path model = TestSupport.sampleModel("convnet-fashion");
        SessionFile.ModelRef changed = new SessionFile.ModelRef(model.toString(), "0".repeat(64), saved.card());
        SavedRun elsewhere = new SavedRun(saved.title(), saved.result(), saved.card(), new org.dsvstudio.app.DsvExport
                .Provenance("convnet-fashion", model.toString(), "0".repeat(64), "0", "e", "d", "c", "t"), true);
        Path file = dir.resolve("changed.dsv");
        SessionFile.write(file, new SessionFile.Session(changed, List.of(elsewhere)));
        int before = window.errorNotifications();
        onFx(robot, () -> window.session().open(file));
        WindowTests.waitUntil(30, () -> window.errorNotifications() > before);
        assertTrue(window.lastNotification().startsWith("The session's model is not the same: The model at "
                + model + " has changed since the session was saved"), window.lastNotification());
        WindowTests.waitUntil(30, () -> vm.jobs().jobs().size() == 2);
        JobViewModel restored = vm.jobs().jobs().get(1);
        assertEquals(org.dsvstudio.app.ModelService.NOT_LOADED, restored.model().generation(),
                "not bound to the open model: its hash differs");
        assertEquals(saved.result().candidates().size(), restored.resultProperty().get().candidates().size());
    }
}
