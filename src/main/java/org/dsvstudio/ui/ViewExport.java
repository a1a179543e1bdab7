package org.dsvstudio.ui;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.image.WritableImage;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.transform.Scale;
import javafx.stage.FileChooser;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Right-click on a view (plane, path, margins, saliency, comparison, loss curves, λ histogram): *Copy image* and
 * *Save image as PNG…* of what it shows, drawn at twice the screen's resolution so that it stays sharp on a
 * slide. The gallery also has vector exports (File → Export report or figure…).
 */
final class ViewExport {

    /**
     * The key under which a window's root keeps what "Add to report" hands a view to (title, PNG): the window's
     * session, so that each window's views go to its own report.
     */
    static final String REPORT_SINK = "dsv.reportSink";

    /** Pixels per screen pixel of a saved view. */
    static final double SCALE = 2;

    private ViewExport() {
    }

    static void install(Node view, String name) {
        install(view, name, (title, message) -> org.controlsfx.control.Notifications.create().title(title)
                .text(message).position(javafx.geometry.Pos.BOTTOM_RIGHT).showError());
    }

    static void install(Node view, String name, BiConsumer<String, String> onError) {
        install(view, name, onError, null);
    }

    /**
     * With {@code vector}: the view drawn again from its numbers as a figure (null while it shows nothing), which
     * adds *Save as SVG…* and *Save as PDF…*: text and lines stay vectors.
     */
    static void install(Node view, String name, BiConsumer<String, String> onError,
            java.util.function.Supplier<org.dsvstudio.report.Figure> vector) {
        MenuItem copy = new MenuItem("Copy image");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putImage(snapshot(view, 1));
            Clipboard.getSystemClipboard().setContent(content);
        });
        MenuItem save = new MenuItem("Save image as PNG…");
        save.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Save the " + name + " as a PNG (" + (int) SCALE + "× the screen's resolution)");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
            chooser.setInitialFileName(name.replaceAll("[^A-Za-z0-9-]+", "-") + ".png");
            File f = chooser.showSaveDialog(view.getScene() == null ? null : view.getScene().getWindow());
            if (f != null) {
                try {
                    save(view, f.toPath());
                } catch (IOException ex) {
                    onError.accept("Could not save the image", "could not write " + f + ": " + ex.getMessage());
                }
            }
        });
        MenuItem add = new MenuItem("Add to report");
        add.setOnAction(e -> {
            Object sink = view.getScene() == null ? null : view.getScene().getRoot().getProperties().get(REPORT_SINK);
            if (sink instanceof BiConsumer<?, ?> consumer) {
                @SuppressWarnings("unchecked")
                BiConsumer<String, byte[]> addFigure = (BiConsumer<String, byte[]>) consumer;
                addFigure.accept(name, png(view));
            }
        });
        ContextMenu menu = new ContextMenu(copy, save, add);
        if (vector != null) {
            for (String kind : List.of("SVG", "PDF")) {
                MenuItem item = new MenuItem("Save as " + kind + "…");
                item.setOnAction(e -> {
                    org.dsvstudio.report.Figure figure = vector.get();
                    if (figure == null) {
                        onError.accept("Nothing to save", "The " + name + " shows nothing yet.");
                        return;
                    }
                    FileChooser chooser = new FileChooser();
                    chooser.setTitle("Save the " + name + " as " + kind + " (vector text and lines)");
                    String ext = kind.toLowerCase(java.util.Locale.ROOT);
                    chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind, "*." + ext));
                    chooser.setInitialFileName(name.replaceAll("[^A-Za-z0-9-]+", "-") + "." + ext);
                    File f = chooser.showSaveDialog(view.getScene() == null ? null : view.getScene().getWindow());
                    if (f != null) {
                        try {
                            saveVector(figure, f.toPath(), kind);
                        } catch (IOException ex) {
                            onError.accept("Could not save the " + name, "could not write " + f + ": "
                                    + ex.getMessage());
                        }
                    }
                });
                menu.getItems().add(item);
            }
        }
        view.setOnContextMenuRequested(e -> menu.show(view, e.getScreenX(), e.getScreenY()));
    }

    /** What the view shows, {@code scale} pixels per screen pixel (FX thread). */
    static WritableImage snapshot(Node view, double scale) {
        SnapshotParameters p = new SnapshotParameters();
        p.setTransform(new Scale(scale, scale));
        return view.snapshot(p, null);
    }

    /** The view as a PNG at {@link #SCALE}, written atomically (FX thread: the snapshot must be taken there). */
    static void save(Node view, Path file) throws IOException {
        org.dsvstudio.model.AtomicFiles.write(file, png(view));
    }

    /** A figure as SVG or PDF, written atomically. */
    static void saveVector(org.dsvstudio.report.Figure figure, Path file, String kind) throws IOException {
        byte[] bytes = kind.equals("SVG")
                ? ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure.toSvg()).getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)
                : org.dsvstudio.report.PdfReport.of(List.of(figure));
        org.dsvstudio.model.AtomicFiles.write(file, bytes);
    }

    /** The view as PNG bytes at {@link #SCALE} (FX thread). */
    static byte[] png(Node view) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.setUseCache(false);
        try {
            ImageIO.write(SwingFXUtils.fromFXImage(snapshot(view, SCALE), null), "png", bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // into a byte array: does not happen
        }
        return bytes.toByteArray();
    }
}
