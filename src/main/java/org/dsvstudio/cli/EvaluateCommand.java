package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.train.EvalResult;
import org.dsvstudio.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code evaluate MODEL --data PATH}: overall and per-class accuracy. */
@Command(name = "evaluate", description = "Measure a model's overall and per-class accuracy on a data set.")
public final class EvaluateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "Data folder (IDX, CIFAR binary"
            + " or image folders).")
    Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Which split"
            + " (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all).")
    int limit;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ClassNamesOption classNames;

    @Mixin
    ClassMapOption classMap;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    /** The data converted to the model's input shape, with a note on stderr when anything changes. */
    static ImageDataset fitToModel(ImageDataset data, org.dsvstudio.model.ModelCard card, java.io.PrintWriter err)
            throws java.io.IOException {
        String note = org.dsvstudio.data.ImageConversion.describe(data, card.channels(), card.height(),
                card.imageWidth());
        if (note == null) {
            return data;
        }
        ImageDataset fitted = org.dsvstudio.data.ImageConversion.toShape(data, card.channels(), card.height(),
                card.imageWidth());
        err.println("dsv-studio: note: " + note);
        return fitted;
    }

    @Override
    public Integer call() throws Exception {
        ImageDataset set = DatasetLoader.load(data, Split.parse(split));
        if (limit > 0 && limit < set.size()) {
            int[] first = new int[limit];
            for (int i = 0; i < limit; i++) {
                first[i] = i;
            }
            set = set.subset(first);
        }
        ImageDataset evalSet = set;
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(spec.commandLine().getErr());
        EvalResult result;
        // Ctrl-C / SIGTERM stop between batches (evaluate once ran to the end whatever the signal)
        try (SignalCancellation cancellation = new SignalCancellation(30)) {
            result = ComputeThread.get().call(() -> {
                try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()),
                        engine.device())) {
                    ImageDataset fitted = fitToModel(evalSet, c.card(), spec.commandLine().getErr());
                    return Evaluator.evaluate(c, classMap.align(fitted, c.card().classNames()),
                            f -> bar.update(f, "evaluating", f >= 1), cancellation::isCancelled);
                }
            });
            bar.finish();
            if (cancellation.isCancelled()) {
                spec.commandLine().getErr().println("dsv-studio: cancelled after " + result.samples() + " of "
                        + evalSet.size() + " images");
                return DsvCli.EXIT_CANCELLED;
            }
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("data", evalSet.name());
            m.put("samples", result.samples());
            m.put("accuracy", result.accuracy());
            Map<String, Double> perClass = new LinkedHashMap<>();
            for (int i = 0; i < result.classNames().size(); i++) {
                perClass.put(result.classNames().get(i), result.perClassAccuracy()[i]);
            }
            m.put("perClassAccuracy", perClass);
            m.put("confusion", result.confusion());
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
            return 0;
        }
        out.printf(Locale.ROOT, "Accuracy %.2f %% on %d images of %s%n", 100 * result.accuracy(), result.samples(),
                evalSet.name());
        for (int i = 0; i < result.classNames().size(); i++) {
            out.printf(Locale.ROOT, "  %-14s %6.2f %%  (%d images)%n", result.classNames().get(i),
                    100 * result.perClassAccuracy()[i], result.perClassCount()[i]);
        }
        return 0;
    }
}
