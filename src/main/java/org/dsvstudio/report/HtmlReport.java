package org.dsvstudio.report;

import org.dsvstudio.app.DsvExport;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.session.SavedRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report of one or more runs: one file, images inline, no scripts, no links out, so it
 * opens offline and can be mailed. Per run: the model card, the run's configuration, its KKT summary, the loss
 * curves, the gallery, a table of every DSV and the provenance (versions, hash, command line).
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /** The facts of a report, shared by the HTML and the PDF so that both say the same. */
    static Map<String, String> cardFacts(ModelCard card) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Model", card.name());
        m.put("Architecture", card.width() == null ? card.architecture() : card.architecture() + " (width " + card.width() + ")");
        m.put("Input", card.channels() + " × " + card.height() + " × " + card.imageWidth());
        m.put("Classes", card.numClasses() + ": " + String.join(", ", card.classNames()));
        if (card.dataset() != null) {
            m.put("Data set", card.dataset());
        }
        if (card.testAccuracy() != null) {
            m.put("Test accuracy", String.format(Locale.ROOT, "%.2f %%%s", 100 * card.testAccuracy(),
                    card.testSamples() == null ? "" : " on " + card.testSamples() + " images"));
        }
        return m;
    }

    static Map<String, String> configFacts(KktResult r) {
        KktConfig c = r.config();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Preset", c.preset());
        m.put("Steps", r.stepsDone() + " of " + c.steps());
        m.put("Seed", Long.toString(r.seed()));
        m.put("Start", r.initLabel());
        m.put("Distance", c.distance() + " on " + String.join(", ", c.parameters()));
        m.put("Weights", String.format(Locale.ROOT, "primal %.3g · stationarity %.3g · augmentation %.3g · TV %.3g"
                + " · norm %.3g", c.primalWeight(), c.stationarityWeight(), c.augmentWeight(), c.tvWeight(),
                c.normWeight()));
        m.put("Learning rates", String.format(Locale.ROOT, "images %.3g · λ %.3g (λ scale %s)", c.lrX(), c.lrLambda(),
                c.lambdaScale() == 0 ? "auto: 1/(weight decay · n)" : String.format(Locale.ROOT, "%.3g", c.lambdaScale())));
        if (c.levers() != null) {
            m.put("Image levers", String.format(Locale.ROOT, "step %s · contrast floor %.3g · gradient blur %.3g",
                    c.levers().imageStep(), c.levers().contrastFloor(), c.levers().gradientBlur()));
        }
        return m;
    }

    static Map<String, String> summaryFacts(KktResult r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Kept (λ ≥ 0)", r.kept().size() + " of " + r.candidates().size() + " candidates");
        m.put("Classified as their class", String.format(Locale.ROOT, "%.1f %% of kept", 100 * r.primalFeasibility()));
        if (r.last() != null) {
            m.put("Stationarity", String.format(Locale.ROOT, "%.3f of its λ = 0 value (below %.1f counts as met)",
                    r.last().stationarityRatio(), KktResult.STATIONARITY_NOT_MET));
        }
        m.put("Mean entropy", String.format(Locale.ROOT, "%.3f nats at the start, %.3f at the end",
                r.initialMeanEntropy(), r.finalMeanEntropy()));
        m.put("KKT conditions", r.kktWarning() == null ? "approximately met" : r.kktWarning());
        if (r.stopReason() != null) {
            m.put("Stopped", r.stopReason());
        }
        if (!r.notes().isEmpty()) {
            m.put("Notes", String.join("; ", r.notes()));
        }
        if (Double.isFinite(r.wallSeconds())) {
            m.put("Wall time", String.format(Locale.ROOT, "%.1f s", r.wallSeconds()));
        }
        return m;
    }

    /** Per judge its agreement on the DSVs beside real images', then contrast and diversity; empty when not judged. */
    static Map<String, String> legibilityFacts(org.dsvstudio.evidence.Legibility.Report report) {
        Map<String, String> m = new LinkedHashMap<>();
        if (report == null) {
            return m;
        }
        for (var row : report.judges()) {
            m.put(row.judge(), String.format(Locale.ROOT, "sees their class in %.0f %% of %d kept DSVs (p = %.2f); in"
                    + " %.0f %% of %d real test images", 100 * row.dsvs().agreement(), row.dsvs().images(),
                    row.dsvs().meanOwnProbability(), 100 * row.real().agreement(), row.real().images()));
        }
        m.put("Contrast", String.format(Locale.ROOT, "%.2f (real images %.2f; mean per-image std of [0, 1] pixels)",
                report.dsvStats().contrast(), report.realStats().contrast()));
        double within = report.dsvStats().withinClassDistance();
        m.put("Difference within a class", Double.isNaN(within) ? "one DSV per class"
                : String.format(Locale.ROOT, "%.1f (real images %.1f)", within, report.realStats().withinClassDistance()));
        if (report.realData() != null) {
            m.put("Real images from", report.realData());
        }
        return m;
    }

    /** The paper's support-vector checks, when measured ({@code faithfulness --dsvs}); empty otherwise. */
    static Map<String, String> faithfulnessFacts(org.dsvstudio.evidence.Faithfulness.Report f) {
        Map<String, String> m = new LinkedHashMap<>();
        if (f == null) {
            return m;
        }
        if (f.dsvs() != null) {
            m.put("Primal feasibility", String.format(Locale.ROOT, "%.1f %% of %d DSVs classified as their class,"
                    + " re-read from their PNGs", 100 * f.dsvs().primalFeasibility(), f.dsvs().dsvs()));
            m.put("Entropy", String.format(Locale.ROOT, "%.3f nats at the start, %.3f at the end",
                    f.dsvs().initialMeanEntropy(), f.dsvs().finalMeanEntropy()));
            if (f.dsvs().margin() != null && f.realMargin() != null) {
                m.put("Distance to the boundary", String.format(Locale.ROOT, "median %.3f for DSVs, %.3f for %d real"
                        + " test images (pixel L2)", f.dsvs().margin().median(), f.realMargin().median(),
                        f.realMarginImages()));
            }
        }
        if (f.lambda() != null) {
            m.put("λ on real images", String.format(Locale.ROOT, "per-class Σλ against per-class test accuracy:"
                    + " Pearson ρ = %.2f (%d images per class)", f.lambda().pearson(), f.lambda().imagesPerClass()));
        }
        m.put("Measured on", f.data() + String.format(Locale.ROOT, " (model test accuracy %.2f %%)",
                100 * f.testAccuracy()));
        return m;
    }

    static Map<String, String> provenanceFacts(DsvExport.Provenance p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (p == null) {
            m.put("Provenance", "not recorded");
            return m;
        }
        m.put("Model file", p.modelPath());
        m.put("Model SHA-256", p.modelSha256());
        m.put("Made by", p.appVersion() + " · " + p.engine() + " · " + p.device());
        m.put("Command", p.command());
        m.put("Created", p.createdAt());
        return m;
    }

    public static String of(String title, List<SavedRun> runs, GalleryFigure.Options gallery) {
        return of(title, runs, gallery, List.of());
    }

    /** The report with the figures the user added to the session (views as they were shown) at its end. */
    public static String of(String title, List<SavedRun> runs, GalleryFigure.Options gallery,
            List<org.dsvstudio.session.SessionFile.Figure> figures) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(Figure.xml(title)).append("</title>\n<style>\n")
                .append("body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;")
                .append("padding:0 1em;color:#1e1e1e}\nh1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid")
                .append(" #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em}\n")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .7em;text-align:left;")
                .append("vertical-align:top;border-bottom:1px solid #eee}th{color:#555;font-weight:normal}\n")
                .append("table.dsvs td{font-variant-numeric:tabular-nums}.warn{color:#b41e1e}\n")
                .append("figure{margin:1em 0;overflow-x:auto}figcaption{color:#555;font-size:.9em}\n")
                .append("@media print{h2{page-break-before:always}}\n</style></head><body>\n");
        h.append("<h1>").append(Figure.xml(title)).append("</h1>\n");
        h.append("<p>").append(runs.size() == 1 ? "One DeepKKT run" : runs.size() + " DeepKKT runs")
                .append(": the Deep Support Vectors a trained classifier is built from, found from its weights alone,"
                        + " without its training data. λ is each DSV's multiplier: λ ≥ 0 marks a support vector, and"
                        + " the larger λ, the more of the model's weights it accounts for.</p>\n");
        int n = 0;
        for (SavedRun run : runs) {
            n++;
            KktResult r = run.result();
            h.append("<h2>").append(runs.size() > 1 ? n + ". " : "").append(Figure.xml(run.title())).append("</h2>\n");
            if (r.kktWarning() != null) {
                h.append("<p class=\"warn\">⚠ ").append(Figure.xml(r.kktWarning())).append("</p>\n");
            }
            h.append("<h3>Model</h3>\n").append(table(cardFacts(run.card())));
            h.append("<h3>Run</h3>\n").append(table(configFacts(r)));
            h.append("<h3>Result</h3>\n").append(table(summaryFacts(r)));
            h.append("<figure>").append(inline(LossFigure.of(r, false)))
                    .append("<figcaption>Loss curves of the run.</figcaption></figure>\n");
            h.append("<h3>Gallery</h3>\n<figure>").append(inline(GalleryFigure.of(run, gallery)))
                    .append("<figcaption>Per class, the DSVs sorted by ").append(gallery.sort().name()
                            .toLowerCase(Locale.ROOT)).append("; a red frame marks a DSV the model does not classify as"
                            + " its class; faded ones were removed (λ < 0).")
                    .append(run.imagesExact() ? "" : " Images read back from the run's 8-bit PNGs.")
                    .append("</figcaption></figure>\n");
            if (run.legibility() != null) {
                h.append("<h3>Legibility</h3>\n<p>Models that did not make these DSVs, asked which class they"
                        + " show:</p>\n").append(table(legibilityFacts(run.legibility())));
            }
            if (run.faithfulness() != null) {
                h.append("<h3>Faithfulness</h3>\n<p>The paper's checks that these are support vectors of the"
                        + " model:</p>\n").append(table(faithfulnessFacts(run.faithfulness())));
            }
            h.append("<h3>Every DSV</h3>\n").append(dsvTable(run));
            h.append("<h3>Provenance</h3>\n").append(table(provenanceFacts(run.provenance())));
        }
        if (!figures.isEmpty()) {
            h.append("<h2>Figures</h2>\n");
            for (var f : figures) {
                h.append("<figure><img alt=\"").append(Figure.xml(f.title())).append("\" style=\"max-width:100%\"")
                        .append(" src=\"data:image/png;base64,")
                        .append(java.util.Base64.getEncoder().encodeToString(f.png())).append("\"><figcaption>")
                        .append(Figure.xml(f.title())).append("</figcaption></figure>\n");
            }
        }
        h.append("<p style=\"color:#777;font-size:.85em\">Report written by ")
                .append(Figure.xml(org.dsvstudio.app.AppInfo.VERSION)).append(".</p>\n</body></html>\n");
        return h.toString();
    }

    private static String inline(Figure f) {
        // inline SVG needs no namespace in HTML, and a report must not even look like it links out
        return f.toSvg().replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    }

    private static String table(Map<String, String> facts) {
        StringBuilder t = new StringBuilder("<table>\n");
        facts.forEach((k, v) -> t.append("<tr><th>").append(Figure.xml(k)).append("</th><td>")
                .append(Figure.xml(v == null ? "—" : v)).append("</td></tr>\n"));
        return t.append("</table>\n").toString();
    }

    static List<String[]> dsvRows(SavedRun run) {
        List<String[]> rows = new ArrayList<>();
        ModelCard card = run.card();
        for (Candidate c : run.result().candidates()) {
            rows.add(new String[] {Integer.toString(c.index()), card.classNames().get(c.targetClass()),
                c.removed() ? "removed (step " + c.removedAtStep() + ")" : String.format(Locale.ROOT, "%.4g", c.lambda()),
                card.classNames().get(c.predicted()), String.format(Locale.ROOT, "%.1f %%", 100 * c.confidence()),
                String.format(Locale.ROOT, "%.3f", c.entropy())});
        }
        return rows;
    }

    static final String[] DSV_COLUMNS = {"#", "class", "λ", "seen as", "probability", "entropy (nats)"};

    private static String dsvTable(SavedRun run) {
        StringBuilder t = new StringBuilder("<table class=\"dsvs\">\n<tr>");
        for (String c : DSV_COLUMNS) {
            t.append("<th>").append(Figure.xml(c)).append("</th>");
        }
        t.append("</tr>\n");
        for (String[] row : dsvRows(run)) {
            t.append("<tr>");
            for (String cell : row) {
                t.append("<td>").append(Figure.xml(cell)).append("</td>");
            }
            t.append("</tr>\n");
        }
        return t.append("</table>\n").toString();
    }
}
