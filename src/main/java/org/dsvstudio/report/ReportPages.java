package org.dsvstudio.report;

import org.dsvstudio.session.SavedRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report laid out as pages (figures of A4 width) for the PDF: per run a page of facts with the loss curves, the
 * gallery (one page, as tall as it needs), and the table of every DSV over as many A4 pages as it takes. The facts
 * are the HTML report's ({@link HtmlReport}), so both formats say the same.
 */
public final class ReportPages {

    static final double A4_W = 595.28;
    static final double A4_H = 841.89;
    private static final double M = 40;
    static final int TABLE_ROWS_PER_PAGE = 56;

    private ReportPages() {
    }

    public static List<Figure> of(String title, List<SavedRun> runs, GalleryFigure.Options gallery) {
        return of(title, runs, gallery, List.of());
    }

    /** The pages, then one page per figure the user added (scaled to the page's width). */
    public static List<Figure> of(String title, List<SavedRun> runs, GalleryFigure.Options gallery,
            List<org.dsvstudio.session.SessionFile.Figure> figures) {
        List<Figure> pages = new ArrayList<>();
        int n = 0;
        for (SavedRun run : runs) {
            n++;
            pages.add(factsPage(n == 1 ? title : null, (runs.size() > 1 ? n + ". " : "") + run.title(), run));
            pages.add(scaledToWidth(GalleryFigure.of(run, gallery), A4_W));
            pages.addAll(tablePages(run));
        }
        for (var f : figures) {
            pages.add(figurePage(f));
        }
        return pages;
    }

    private static Figure figurePage(org.dsvstudio.session.SessionFile.Figure f) {
        java.awt.image.BufferedImage image;
        try {
            image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(f.png()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<Figure.Op> ops = new ArrayList<>();
        double y = M;
        for (String line : Figure.wrap(f.title(), 12, true, A4_W - 2 * M)) {
            y += 15;
            ops.add(new Figure.Text(M, y, line, 12, true, 0x1e1e1e));
        }
        y += 10;
        if (image != null) {
            // a view saved at twice the screen's resolution: half a point per pixel, at most the page's width
            double w = Math.min(A4_W - 2 * M, image.getWidth() / 2.0);
            double h = w * image.getHeight() / image.getWidth();
            ops.add(new Figure.Picture(M, y, w, h, image, 0));
            y += h;
        }
        return new Figure(A4_W, Math.max(A4_H, y + M), 0xffffff, ops);
    }

    /** How many pages {@link #of} gives: what the PDF test expects. */
    public static int pageCount(List<SavedRun> runs) {
        return pageCount(runs, 0);
    }

    public static int pageCount(List<SavedRun> runs, int figures) {
        int pages = figures;
        for (SavedRun run : runs) {
            int rows = run.result().candidates().size();
            pages += 2 + (rows + TABLE_ROWS_PER_PAGE - 1) / TABLE_ROWS_PER_PAGE;
        }
        return pages;
    }

    private static Figure factsPage(String reportTitle, String runTitle, SavedRun run) {
        List<Figure.Op> ops = new ArrayList<>();
        double w = A4_W - 2 * M;
        double[] y = {M};
        if (reportTitle != null) {
            for (String line : Figure.wrap(reportTitle, 18, true, w)) {
                y[0] += 22;
                ops.add(new Figure.Text(M, y[0], line, 18, true, 0x1e1e1e));
            }
            y[0] += 6;
        }
        for (String line : Figure.wrap(runTitle, 14, true, w)) {
            y[0] += 18;
            ops.add(new Figure.Text(M, y[0], line, 14, true, 0x1e1e1e));
        }
        if (run.result().kktWarning() != null) {
            for (String line : Figure.wrap("⚠ " + run.result().kktWarning(), 9.5, false, w)) {
                y[0] += 12;
                ops.add(new Figure.Text(M, y[0], line, 9.5, false, 0xb41e1e));
            }
        }
        section(ops, y, "Model", HtmlReport.cardFacts(run.card()), w);
        section(ops, y, "Run", HtmlReport.configFacts(run.result()), w);
        section(ops, y, "Result", HtmlReport.summaryFacts(run.result()), w);
        if (run.legibility() != null) {
            section(ops, y, "Legibility (independent judges)", HtmlReport.legibilityFacts(run.legibility()), w);
        }
        if (run.faithfulness() != null) {
            section(ops, y, "Faithfulness (the paper's checks)", HtmlReport.faithfulnessFacts(run.faithfulness()), w);
        }
        section(ops, y, "Provenance", HtmlReport.provenanceFacts(run.provenance()), w);
        y[0] += 10;
        Figure loss = LossFigure.of(run.result(), false);
        double s = w / loss.width();
        for (Figure.Op op : scaled(loss, s, M, y[0]).ops()) {
            ops.add(op);
        }
        y[0] += loss.height() * s;
        return new Figure(A4_W, Math.max(A4_H, y[0] + M), 0xffffff, ops);
    }

    private static void section(List<Figure.Op> ops, double[] y, String heading, Map<String, String> facts, double w) {
        y[0] += 22;
        ops.add(new Figure.Text(M, y[0], heading, 11.5, true, 0x1e1e1e));
        double keyW = 120;
        for (Map.Entry<String, String> e : facts.entrySet()) {
            List<String> lines = Figure.wrap(e.getValue() == null ? "—" : e.getValue(), 9, false, w - keyW);
            y[0] += 12;
            ops.add(new Figure.Text(M, y[0], e.getKey(), 9, false, 0x666666));
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    y[0] += 11;
                }
                ops.add(new Figure.Text(M + keyW, y[0], lines.get(i), 9, false, 0x1e1e1e));
            }
        }
    }

