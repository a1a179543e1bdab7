package org.dsvstudio.cli;

import org.dsvstudio.app.AppInfo;
import org.dsvstudio.app.DsvExport;
import org.dsvstudio.app.GenerationPlan;
import org.dsvstudio.app.OutputFolder;
import org.dsvstudio.app.RunExecutor;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code generate}: runs DeepKKT on a model and writes the DSVs. */
@Command(name = "generate", description = "Generate Deep Support Vectors of a model with DeepKKT.")
public final class GenerateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--per-class", defaultValue = "1", description = "Candidates per class (with --mix: in total).")
    int perClass;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}); the same"
            + " seed gives the same DSVs on the CPU.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for dsvs.json, one PNG per"
            + " DSV and gallery.png.")
    Path out;

    @Option(names = "--classes", paramLabel = "c1,c2", description = "Class names or indices (default: all).")
    String classes;

    @Option(names = "--init", defaultValue = "noise", paramLabel = "noise|other|real", description = "Start from"
            + " noise, another data set's images (0 shots) or the model's own data (k shots); with --data.")
    String init;

    @Option(names = "--data", paramLabel = "PATH", description = "Images for --init other|real (train split).")
    Path data;

    @Option(names = "--mix", paramLabel = "a:0.4,b:0.6", description = "Generate class blends with this soft target.")
    String mix;

    @Mixin
    KktOptions kktOptions;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--class-names", paramLabel = "a,b,...|@FILE",
            description = "Class names of a bare .pt, comma separated, or @file with one per line (--classes picks"
                    + " the classes to generate for).")
    String classNames;

    @Mixin
    ClassMapOption classMap;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GenerationPlan.Init start = GenerationPlan.Init.parse(init);
        KktConfig config = kktOptions.resolve(start == GenerationPlan.Init.REAL);
        ImageDataset images = start == GenerationPlan.Init.NOISE ? null
                : DatasetLoader.load(requireData(), Split.TRAIN);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(err);
        KktResult result;
        ModelCard[] card = new ModelCard[1];
        DsvExport.Provenance[] provenance = new DsvExport.Provenance[1];
        // claimed before the run: a folder that cannot be written, holds other files or is being written by
        // another run is refused now, not after minutes of compute
        try (OutputFolder output = OutputFolder.claim(out, 0);
                SignalCancellation cancellation = new SignalCancellation(120)) {
            result = ComputeThread.get().call(() -> {
                try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames), engine.device());
                        AutogradBridge bridge = AutogradBridge.load()) {
                    List<String> wanted = classes == null ? null : Arrays.asList(classes.split(","));
                    int[] classIndices = GenerationPlan.resolveClasses(c.card(), wanted);
                    float[] target = mix == null ? null : GenerationPlan.parseMix(c.card(), mix);
                    if (perClass < 1) { // in the flag's own name, before RunSpec's words for the window
                        throw new IllegalArgumentException("--per-class must be at least 1");
                    }
                    // the app's run service: the same plan and job as a run queued in the window
                    RunSpec run = new RunSpec(config, classIndices, perClass, target, start, data, seed);
                    KktResult r = RunExecutor.run(c, bridge, run,
                            folder -> start == GenerationPlan.Init.REAL ? classMap.align(images, c.card().classNames())
                                    : images, new Workbench.RunListener() {
                        @Override
                        public void request(KktRequest request) {
                            err.printf(Locale.ROOT, "DeepKKT on %s: %d candidates, preset %s, %s distance on %s, %d"
                                    + " steps, %s%n", c.card().name(), request.size(), config.preset(),
                                    config.distance(), String.join(",", config.parameters()), config.steps(),
                                    engine.deviceNote());
                        }

                        @Override
                        public void progress(KktProgress p) {
                            bar.update((double) p.step() / p.steps(), String.format(Locale.ROOT,
                                    "step %d/%d loss %.4g stat/λ0 %.4f entropy %.2f kept %d %.1f step/s", p.step(),
                                    p.steps(), p.losses().total(), p.losses().stationarityRatio(), p.meanEntropy(),
                                    count(p.removed(), false), p.stepsPerSecond()), p.step() == p.steps());
                        }
                    }, cancellation::isCancelled);
                    bar.finish();
                    if (r.stepsDone() == 0 && r.stopReason() != null && !r.cancelled()) {
                        return r; // refused before the first step (e.g. memory): nothing worth writing
                    }
                    card[0] = c.card();
                    provenance[0] = new DsvExport.Provenance(c.card().name(), c.source().toString(), c.sha256(),
                            AppInfo.VERSION, engine.versionLine(), engine.deviceNote(), DsvCli.commandLine(),
                            Instant.now().toString());
                    return r;
                }
            });
            bar.finish();
            // written here, off the compute thread: exit after Ctrl-C waits for this (SignalCancellation) but
            // gives a compute call only 5 s, which a large gallery's PNGs could outlast
            if (provenance[0] != null) {
                output.ensureSpace(DsvExport.estimatedBytes(result, card[0]));
                output.write(staging -> DsvExport.write(staging, result, card[0], provenance[0]));
            }
        } finally {
            bar.finish();
        }
        result.notes().forEach(note -> err.println("dsv-studio: note: " + note));
        if (result.stepsDone() == 0 && result.stopReason() != null && !result.cancelled()) {
            err.println("dsv-studio: " + result.stopReason());
            return 1;
        }
        stdout.printf(Locale.ROOT, "Wrote %d DSVs (%d kept, primal feasibility %.0f %%) to %s in %.1f s; stationarity "
                        + "%.4g = %.4f × its λ=0 value; mean entropy %.3f → %.3f%n",
                result.candidates().size(), result.kept().size(), 100 * result.primalFeasibility(), out,
                result.wallSeconds(), result.last() == null ? Double.NaN : result.last().stationarity(),
                result.last() == null ? Double.NaN : result.last().stationarityRatio(), result.initialMeanEntropy(),
                result.finalMeanEntropy());
        if (result.kktWarning() != null) {
            err.println("dsv-studio: warning: " + result.kktWarning());
        }
        if (result.cancelled()) {
            err.println("dsv-studio: cancelled after " + result.stepsDone() + " steps; wrote what exists to " + out);
            return DsvCli.EXIT_CANCELLED;
        }
        if (result.stopReason() != null) {
            err.println("dsv-studio: " + result.stopReason());
            return 1;
        }
        return 0;
    }

    private Path requireData() {
        if (data == null) {
            throw new UserInputException("--init " + init + " needs --data PATH");
        }
        return data;
    }

    private static int count(boolean[] flags, boolean value) {
        int n = 0;
        for (boolean f : flags) {
            n += f == value ? 1 : 0;
        }
        return n;
    }
}
