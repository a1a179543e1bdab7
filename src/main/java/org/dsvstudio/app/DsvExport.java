package org.dsvstudio.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.Images;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.ClassLabels;
import org.dsvstudio.model.ModelCard;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a DeepKKT result: {@code dsvs.json} (config, provenance, one entry per DSV), one PNG per DSV in the
 * model's pixel space, and {@code gallery.png} (one row per class, with captions). Every file is written
 * atomically, so an interrupted export never leaves a half-written file.
 */
public final class DsvExport {

    /** Where the run came from, recorded in dsvs.json. */
    public record Provenance(String modelName, String modelPath, String modelSha256, String appVersion,
            String engine, String device, String command, String createdAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DsvExport() {
    }

    public static void write(Path dir, KktResult result, ModelCard card, Provenance provenance) throws IOException {
        write(dir, new org.dsvstudio.session.SavedRun(null, result, card, provenance, true));
    }

    /** The run's files into {@code dir}: one PNG per DSV, dsvs.json (the run format, RunJson) and gallery.png. */
    public static void write(Path dir, org.dsvstudio.session.SavedRun run) throws IOException {
        Files.createDirectories(dir);
        ModelCard card = run.card();
        for (Candidate c : run.result().candidates()) {
            writePng(dir.resolve(imageFileName(c, card)), Images.toBufferedImage(c.image01(), card.channels(),
                    card.height(), card.imageWidth()));
        }
        AtomicFiles.write(dir.resolve("dsvs.json"), JSON.writeValueAsBytes(
                org.dsvstudio.session.RunJson.toTree(run, c -> imageFileName(c, card))));
        writePng(dir.resolve("gallery.png"), gallery(run.result(), card));
    }

    /** A generous estimate of what {@link #write} puts on disk (PNGs, gallery, dsvs.json with its history). */
    public static long estimatedBytes(KktResult result, ModelCard card) {
        long image = (long) card.channels() * card.height() * card.imageWidth();
        long perDsv = 2 * image + 4096 + 40L * card.numClasses();
        long gallery = 4 * (long) result.candidates().size() * image * 36 + 200_000;
        long history = 300L * result.history().size();
        return result.candidates().size() * perDsv + gallery + history + 100_000;
    }

    static String imageFileName(Candidate c, ModelCard card) {
        // a class name of 5 000 characters or of '/', '..' and non-Latin letters still gives a file name
        String name = ClassLabels.fileName(card.classNames().get(c.targetClass()), 40);
        return String.format(Locale.ROOT, "dsv-%04d-%s.png", c.index(), name);
    }

    private static void writePng(Path file, BufferedImage img) throws IOException {
        // No disk cache: ImageIO's file cache registers a JVM shutdown hook on first use, which fails while
        // exporting what exists after Ctrl-C / SIGTERM ("Shutdown in progress").
        ImageIO.setUseCache(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer available");
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * One row per class (rows in class order), candidates sorted by λ (largest first), each scaled up to at
     * least 84 px with "λ … p …" under it; removed candidates are dimmed and marked "removed".
     */
    public static BufferedImage gallery(KktResult result, ModelCard card) {
        Map<Integer, List<Candidate>> rows = new LinkedHashMap<>();
        for (int c = 0; c < card.numClasses(); c++) {
            int cls = c;
            List<Candidate> row = result.candidates().stream().filter(d -> d.targetClass() == cls)
                    .sorted((a, b) -> Boolean.compare(a.removed(), b.removed()) != 0
                            ? Boolean.compare(a.removed(), b.removed()) : Double.compare(b.lambda(), a.lambda()))
                    .toList();
            if (!row.isEmpty()) {
                rows.put(c, row);
            }
        }
        int scale = Math.max(1, (int) Math.ceil(84.0 / Math.max(card.height(), card.imageWidth())));
        int cellW = Math.max(card.imageWidth() * scale, 116);
        int cellH = card.height() * scale;
        int captionH = 30;
        int labelW = 120;
        int pad = 8;
        int maxCols = rows.values().stream().mapToInt(List::size).max().orElse(1);
        int width = Math.max(640, labelW + maxCols * (cellW + pad) + pad);
        String warning = result.kktWarning();
        int headerH = warning == null ? 26 : 42;
        int height = headerH + rows.size() * (cellH + captionH + pad) + pad;
        BufferedImage out = new BufferedImage(width, Math.max(height, headerH + 20), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setColor(new Color(30, 30, 30));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(String.format(Locale.ROOT, "%s · %s · %d steps · seed %d · feasible %.0f %% · kept %d/%d",
                    card.name(), result.config().preset(), result.stepsDone(), result.seed(),
                    100 * result.primalFeasibility(), result.kept().size(), result.candidates().size()), pad, 18);
            if (warning != null) {
                g.setColor(new Color(170, 30, 30));
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                drawClipped(g, "⚠ " + result.kktWarningShort(), pad, 34, width - 2 * pad);
            }
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
            Font label = new Font(Font.SANS_SERIF, Font.BOLD, 12);
            int y = headerH;
            for (Map.Entry<Integer, List<Candidate>> row : rows.entrySet()) {
                g.setFont(label);
                g.setColor(new Color(30, 30, 30));
                drawClipped(g, ClassLabels.caption(card.classNames().get(row.getKey())), pad, y + cellH / 2 + 4,
                        labelW - 2 * pad);
                int x = labelW;
                for (Candidate c : row.getValue()) {
                    BufferedImage img = Images.toBufferedImage(c.image01(), card.channels(), card.height(),
                            card.imageWidth());
                    int imgW = card.imageWidth() * scale;
                    int imgX = x + (cellW - imgW) / 2;
                    g.drawImage(img, imgX, y, imgW, cellH, null);
                    if (c.removed()) {
                        g.setColor(new Color(255, 255, 255, 170));
                        g.fillRect(imgX, y, imgW, cellH);
                    }
                    // red frame: not classified as its class (primal infeasible)
                    g.setColor(c.feasible() ? new Color(60, 60, 60) : new Color(200, 40, 40));
                    g.drawRect(imgX, y, imgW - 1, cellH - 1);
                    g.setFont(small);
                    g.setColor(new Color(40, 40, 40));
                    String first = c.removed() ? "removed" : String.format(Locale.ROOT, "λ %.3g", c.lambda());
                    drawClipped(g, first, x + 2, y + cellH + 12, cellW - 4);
                    String second = String.format(Locale.ROOT, "%s %.0f%% H %.2f",
                            shortName(ClassLabels.caption(card.classNames().get(c.predicted()))), 100 * c.confidence(), c.entropy());
                    drawClipped(g, second, x + 2, y + cellH + 24, cellW - 4);
                    x += cellW + pad;
                }
                y += cellH + captionH + pad;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String shortName(String name) {
        return name.length() <= 8 ? name : name.substring(0, 7) + "…";
    }

    private static void drawClipped(Graphics2D g, String text, int x, int y, int maxWidth) {
        FontMetrics fm = g.getFontMetrics();
        String t = text;
        while (t.length() > 1 && fm.stringWidth(t) > maxWidth) {
            t = t.substring(0, t.length() - 2) + "…";
        }
        g.drawString(t, x, y);
    }
}
