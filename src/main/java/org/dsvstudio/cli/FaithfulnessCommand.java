package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.evidence.Faithfulness;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.model.AtomicFiles;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code faithfulness MODEL --data PATH [--dsvs DIR]}: the paper's support-vector checks (feasibility, entropy,
 * λ on real images vs per-class accuracy, distance to the decision boundary) and the λ ranking.
 */
@Command(name = "faithfulness", description = "Check DSVs against the model and its real data: primal feasibility, "
        + "entropy, λ on real images vs per-class accuracy (writes the λ ranking), distance to the boundary.")
public final class FaithfulnessCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "The model's real data set.")
    Path data;

    @Option(names = "--dsvs", paramLabel = "DIR", description = "A generate output folder of this model.")
    Path dsvs;

    @Option(names = "--judge", paramLabel = "MODEL", description = "With --dsvs: judge the DSVs with this model too"
            + " (repeatable; the legibility command's figures, in the JSON as 'legibility').")
    List<Path> judges;

    @Option(names = "--lambda-images", defaultValue = "100",
            description = "Real training images per class scored by λ (default ${DEFAULT-VALUE}).")
    int lambdaImages;

    @Option(names = "--lambda-steps", defaultValue = "500", description = "Adam steps on λ (default ${DEFAULT-VALUE}).")
    int lambdaSteps;

    @Option(names = "--lambda-lr", defaultValue = "0.05", description = "Adam rate of ν, λ = λ₀ν (default ${DEFAULT-VALUE}).")
    double lambdaLr;

    @Option(names = "--margin-images", defaultValue = "500",
            description = "Real test images whose boundary distance is measured (default ${DEFAULT-VALUE}).")
    int marginImages;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the image draws (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ranking", paramLabel = "FILE", defaultValue = "ranking.json",
            description = "Where to write the λ ranking (default ${DEFAULT-VALUE}).")
    Path ranking;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON report here.")
    Path out;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    KktOptions kktOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ClassNamesOption classNames;

    @Mixin
    CommonOptions common;

    @Mixin
    ClassMapOption classMap;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (lambdaImages < 1 || lambdaSteps < 1 || marginImages < 1 || !(lambdaLr > 0)) {
            throw new UserInputException("--lambda-images, --lambda-steps, --margin-images and --lambda-lr must be positive");
        }
        KktConfig config = kktOptions.resolve();
        ImageDataset train = DatasetLoader.load(data, Split.TRAIN);
        ImageDataset test = DatasetLoader.load(data, Split.TEST);
        String dataName = data.toAbsolutePath().getFileName().toString();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(err);
        Faithfulness.Report r;
        try (SignalCancellation cancellation = new SignalCancellation(60)) {
            r = ComputeThread.get().call(() -> {
                try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()),
                        engine.device()); AutogradBridge bridge = AutogradBridge.load()) {
                    return Faithfulness.run(c, bridge,
                            classMap.align(EvaluateCommand.fitToModel(train, c.card(), err), c.card().classNames()),
                            classMap.align(EvaluateCommand.fitToModel(test, c.card(), err), c.card().classNames()),
                            dataName, dsvs, config, lambdaImages, lambdaSteps,
                            lambdaLr, marginImages, seed, ranking, (what, f) -> bar.update(f, what, f >= 1),
                            cancellation::isCancelled);
                }
            });
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        } finally {
            bar.finish();
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Object document = r;
        org.dsvstudio.evidence.Legibility.Report legibility = null;
        if (judges != null && !judges.isEmpty()) {
            if (dsvs == null) {
                throw new UserInputException("--judge needs --dsvs DIR (the run to judge)");
            }
            legibility = ComputeThread.get().call(() -> LegibilityCommand.judgeRun(dsvs, judges, data, 30, seed,
                    engine));
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> map = mapper.convertValue(r, java.util.LinkedHashMap.class);
            map.put("legibility", legibility);
            document = map;
        }
        if (out != null) {
            AtomicFiles.write(out, mapper.writeValueAsBytes(document));
        }
        if (json) {
            stdout.println(mapper.writeValueAsString(document));
            return 0;
        }
        stdout.printf(Locale.ROOT, "%s on %s: test accuracy %.2f %% (%d images)%n", r.model(), r.data(),
                100 * r.testAccuracy(), r.testImages());
        if (r.dsvs() != null) {
            var d = r.dsvs();
            stdout.printf(Locale.ROOT, "DSVs (%s): %d kept; primal feasibility %.1f %% (recorded %.1f %%); mean entropy "
                    + "%.3f → %.3f; boundary distance median %.3f (IQR %.3f–%.3f, %d not flipped)%n", d.folder(),
                    d.dsvs(), 100 * d.primalFeasibility(), 100 * d.recordedPrimalFeasibility(), d.initialMeanEntropy(),
                    d.finalMeanEntropy(), d.margin().median(), d.margin().q1(), d.margin().q3(), d.margin().unflipped());
        }
        var l = r.lambda();
        stdout.printf(Locale.ROOT, "λ on %d real training images per class (%s on %d parameters, %d steps): stationarity "
                        + "%.4g → %.4g (λ=0: %.4g); %d images at λ = 0%n", l.imagesPerClass(), l.distance(),
                l.parameterCount(), l.steps(), l.stationarityAtStart(), l.stationarityAtEnd(), l.stationarityAtZero(),
                l.zeroLambda());
        stdout.printf(Locale.ROOT, "per-class Σλ %s%nper-class test accuracy %s%nPearson ρ(Σλ, accuracy) = %.3f "
                        + "(paper: 0.783); ranking written to %s%n", fmt(l.perClassLambdaSum()),
                fmt(l.perClassTestAccuracy()), l.pearson(), ranking);
        stdout.printf(Locale.ROOT, "real test images (%d): boundary distance median %.3f (IQR %.3f–%.3f, %d not flipped)%n",
                r.realMarginImages(), r.realMargin().median(), r.realMargin().q1(), r.realMargin().q3(),
                r.realMargin().unflipped());
        if (legibility != null) {
            for (org.dsvstudio.evidence.Legibility.JudgeRow row : legibility.judges()) {
                stdout.printf(Locale.ROOT, "judge %s: %.1f %% of the DSVs as their class (real images %.1f %%)%n",
                        row.judge(), 100 * row.dsvs().agreement(), 100 * row.real().agreement());
            }
            stdout.printf(Locale.ROOT, "contrast %.3f (real %.3f); within-class distance %.2f (real %.2f)%n",
                    legibility.dsvStats().contrast(), legibility.realStats().contrast(),
                    legibility.dsvStats().withinClassDistance(), legibility.realStats().withinClassDistance());
        }
        return 0;
    }

    private static String fmt(double[] v) {
        return Arrays.toString(Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.3g", x)).toArray());
    }
}
