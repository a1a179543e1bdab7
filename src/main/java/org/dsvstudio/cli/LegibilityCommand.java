package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.evidence.Legibility;
import org.dsvstudio.evidence.RunImages;
import org.dsvstudio.model.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
        DjlEngine engine = common.startEngine();
        PrintWriter stdout = spec.commandLine().getOut();
        Legibility.Report report = ComputeThread.get().call(() -> judgeRun(run, judges, data, realPerClass, seed,
                engine));
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (out != null) {
            AtomicFiles.write(out, mapper.writeValueAsBytes(report));
        }
        if (json) {
            stdout.println(mapper.writeValueAsString(report));
            return 0;
        }
        Legibility.Stats d = report.dsvStats();
        Legibility.Stats r = report.realStats();
        stdout.printf(Locale.ROOT, "%s: %d kept DSVs of %s; real: %d images of %s%n", run, d.images(), report.model(),
                r.images(), report.realData());
        stdout.printf(Locale.ROOT, "%-24s %-11s %10s %10s %10s %10s%n", "judge", "kind", "DSVs agree", "p(own)",
                "real agree", "p(own)");
        for (Legibility.JudgeRow row : report.judges()) {
            stdout.printf(Locale.ROOT, "%-24s %-11s %9.1f%% %10.3f %9.1f%% %10.3f%n", row.judge(), row.architecture(),
                    100 * row.dsvs().agreement(), row.dsvs().meanOwnProbability(), 100 * row.real().agreement(),
                    row.real().meanOwnProbability());
        }
        stdout.printf(Locale.ROOT, "%-24s %10s %10s %14s %16s%n", "images", "contrast", "brightness",
                "high-freq share", "within-class dist");
        for (Legibility.Stats s : new Legibility.Stats[] {d, r}) {
            stdout.printf(Locale.ROOT, "%-24s %10.3f %10.3f %14.3f %16.2f%n", s == d ? "DSVs" : "real", s.contrast(),
                    s.brightness(), s.highFrequencyShare(), s.withinClassDistance());
        }
        return 0;
    }

    /** The run folder's kept DSVs judged (see {@link Legibility#judge}); shared with {@code faithfulness --judge}. */
    static Legibility.Report judgeRun(Path run, List<Path> judgePaths, Path data, int realPerClass, long seed,
            DjlEngine engine) throws java.io.IOException {
        return Legibility.judge(run.toString(), RunImages.modelName(run), RunImages.read(run), judgePaths, data,
                realPerClass, seed, engine.device());
    }
}
