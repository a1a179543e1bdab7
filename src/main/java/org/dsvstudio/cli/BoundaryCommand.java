package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.Images;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.explain.DecisionPath;
import org.dsvstudio.explain.DecisionPlane;
import org.dsvstudio.explain.ExplainImages;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code boundary}: the model's decision regions on the plane through three images (plane.png, plane.json), or
 * its class probabilities along the straight path between two images (path.png, path.json, crossing-N.png).
 */
@Command(name = "boundary", description = "Show where the model's decisions change: on the plane through three"
        + " images (--anchors a,b,c: plane.png and plane.json) or along the straight path between two (--path p,q:"
        + " path.png, path.json and the images where the predicted class changes, crossing-N.png).")
public final class BoundaryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder or a TorchScript .pt file.")
    Path model;

    @Option(names = "--anchors", paramLabel = "A,B,C", description = "Three images (PNG/JPEG, the model's input size)"
            + " spanning the plane: origin A, first axis towards B.")
    String anchors;

    @Option(names = "--path", paramLabel = "P,Q", description = "Two images (PNG/JPEG, the model's input size): the"
            + " path runs from P (t = 0) to Q (t = 1).")
    String path;

    @Option(names = "--resolution", defaultValue = "200", description = "Plane grid: R×R cells (default"
            + " ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--extent", defaultValue = "1.5", description = "Plane window side as a multiple of the anchors'"
            + " span; > 1 leaves a margin around them (default ${DEFAULT-VALUE}, at most 1000).")
    double extent;

    @Option(names = "--points", defaultValue = "101", description = "Path samples, both ends included (default"
            + " ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ClassNamesOption classNames;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((anchors == null) == (path == null)) {
            throw new UserInputException("give either --anchors A,B,C (a plane) or --path P,Q (a path)");
        }
        boolean plane = anchors != null;
        List<Path> files = imageList(plane ? anchors : path, plane ? "--anchors" : "--path", plane ? 3 : 2);
        if (plane && (resolution < 2 || resolution > DecisionPlane.MAX_RESOLUTION)) {
            throw new UserInputException("--resolution must be between 2 and " + DecisionPlane.MAX_RESOLUTION + ", got "
                    + resolution);
        }
        if (plane && !(extent > 0 && extent <= DecisionPlane.MAX_EXTENT)) {
            throw new UserInputException("--extent must be a number in (0, " + (int) DecisionPlane.MAX_EXTENT
                    + "], got " + extent);
        }
        if (!plane && (points < 2 || points > DecisionPath.MAX_POINTS)) {
            throw new UserInputException("--points must be between 2 and " + DecisionPath.MAX_POINTS + ", got " + points);
        }
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(spec.commandLine().getErr());
        long start = System.nanoTime();
        String written;
        try (SignalCancellation cancellation = new SignalCancellation(30)) {
            written = ComputeThread.get().call(() -> {
                try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()),
                        engine.device())) {
                    List<float[]> xs = new ArrayList<>();
                    for (Path f : files) {
                        xs.add(readImage(f, c.card()));
                    }
                    return plane ? plane(c, files, xs, bar, cancellation, start)
                            : path(c, files, xs, bar, cancellation, start);
                }
            });
        } finally {
            bar.finish();
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s to %s%n", written, out);
        return 0;
    }

    private String plane(Classifier c, List<Path> files, List<float[]> xs, ProgressLine bar,
            SignalCancellation cancellation, long start) throws IOException {
        ModelCard card = c.card();
        DecisionPlane dp = DecisionPlane.through(c, xs.get(0), xs.get(1), xs.get(2));
        DecisionPlane.Window window = dp.defaultWindow(extent);
        DecisionPlane.Result r = dp.compute(resolution, window,
                f -> bar.update(f, resolution + "×" + resolution + " grid", f >= 1), cancellation::isCancelled);
        int scale = Math.max(1, (int) Math.ceil(512.0 / resolution));
        Files.createDirectories(out);
        writePng(out.resolve("plane.png"), DecisionPlane.renderWithLegend(r, card.classNames(), scale));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        List<Map<String, Object>> list = new ArrayList<>();
        String[] letters = {"A", "B", "C"};
        for (int i = 0; i < 3; i++) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", letters[i]);
            a.put("file", files.get(i).toString());
            a.put("u", r.anchors()[i][0]);
            a.put("v", r.anchors()[i][1]);
            int cls = r.anchorClasses()[i];
            a.put("predicted", cls);
            a.put("predictedName", card.classNames().get(cls));
            a.put("confidence", r.anchorProbabilities()[i][cls]);
            a.put("predictedFromPlaneCoordinates", r.anchorPlaneClasses()[i]);
            list.add(a);
        }
        root.put("anchors", list);
        root.put("resolution", resolution);
        root.put("extent", extent);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("centerU", window.centerU());
        w.put("centerV", window.centerV());
        w.put("halfSize", window.halfSize());
        w.put("uMin", window.uMin());
        w.put("uMax", window.uMax());
        w.put("vMin", window.vMin());
        w.put("vMax", window.vMax());
        root.put("window", w);
        root.put("axes", "u along B − A, v along the part of C − A orthogonal to it; units: distance in the model's"
                + " normalized input space; row 0 of the image is the largest v");
        Map<String, Object> fractions = new LinkedHashMap<>();
        double[] f = r.classFractions();
        for (int k = 0; k < f.length; k++) {
            fractions.put(card.classNames().get(k), f[k]);
        }
        root.put("classFractions", fractions);
        root.put("image", "plane.png");
        root.put("imageScale", scale);
        root.put("wallSeconds", (System.nanoTime() - start) / 1e9);
        writeJson(out.resolve("plane.json"), root);
        return "plane.png and plane.json";
    }

    private String path(Classifier c, List<Path> files, List<float[]> xs, ProgressLine bar,
            SignalCancellation cancellation, long start) throws IOException {
        ModelCard card = c.card();
        DecisionPath.Result r = DecisionPath.compute(c, xs.get(0), xs.get(1), points,
                f -> bar.update(f, points + " points", f >= 1), cancellation::isCancelled);
        Files.createDirectories(out);
        writePng(out.resolve("path.png"), DecisionPath.chart(r, card.classNames(), 960, 480));
        List<Map<String, Object>> crossings = new ArrayList<>();
        for (int i = 0; i < r.crossings().size(); i++) {
            DecisionPath.Crossing x = r.crossings().get(i);
            String name = "crossing-" + (i + 1) + ".png";
            writePng(out.resolve(name), Images.toBufferedImage(toPixels(x.image(), card), card.channels(),
                    card.height(), card.imageWidth()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", x.t());
            m.put("before", x.before());
            m.put("after", x.after());
            m.put("from", x.from());
            m.put("fromName", card.classNames().get(x.from()));
            m.put("to", x.to());
            m.put("toName", card.classNames().get(x.to()));
            m.put("probabilities", x.probabilities());
            m.put("image", name);
            crossings.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toString());
        root.put("p", files.get(0).toString());
        root.put("q", files.get(1).toString());
        root.put("points", points);
        root.put("distance", r.distance());
        root.put("classNames", card.classNames());
        root.put("t", r.t());
        root.put("probabilities", r.probabilities());
        root.put("predicted", r.classes());
        root.put("crossings", crossings);
        root.put("chart", "path.png");
        root.put("wallSeconds", (System.nanoTime() - start) / 1e9);
        writeJson(out.resolve("path.json"), root);
        return "path.png, path.json and " + crossings.size() + " crossing image" + (crossings.size() == 1 ? "" : "s");
    }

    /** The normalized image back in [0,1] pixels. */
    private static float[] toPixels(float[] x, ModelCard card) {
        int plane = card.height() * card.imageWidth();
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = (float) (x[i] * card.stdOf(i / plane) + card.meanOf(i / plane));
        }
        return p;
    }

    private static List<Path> imageList(String text, String option, int count) {
        List<Path> files = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of)
                .toList();
        if (files.size() != count) {
            throw new UserInputException(option + " needs " + count + " images separated by commas, got "
                    + files.size());
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new UserInputException("no such image: " + f);
            }
        }
        return files;
    }

    /** The image as the model's normalized input; it must already have the model's size (no silent resizing). */
    private static float[] readImage(Path file, ModelCard card) throws IOException {
        BufferedImage img = org.dsvstudio.data.Images.read(file);
        if (img == null) {
            throw new UserInputException("not a PNG or JPEG image: " + file);
        }
        if (img.getWidth() != card.imageWidth() || img.getHeight() != card.height()) {
            throw new UserInputException(String.format(Locale.ROOT, "%s is %d×%d pixels, the model takes %d×%d",
                    file, img.getWidth(), img.getHeight(), card.imageWidth(), card.height()));
        }
        return ExplainImages.readNormalized(file, card);
    }

    private static void writePng(Path file, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static void writeJson(Path file, Object value) throws IOException {
        AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(value));
    }
}
