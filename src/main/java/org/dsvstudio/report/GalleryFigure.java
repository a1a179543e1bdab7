package org.dsvstudio.report;

import org.dsvstudio.data.Images;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ClassLabels;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.session.SavedRun;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A run's gallery as a figure for slides, papers and reports: one block per class, headed by the class's full
 * name (wrapped, never cut), its DSVs in rows of {@code columns} with spelled-out captions.
 */
public final class GalleryFigure {

    /** The order of the DSVs within a class. */
    public enum Sort {
        /** Largest λ first (the strongest support vectors). */
        LAMBDA,
        /** Most confidently classified first. */
        CONFIDENCE,
        /** Nearest a decision boundary (highest entropy) first. */
        ENTROPY,
        /** In the order the run made them. */
        INDEX
    }

    /** Classes one below the other (rows of DSVs), or side by side (a column per class: slides). */
    public enum Layout {
        ROWS, COLUMNS
    }

    /**
     * @param layout classes as blocks of rows, or as columns side by side
     * @param columns DSVs per row within a class (1–64; rows layout)
     * @param cell the width of one DSV in points (24–512)
     * @param captions λ, the predicted class with its probability, and the entropy under each DSV
     * @param classes the classes to show, by index (null: all)
     * @param removed also show the removed candidates (λ < 0), faded
     */
    public record Options(Layout layout, int columns, double cell, boolean captions, List<Integer> classes, Sort sort, boolean dark,
            boolean removed) {

        public static final Options DEFAULT = new Options(Layout.ROWS, 8, 96, true, null, Sort.LAMBDA, false, true);

        public Options {
            if (columns < 1 || columns > 64) {
                throw new IllegalArgumentException("columns must be 1..64, got " + columns);
            }
            if (!(cell >= 24 && cell <= 512)) {
                throw new IllegalArgumentException("the image size must be 24..512 points, got " + cell);
            }
            if (sort == null) {
                sort = Sort.LAMBDA;
            }
            if (layout == null) {
                layout = Layout.ROWS;
            }
        }
    }

    private record Palette(int background, int text, int muted, int warn, int frame) {
    }

    private static final Palette LIGHT = new Palette(0xffffff, 0x1e1e1e, 0x555555, 0xb41e1e, 0x3c3c3c);
    private static final Palette DARK = new Palette(0x1e1f22, 0xe8e8e8, 0xaaaaaa, 0xff6b6b, 0x9a9a9a);

    private static final double MARGIN = 16;
    private static final double GAP = 10;
    private static final double CAPTION = 9.5;

    private GalleryFigure() {
    }

    public static Figure of(SavedRun run, Options o) {
        return of(run, o, java.util.Map.of());
    }

    /**
     * The gallery with a saliency map laid over each DSV {@code overlays} has one for (by candidate index): what
     * in the DSV raises its class score (red) or lowers it (blue).
     */
    public static Figure of(SavedRun run, Options o, java.util.Map<Integer, float[]> overlays) {
        KktResult result = run.result();
        ModelCard card = run.card();
        Palette p = o.dark() ? DARK : LIGHT;
        double cellH = o.cell() * card.height() / card.imageWidth();
        int across = o.layout() == Layout.ROWS ? o.columns()
                : (o.classes() != null ? (int) o.classes().stream().filter(c -> c >= 0 && c < card.numClasses())
                        .count() : card.numClasses());
        double width = Math.max(480, 2 * MARGIN + across * (o.cell() + GAP) - GAP);
        double text = width - 2 * MARGIN;
        List<Figure.Op> ops = new ArrayList<>();
        double y = MARGIN;
        for (String line : Figure.wrap(run.title() == null ? card.name() : run.title(), 15, true, text)) {
            y += 17;
            ops.add(new Figure.Text(MARGIN, y, line, 15, true, p.text()));
        }
        String facts = String.format(Locale.ROOT, "%s preset · %d steps · seed %d · %d of %d candidates kept (λ ≥ 0)"
                + " · %.0f %% classified as their class", result.config().preset(), result.stepsDone(), result.seed(),
                result.kept().size(), result.candidates().size(), 100 * result.primalFeasibility());
        for (String line : Figure.wrap(facts, 10.5, false, text)) {
            y += 14;
            ops.add(new Figure.Text(MARGIN, y, line, 10.5, false, p.muted()));
        }
        if (result.kktWarning() != null) {
            for (String line : Figure.wrap("⚠ " + result.kktWarning(), 10.5, false, text)) {
                y += 14;
                ops.add(new Figure.Text(MARGIN, y, line, 10.5, false, p.warn()));
            }
        }
        if (!run.imagesExact()) {
            y += 14;
            ops.add(new Figure.Text(MARGIN, y, "Images read back from the run's 8-bit PNGs.", 10.5, false, p.muted()));
        }
        y += 8;
        // a subset chosen for one run of a report may name classes another run's model does not have
        List<Integer> classes = o.classes() != null ? o.classes().stream().filter(c -> c >= 0 && c < card.numClasses())
                .toList() : java.util.stream.IntStream.range(0, card.numClasses()).boxed().toList();
        y = o.layout() == Layout.ROWS ? rows(run, o, p, classes, ops, y, width, cellH, overlays)
                : columns(run, o, p, classes, ops, y, cellH, overlays);
        return new Figure(width, y + MARGIN, p.background(), ops);
    }

