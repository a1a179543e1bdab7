package org.dsvstudio.report;

import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.session.RunFolder;
import org.dsvstudio.session.RunJson;
import org.dsvstudio.session.SavedRun;
import org.dsvstudio.session.SessionFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What can be exported and from what: the one entry point of the CLI's {@code export} and the app's export menu. */
public final class Exports {

    public enum Format {
        PNG, SVG, PDF, HTML, JSON,
        /** A session file holding the runs: a generate folder made shareable and openable in the app. */
        DSV;

        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Runs read from a session or a run folder, with a name for titles and the session's figures. */
    public record Input(String name, List<SavedRun> runs, SessionFile.ModelRef model, List<SessionFile.Figure> figures) {
    }

    private Exports() {
    }

    public static Input read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return new Input(path.toAbsolutePath().normalize().getFileName().toString(), List.of(RunFolder.read(path)),
                    null, List.of());
        }
        String file = path.getFileName() == null ? "" : path.getFileName().toString();
        if (file.equals("dsvs.json")) {
            return read(path.toAbsolutePath().getParent());
        }
        if (!Files.exists(path)) {
            throw new DataFormatException(path, "does not exist");
        }
        SessionFile.Session s = SessionFile.read(path);
        if (s.runs().isEmpty()) {
            throw new DataFormatException(path, "the session holds no runs: nothing to export");
        }
        return new Input(file.endsWith(SessionFile.EXTENSION) ? file.substring(0, file.length() - 4) : file, s.runs(),
                s.model(), s.figures());
    }

    /**
     * The bytes of one export. PNG/SVG draw {@code figure} ("gallery" or "losses") of the run at {@code index};
     * JSON is that run in the run format; HTML and PDF report every run.
     */
    public static byte[] render(Format format, String figure, List<SavedRun> runs, int index,
            GalleryFigure.Options options, double scale, String title) throws IOException {
        return render(format, figure, runs, List.of(), index, options, scale, title);
    }

    /** As above, with the figures a session holds (reports show them at the end; a dsv keeps them). */
    public static byte[] render(Format format, String figure, List<SavedRun> runs, List<SessionFile.Figure> figures,
            int index, GalleryFigure.Options options, double scale, String title) throws IOException {
        return render(format, figure, runs, figures, index, options, scale, title, java.util.Map.of());
    }

    /** As above; {@code overlays} (saliency by candidate index) are laid over the gallery figure's DSVs. */
    public static byte[] render(Format format, String figure, List<SavedRun> runs, List<SessionFile.Figure> figures,
            int index, GalleryFigure.Options options, double scale, String title,
            java.util.Map<Integer, float[]> overlays) throws IOException {
        SavedRun run = runs.get(index);
        return switch (format) {
            case PNG -> figure(figure, run, options, overlays).toPng(scale);
            case SVG -> ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure(figure, run, options, overlays)
                    .toSvg()).getBytes(StandardCharsets.UTF_8);
            case JSON -> RunJson.bytes(run);
            case HTML -> HtmlReport.of(title, runs, options, figures).getBytes(StandardCharsets.UTF_8);
            case PDF -> PdfReport.of(ReportPages.of(title, runs, options, figures));
            case DSV -> {
                Path tmp = Files.createTempFile("session", ".dsv");
                try {
                    SessionFile.write(tmp, new SessionFile.Session(null, runs, figures));
                    yield Files.readAllBytes(tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        };
    }

    static Figure figure(String which, SavedRun run, GalleryFigure.Options options,
            java.util.Map<Integer, float[]> overlays) {
        return switch (which) {
            case "gallery" -> GalleryFigure.of(run, options, overlays);
            case "losses" -> LossFigure.of(run.result(), options.dark());
            default -> throw new IllegalArgumentException("--figure must be gallery or losses, got '" + which + "'");
        };
    }
}