    private static List<Figure> tablePages(SavedRun run) {
        List<String[]> rows = HtmlReport.dsvRows(run);
        double[] x = {M, M + 36, M + 180, M + 260, M + 400, M + 470};
        double colW = 138;
        List<Figure> pages = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += TABLE_ROWS_PER_PAGE) {
            List<Figure.Op> ops = new ArrayList<>();
            double y = M + 14;
            ops.add(new Figure.Text(M, y, "Every DSV of " + clip(run.title(), 80) + (from > 0 ? " (continued)" : ""),
                    11.5, true, 0x1e1e1e));
            y += 20;
            for (int c = 0; c < HtmlReport.DSV_COLUMNS.length; c++) {
                ops.add(new Figure.Text(x[c], y, HtmlReport.DSV_COLUMNS[c], 9, true, 0x555555));
            }
            for (String[] row : rows.subList(from, Math.min(rows.size(), from + TABLE_ROWS_PER_PAGE))) {
                y += 13;
                for (int c = 0; c < row.length; c++) {
                    ops.add(new Figure.Text(x[c], y, clipToWidth(row[c], 9, Math.min(colW, (c + 1 < x.length ? x[c + 1]
                            : A4_W - M) - x[c] - 6)), 9, false, 0x1e1e1e));
                }
            }
            pages.add(new Figure(A4_W, A4_H, 0xffffff, ops));
        }
        return pages;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Table cells only: the full names are on the facts page and in the gallery. */
    private static String clipToWidth(String s, double size, double max) {
        String t = s;
        while (t.length() > 1 && Figure.textWidth(t, size, false) > max) {
            t = t.substring(0, t.length() - 2) + "…";
        }
        return t;
    }

    static Figure scaledToWidth(Figure f, double width) {
        double s = Math.min(1, width / f.width());
        Figure g = scaled(f, s, 0, 0);
        return new Figure(width, Math.max(g.height(), 1), f.background(), g.ops());
    }

    /** The figure's operations scaled by s and moved to (dx, dy). */
    static Figure scaled(Figure f, double s, double dx, double dy) {
        List<Figure.Op> ops = new ArrayList<>();
        for (Figure.Op op : f.ops()) {
            if (op instanceof Figure.Text t) {
                ops.add(new Figure.Text(dx + s * t.x(), dy + s * t.y(), t.text(), s * t.size(), t.bold(), t.rgb()));
            } else if (op instanceof Figure.Picture p) {
                ops.add(new Figure.Picture(dx + s * p.x(), dy + s * p.y(), s * p.w(), s * p.h(), p.image(), p.fade()));
            } else if (op instanceof Figure.Box b) {
                ops.add(new Figure.Box(dx + s * b.x(), dy + s * b.y(), s * b.w(), s * b.h(), b.fill(), b.stroke(),
                        s * b.strokeWidth()));
            } else if (op instanceof Figure.Line l) {
                double[] xy = new double[l.xy().length];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = (i % 2 == 0 ? dx : dy) + s * l.xy()[i];
                }
                ops.add(new Figure.Line(xy, l.rgb(), s * l.width()));
            }
        }
        return new Figure(f.width() * s, f.height() * s, f.background(), ops);
    }
}