    private static double rows(SavedRun run, Options o, Palette p, List<Integer> classes, List<Figure.Op> ops,
            double top, double width, double cellH, java.util.Map<Integer, float[]> overlays) {
        KktResult result = run.result();
        ModelCard card = run.card();
        double text = width - 2 * MARGIN;
        double y = top;
        for (int cls : classes) {
            List<Candidate> row = result.candidates().stream()
                    .filter(c -> c.targetClass() == cls && (o.removed() || !c.removed()))
                    .sorted(order(o.sort())).toList();
            if (row.isEmpty()) {
                continue;
            }
            y += 10;
            long kept = row.stream().filter(c -> !c.removed()).count();
            String heading = ClassLabels.caption(card.classNames().get(cls)) + String.format(Locale.ROOT,
                    "  (%d kept of %d)", kept, row.size());
            for (String line : Figure.wrap(heading, 13, true, text)) {
                y += 16;
                ops.add(new Figure.Text(MARGIN, y, line, 13, true, p.text()));
            }
            y += 6;
            for (int from = 0; from < row.size(); from += o.columns()) {
                double x = MARGIN;
                double next = y;
                for (Candidate c : row.subList(from, Math.min(row.size(), from + o.columns()))) {
                    next = Math.max(next, cell(ops, p, c, card, x, y, o, cellH, overlays.get(c.index())));
                    x += o.cell() + GAP;
                }
                y = next;
            }
        }
        return y;
    }

    /** A column per class, its full name wrapped above it, the DSVs one below the other. */
    private static double columns(SavedRun run, Options o, Palette p, List<Integer> classes, List<Figure.Op> ops,
            double top, double cellH, java.util.Map<Integer, float[]> overlays) {
        KktResult result = run.result();
        ModelCard card = run.card();
        double headH = 0;
        List<List<String>> heads = new ArrayList<>();
        for (int cls : classes) {
            List<String> h = Figure.wrap(ClassLabels.caption(card.classNames().get(cls)), 11, true, o.cell());
            heads.add(h);
            headH = Math.max(headH, h.size() * 13);
        }
        int lines = 0;
        if (o.captions()) {
            for (Candidate c : result.candidates()) {
                lines = Math.max(lines, caption(c, card, o.cell()).size());
            }
        }
        double step = cellH + lines * (CAPTION + 2.5) + GAP;
        double bottom = top;
        double x = MARGIN;
        for (int i = 0; i < classes.size(); i++) {
            int cls = classes.get(i);
            double y = top + 10;
            for (String line : heads.get(i)) {
                y += 13;
                ops.add(new Figure.Text(x, y, line, 11, true, p.text()));
            }
            y = top + 10 + headH + 6;
            List<Candidate> column = result.candidates().stream()
                    .filter(c -> c.targetClass() == cls && (o.removed() || !c.removed()))
                    .sorted(order(o.sort())).toList();
            for (Candidate c : column) {
                cell(ops, p, c, card, x, y, o, cellH, overlays.get(c.index()));
                y += step; // one step for all, so rows line up across classes
            }
            bottom = Math.max(bottom, y);
            x += o.cell() + GAP;
        }
        return bottom;
    }

    /** One DSV with its frame and captions at (x, y); returns the y below it. */
    private static double cell(List<Figure.Op> ops, Palette p, Candidate c, ModelCard card, double x, double y,
            Options o, double cellH, float[] overlay) {
        java.awt.image.BufferedImage image = overlay != null
                ? SaliencyOverlay.blend(c.image01(), overlay, card.channels(), card.height(), card.imageWidth())
                : Images.toBufferedImage(c.image01(), card.channels(), card.height(), card.imageWidth());
        ops.add(new Figure.Picture(x, y, o.cell(), cellH, image, c.removed() ? 0.65 : 0));
        // red frame: not classified as its class (primal infeasible)
        ops.add(new Figure.Box(x, y, o.cell(), cellH, -1, c.feasible() ? p.frame() : p.warn(),
                c.feasible() ? 0.6 : 1.6));
        double cy = y + cellH;
        if (o.captions()) {
            for (String s : caption(c, card, o.cell())) {
                cy += CAPTION + 2.5;
                ops.add(new Figure.Text(x, cy, s, CAPTION, false, c.removed() ? p.muted() : p.text()));
            }
        }
        return cy + GAP;
    }

    private static Comparator<Candidate> order(Sort sort) {
        Comparator<Candidate> keptFirst = Comparator.comparing(Candidate::removed);
        return switch (sort) {
            case LAMBDA -> keptFirst.thenComparing(Comparator.comparingDouble(Candidate::lambda).reversed());
            case CONFIDENCE -> keptFirst.thenComparing(Comparator.comparingDouble(Candidate::confidence).reversed());
            case ENTROPY -> keptFirst.thenComparing(Comparator.comparingDouble(Candidate::entropy).reversed());
            case INDEX -> Comparator.comparingInt(Candidate::index);
        };
    }

    /** λ (or when it was removed), the predicted class with its probability, the entropy: spelled out. */
    static List<String> caption(Candidate c, ModelCard card, double width) {
        List<String> out = new ArrayList<>();
        out.addAll(Figure.wrap(c.removed() ? "removed at step " + c.removedAtStep()
                : String.format(Locale.ROOT, "λ = %.3g", c.lambda()), CAPTION, false, width));
        out.addAll(Figure.wrap(String.format(Locale.ROOT, "seen as %s, %.0f\u00a0%%",
                ClassLabels.caption(card.classNames().get(c.predicted())), 100 * c.confidence()), CAPTION, false,
                width));
        out.addAll(Figure.wrap(String.format(Locale.ROOT, "entropy %.2f nats", c.entropy()), CAPTION, false, width));
        return out;
    }
}
