package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.evidence.Legibility;
import org.dsvstudio.evidence.RunImages;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code legibility RUN_DIR --judge MODEL …}: do models that did not make the DSVs see their classes in them? */
@Command(name = "legibility", description = "Judge a run's kept DSVs with independent models (agreement with"
        + " their class, beside real images) and compare their image statistics with real images'.")
public final class LegibilityCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A generate output folder (dsvs.json + PNGs).")
    Path run;

    @Option(names = "--judge", required = true, paramLabel = "MODEL",
            description = "A model that did not make the DSVs (repeat for several; e.g. sample-models/judges/*).")
    List<Path> judges;

    @Option(names = "--data", paramLabel = "PATH", description = "Real data of the same classes (its test split);"
            + " default: the first judge's data set under ./data or $DSV_DATA.")
    Path data;

    @Option(names = "--real-per-class", defaultValue = "30",
            description = "Real test images per class judged and measured (default ${DEFAULT-VALUE}).")
    int realPerClass;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the real-image draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON report to FILE.")
    Path out;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (realPerClass < 2 || realPerClass > 1000) {
            throw new UserInputException("--real-per-class must be in 2..1000");
        }
        ImageDataset dsvs = RunImages.read(run);
        String maker = RunImages.modelName(run);
        DjlEngine engine = common.startEngine();
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, Object> report = ComputeThread.get().call(() -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            ImageDataset real = null;
            String realName = null;
            for (Path judgePath : judges) {
                try (Classifier judge = ModelLoader.load(judgePath, CardOverrides.NONE, engine.device())) {
                    if (maker != null && maker.equals(judge.card().name())) {
                        throw new UserInputException("judge " + judgePath + " is " + maker + ", the model that made"
                                + " the DSVs: a judge must be another model");
                    }
                    if (real == null) {
                        Path folder = data != null ? data : defaultData(judge);
                        ImageDataset test = DatasetLoader.load(folder, Split.TEST);
                        real = test.samplePerClass(Math.min(realPerClass, minClassCount(test)), seed);
                        realName = test.name();
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("judge", judge.card().name());
                    row.put("path", judgePath.toString());
                    row.put("architecture", judge.card().architecture());
                    row.put("dsvs", Legibility.judge(judge, dsvs));
                    row.put("real", Legibility.judge(judge, real));
                    rows.add(row);
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("run", run.toString());
            r.put("model", maker);
            r.put("realData", realName);
            r.put("judges", rows);
            r.put("dsvStats", Legibility.stats(dsvs));
            r.put("realStats", Legibility.stats(real));
            return r;
        });
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (out != null) {
            AtomicFiles.write(out, mapper.writeValueAsBytes(report));
        }
        if (json) {
            stdout.println(mapper.writeValueAsString(report));
            return 0;
        }
        Legibility.Stats d = (Legibility.Stats) report.get("dsvStats");
        Legibility.Stats r = (Legibility.Stats) report.get("realStats");
        stdout.printf(Locale.ROOT, "%s: %d kept DSVs of %s; real: %d images of %s%n", run, d.images(), maker,
                r.images(), report.get("realData"));
        stdout.printf(Locale.ROOT, "%-24s %-11s %10s %10s %10s %10s%n", "judge", "kind", "DSVs agree", "p(own)",
                "real agree", "p(own)");
        for (Object o : (List<?>) report.get("judges")) {
            Map<?, ?> row = (Map<?, ?>) o;
            Legibility.Verdict v = (Legibility.Verdict) row.get("dsvs");
            Legibility.Verdict rv = (Legibility.Verdict) row.get("real");
            stdout.printf(Locale.ROOT, "%-24s %-11s %9.1f%% %10.3f %9.1f%% %10.3f%n", row.get("judge"),
                    row.get("architecture"), 100 * v.agreement(), v.meanOwnProbability(), 100 * rv.agreement(),
                    rv.meanOwnProbability());
        }
        stdout.printf(Locale.ROOT, "%-24s %10s %10s %14s %16s%n", "images", "contrast", "brightness",
                "high-freq share", "within-class dist");
        for (Legibility.Stats s : new Legibility.Stats[] {d, r}) {
            stdout.printf(Locale.ROOT, "%-24s %10.3f %10.3f %14.3f %16.2f%n", s == d ? "DSVs" : "real", s.contrast(),
                    s.brightness(), s.highFrequencyShare(), s.withinClassDistance());
        }
        return 0;
    }

    private static Path defaultData(Classifier judge) {
        String dataset = judge.card().dataset();
        if (dataset == null || dataset.isBlank()) {
            throw new UserInputException("judge " + judge.card().name() + " names no data set: give --data PATH");
        }
        return DatasetLoader.defaultDataDir(dataset.split("/")[0]);
    }

    private static int minClassCount(ImageDataset data) {
        int[] counts = data.classCounts();
        int min = Integer.MAX_VALUE;
        for (int c : counts) {
            min = Math.min(min, c);
        }
        return min;
    }
}
