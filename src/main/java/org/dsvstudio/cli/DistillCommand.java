package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.evidence.Distiller;
import org.dsvstudio.model.Architectures;
import org.dsvstudio.model.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code distill --images SET --data PATH}: trains a fresh network on a small image set and reports its real
 * test accuracy over seeds (dataset-distillation evaluation).
 */
@Command(name = "distill", description = "Train a fresh network on a small image set (DSVs, random:K or "
        + "top-lambda:K real images) and report its test accuracy, mean ± std over seeds.")
public final class DistillCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, paramLabel = "DIR|random:K|top-lambda:K",
            description = "A generate output folder, K random real training images per class, or the K per class "
                    + "with the highest λ in --ranking.")
    String images;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "The real data set (train + test).")
    Path data;

    @Option(names = "--arch", defaultValue = "convnet", paramLabel = "convnet|resnet8|resnet20|resnet18",
            description = "Fresh network to train (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", description = "ConvNet width (default 64).")
    Integer width;

    @Option(names = "--seeds", defaultValue = "3", description = "Fresh networks to train (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0", description = "Seed of the first network; the others"
            + " follow (default ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--epochs", defaultValue = "" + DistillCommand.DEFAULT_EPOCHS,
            description = "Passes over the set (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "" + DistillCommand.DEFAULT_LR,
            description = "Adam learning rate, constant (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "μ of an explicit (μ/2)‖θ‖² term"
            + " (default ${DEFAULT-VALUE}, as in the paper's distillation).")
    double weightDecay;

    @Option(names = "--shift", defaultValue = "2", description = "Random translation ±pixels (default ${DEFAULT-VALUE}).")
    int shift;

    @Option(names = "--ranking", paramLabel = "FILE", description = "λ ranking written by faithfulness (for top-lambda:K).")
    Path ranking;

    @Option(names = "--test-limit", defaultValue = "0",
            description = "Test on only the first N test images per class (0 = all).")
    int testLimit;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON report here; while seeds are"
            + " still to come, the finished ones are kept in FILE.partial.")
    Path out;

    @Option(names = "--resume", description = "Take the finished seeds from --out's FILE.partial (left by an"
            + " interrupted run of the same set, data and recipe) and train only the rest.")
    boolean resume;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    static final int DEFAULT_EPOCHS = 300;
    /** The paper's rate; 1e-3 and 3e-3 measured the same within noise (docs/evidence.md). */
    static final double DEFAULT_LR = 1e-4;

    @Override
    public Integer call() throws Exception {
        String architecture = arch.toLowerCase(Locale.ROOT);
        if (!Architectures.NAMES.contains(architecture)) {
            throw new UserInputException("unknown --arch '" + arch + "' (choose one of " + Architectures.NAMES + ")");
        }
        Distiller.Recipe recipe = new Distiller.Recipe(architecture, width, epochs, batchSize, lr, weightDecay, shift);
        try {
            recipe.trainConfigCheck();
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        if (resume && out == null) {
            throw new UserInputException("--resume needs --out (the finished seeds are kept in FILE.partial)");
        }
        ImageDataset train = DatasetLoader.load(data, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(data, Split.TEST);
        if (testLimit > 0) {
            test = test.firstPerClass(testLimit);
        }
        String dataName = data.toAbsolutePath().getFileName().toString();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path partial = out == null ? null : out.resolveSibling(out.getFileName() + ".partial");
        Map<Long, Distiller.SeedResult> done = resume ? finishedSeeds(mapper, partial, dataName, test.size(), recipe)
                : Map.of();
        if (!done.isEmpty()) {
            err.printf(Locale.ROOT, "resuming: seeds %s taken from %s%n", done.keySet(), partial);
        }
        List<Distiller.SeedResult> finished = new ArrayList<>(done.values());
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(err);
        SignalCancellation cancellation = new SignalCancellation(30);
        ImageDataset testSet = test;
        Distiller.Report report;
        try {
            report = ComputeThread.get().call(() -> Distiller.run(images, train, testSet, ranking, recipe, seeds,
                    firstSeed, dataName, engine.device(), done,
                    (i, n, f) -> bar.update((i + f) / n, String.format(Locale.ROOT, "seed %d/%d", i + 1, n), false),
                    cancellation::isCancelled,
                    r -> {
                        bar.finish();
                        err.printf(Locale.ROOT, "seed %d: %d images → %.2f %% test accuracy (%.0f s)%n", r.seed(),
                                r.trainImages(), 100 * r.accuracy(), r.trainSeconds());
                        finished.add(r);
                        if (partial != null) {
                            // hours of training per row: an interruption must not lose the seeds already done
                            writeQuietly(partial, mapper, reportJson(dataName, testSet.size(), recipe, finished));
                        }
                    }));
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        } finally {
            bar.finish();
            cancellation.close();
        }
        Map<String, Object> m = reportJson(dataName, report.testImages(), recipe, report.seeds());
        if (out != null) {
            AtomicFiles.write(out, mapper.writeValueAsBytes(m));
            Files.deleteIfExists(partial);
        }
        if (json) {
            stdout.println(mapper.writeValueAsString(m));
        } else {
            stdout.printf(Locale.ROOT, "%s: %.2f ± %.2f %% test accuracy over %d seed(s) (%d test images)%n", images,
                    100 * report.mean(), 100 * report.std(), report.seeds().size(), report.testImages());
        }
        return 0;
    }

    private Map<String, Object> reportJson(String dataName, int testImages, Distiller.Recipe recipe,
            List<Distiller.SeedResult> seedResults) {
        Distiller.Report r = new Distiller.Report(images, recipe, dataName, testImages, seedResults);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", images);
        m.put("data", dataName);
        m.put("testImages", testImages);
        m.put("recipe", recipe);
        m.put("meanAccuracy", r.mean());
        m.put("stdAccuracy", r.std());
        m.put("seeds", seedResults);
        m.put("command", DsvCli.commandLine());
        return m;
    }

    /** The seeds an interrupted run left in {@code partial}, if it was the same set, data, test split and recipe. */
    private Map<Long, Distiller.SeedResult> finishedSeeds(ObjectMapper mapper, Path partial, String dataName,
            int testImages, Distiller.Recipe recipe) throws IOException {
        if (!Files.exists(partial)) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = mapper.readTree(partial.toFile());
        } catch (IOException e) {
            throw new UserInputException(partial + " is not a distill report (" + e.getMessage().lines().findFirst()
                    .orElse("") + "): remove it or drop --resume");
        }
        boolean same = images.equals(node.path("images").asText()) && dataName.equals(node.path("data").asText())
                && testImages == node.path("testImages").asInt(-1)
                && mapper.valueToTree(recipe).equals(node.path("recipe"));
        if (!same) {
            throw new UserInputException(partial + " was written for another set, data, test split or recipe: remove"
                    + " it or drop --resume");
        }
        Map<Long, Distiller.SeedResult> done = new TreeMap<>();
        for (JsonNode s : node.path("seeds")) {
            Distiller.SeedResult r = mapper.treeToValue(s, Distiller.SeedResult.class);
            if (r.seed() >= firstSeed && r.seed() < firstSeed + seeds) {
                done.put(r.seed(), r);
            }
        }
        return done;
    }

    private static void writeQuietly(Path file, ObjectMapper mapper, Object value) {
        try {
            AtomicFiles.write(file, mapper.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
