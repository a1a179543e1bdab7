package org.dsvstudio.cli;

import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.report.Exports;
import org.dsvstudio.report.GalleryFigure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code export SESSION_OR_RUN --format png|svg|pdf|html|json --out PATH}: figures and reports from a saved
 * session ({@code .dsv}) or a {@code generate} folder, without the model and without the app.
 */
@Command(name = "export", description = "Write a run's gallery (PNG or SVG), loss curves, a report (HTML or PDF)"
        + " or its JSON, from a session file (.dsv) or a generate output folder.")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SESSION_OR_RUN", description = "A .dsv session or a folder with dsvs.json.")
    Path input;

    @Option(names = "--format", required = true, paramLabel = "png|svg|pdf|html|json|dsv",
            description = "png/svg: a figure of one run; pdf/html: a report of every run; json: the run format;"
                    + " dsv: a session file of the runs (opens in the app).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (replaced"
            + " atomically).")
    Path out;

    @Option(names = "--figure", defaultValue = "gallery", paramLabel = "gallery|losses",
            description = "Which figure png/svg draws (default ${DEFAULT-VALUE}).")
    String figure;

    @Option(names = "--run", defaultValue = "1", paramLabel = "N",
            description = "For png/svg/json of a session: which run, from 1 (default ${DEFAULT-VALUE}).")
    int run;

    @Option(names = "--layout", defaultValue = "rows", paramLabel = "rows|columns",
            description = "Classes one below the other, or side by side, a column each (slides); default"
                    + " ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--columns", defaultValue = "8", description = "DSVs per row within a class, 1..64"
            + " (default ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = "--image-size", defaultValue = "96", paramLabel = "PT",
            description = "Width of one DSV in points, 24..512 (default ${DEFAULT-VALUE}).")
    double imageSize;

    @Option(names = "--scale", defaultValue = "2", description = "PNG pixels per point, 0.5..8 (default"
            + " ${DEFAULT-VALUE}: sharp on slides and high-DPI screens).")
    double scale;

    @Option(names = "--classes", paramLabel = "NAME,…", description = "Only these classes, by name.")
    String classes;

    @Option(names = "--sort", defaultValue = "lambda", paramLabel = "lambda|confidence|entropy|index",
            description = "Order within a class (default ${DEFAULT-VALUE}).")
    String sort;

    @Option(names = "--no-captions", description = "No λ, prediction and entropy under each DSV.")
    boolean noCaptions;

    @Option(names = "--kept-only", description = "Leave out removed candidates (λ < 0).")
    boolean keptOnly;

    @Option(names = "--dark", description = "Light text on a dark background.")
    boolean dark;

    @Option(names = "--embed-model", description = "With --format dsv: put a copy of the model that made the runs into"
            + " the session (found where the run's provenance says, checked by its SHA-256).")
    boolean embedModel;

    @Option(names = "--legibility", paramLabel = "FILE", description = "A legibility report of the run (the"
            + " legibility command's --out) to show in reports and keep in a dsv.")
    Path legibility;

    @Option(names = "--faithfulness", paramLabel = "FILE", description = "A faithfulness report of the run (the"
            + " faithfulness command's --out with --dsvs) to show in reports and keep in a dsv.")
    Path faithfulness;

    @Option(names = "--saliency", paramLabel = "MODEL", description = "With --format png or svg: lay each DSV's"
            + " saliency (gradient × input for its class, red raises the class score, blue lowers it) over it; MODEL"
            + " is the model that made the run (checked by its SHA-256).")
    Path saliency;

    @Mixin
    CommonOptions common;

    @Option(names = "--title", description = "The report's title (default: the input's name).")
    String title;

    @Spec
    CommandSpec spec;

    /** Gradient × input of each kept DSV for its own class, from the model that made the run. */
    private java.util.Map<Integer, float[]> saliencyMaps(org.dsvstudio.session.SavedRun r) throws Exception {
        org.dsvstudio.engine.DjlEngine engine = common.startEngine();
        org.dsvstudio.model.ModelCard card = r.card();
        org.dsvstudio.model.CardOverrides overrides = java.nio.file.Files.isDirectory(saliency)
                || org.dsvstudio.model.ModelLoader.hasCard(saliency) ? org.dsvstudio.model.CardOverrides.NONE
                : new org.dsvstudio.model.CardOverrides(card.inputShape(), card.classNames(), card.mean(), card.std(),
                        null);
        return org.dsvstudio.engine.ComputeThread.get().call(() -> {
            try (org.dsvstudio.model.Classifier model = org.dsvstudio.model.ModelLoader.load(saliency, overrides,
                    engine.device()); org.dsvstudio.engine.AutogradBridge bridge =
                            org.dsvstudio.engine.AutogradBridge.load()) {
                String made = r.provenance() == null ? null : r.provenance().modelSha256();
                if (made != null && !made.equals(model.sha256())) {
                    throw new UserInputException("--saliency " + saliency + " is not the model that made the run (its"
                            + " SHA-256 differs from the run's provenance)");
                }
                java.util.List<org.dsvstudio.kkt.Candidate> kept = r.result().kept();
                float[][] xs = new float[kept.size()][];
                float[][] weights = new float[kept.size()][];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = org.dsvstudio.app.Pixels.normalize(kept.get(i).image01(), model.card());
                    weights[i] = new float[model.card().numClasses()];
                    weights[i][kept.get(i).targetClass()] = 1f;
                }
                float[][] g = new org.dsvstudio.explain.Attributions(model, bridge).gradientsOf(xs, weights);
                java.util.Map<Integer, float[]> maps = new java.util.HashMap<>();
                for (int i = 0; i < xs.length; i++) {
                    float[] gx = new float[xs[i].length];
                    for (int k = 0; k < gx.length; k++) {
                        gx[k] = g[i][k] * xs[i][k];
                    }
                    maps.put(kept.get(i).index(), gx);
                }
                return maps;
            }
        });
    }

    /** The run (the one --run names) with the measurements given on the command line attached. */
    private Exports.Input withMeasurements(Exports.Input in) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        org.dsvstudio.evidence.Legibility.Report judged = legibility == null ? null
                : readReport(json, legibility, "--legibility", org.dsvstudio.evidence.Legibility.Report.class);
        org.dsvstudio.evidence.Faithfulness.Report checked = faithfulness == null ? null
                : readReport(json, faithfulness, "--faithfulness", org.dsvstudio.evidence.Faithfulness.Report.class);
        java.util.List<org.dsvstudio.session.SavedRun> runs = new ArrayList<>(in.runs());
        runs.set(run - 1, runs.get(run - 1).with(judged, checked));
        return new Exports.Input(in.name(), java.util.List.copyOf(runs), in.model(), in.figures());
    }

    private static <T> T readReport(com.fasterxml.jackson.databind.ObjectMapper json, Path file, String option,
            Class<T> type) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(option + " " + file + " is not a file");
        }
        try {
            return json.readerFor(type).without(
                    com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserInputException(option + " " + file + " is not a report of that command: "
                    + org.dsvstudio.model.ModelLoader.jsonProblem(e));
        }
    }

    @Override
    public Integer call() throws Exception {
        Exports.Format f;
        try {
            f = Exports.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--format must be one of png, svg, pdf, html, json, dsv, got '" + format + "'");
        }
        if (!(scale >= 0.5 && scale <= 8)) {
            throw new UserInputException("--scale must be in 0.5..8, got " + scale);
        }
        if (Files.isDirectory(out)) {
            throw new UserInputException("--out " + out + " is a folder: name the file to write (e.g. " + out
                    .resolve("report." + f.extension()) + ")");
        }
        Exports.Input in = Exports.read(input);
        if (run < 1 || run > in.runs().size()) {
            throw new UserInputException(input + " holds " + in.runs().size() + " run(s); --run must be 1.."
                    + in.runs().size());
        }
        if (legibility != null || faithfulness != null) {
            in = withMeasurements(in);
        }
        GalleryFigure.Sort order;
        try {
            order = GalleryFigure.Sort.valueOf(sort.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--sort must be one of lambda, confidence, entropy, index, got '" + sort + "'");
        }
        List<Integer> wanted = null;
        if (classes != null) {
            List<String> names = in.runs().get(run - 1).card().classNames();
            wanted = new ArrayList<>();
            for (String name : classes.split(",")) {
                int i = names.indexOf(name.strip());
                if (i < 0) {
                    throw new UserInputException("--classes: no class '" + name.strip() + "' in the run (it has "
                            + String.join(", ", names) + ")");
                }
                wanted.add(i);
            }
        }
        GalleryFigure.Layout arrangement;
        try {
            arrangement = GalleryFigure.Layout.valueOf(layout.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--layout must be rows or columns, got '" + layout + "'");
        }
        GalleryFigure.Options options;
        try {
            options = new GalleryFigure.Options(arrangement, columns, imageSize, !noCaptions, wanted, order, dark, !keptOnly);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--" + e.getMessage().replace("the image size", "image-size"));
        }
        String name = title != null ? title : in.name();
        if (f == Exports.Format.DSV && embedModel) {
            var p = in.runs().get(0).provenance();
            if (p == null || p.modelPath() == null) {
                throw new UserInputException("--embed-model: the run does not say which model made it");
            }
            org.dsvstudio.session.SessionFile.ModelRef ref = in.model() != null ? in.model()
                    : new org.dsvstudio.session.SessionFile.ModelRef(p.modelPath(), p.modelSha256(),
                            in.runs().get(0).card());
            org.dsvstudio.session.SessionFile.write(out, new org.dsvstudio.session.SessionFile.Session(ref,
                    in.runs(), in.figures()), true);
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (dsv with the model, %,d bytes)%n", out,
                    Files.size(out));
            return 0;
        }
        if (embedModel) {
            throw new UserInputException("--embed-model goes with --format dsv");
        }
        java.util.Map<Integer, float[]> overlays = java.util.Map.of();
        if (saliency != null) {
            if (f != Exports.Format.PNG && f != Exports.Format.SVG) {
                throw new UserInputException("--saliency goes with --format png or svg (a gallery figure)");
            }
            overlays = saliencyMaps(in.runs().get(run - 1));
        }
        byte[] bytes = Exports.render(f, figure, in.runs(), in.figures(), run - 1, options, scale, name, overlays);
        AtomicFiles.write(out, bytes);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%s, %,d bytes)%n", out, f.extension(), bytes.length);
        return 0;
    }
}
