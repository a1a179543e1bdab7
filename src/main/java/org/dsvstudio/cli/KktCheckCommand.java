package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.kkt.KktDiagnostic;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kkt-check MODEL --data PATH}: is the model near the stationary point DeepKKT assumes? */
@Command(name = "kkt-check", description = "Measure how well a model satisfies θ* = −(1/(μN)) Σ ∇ℓ on its training data.")
public final class KktCheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "The model's training data.")
    Path data;

    @Option(names = "--weight-decay", description = "μ (default: from the model card).")
    Double weightDecay;

    @Option(names = "--limit", defaultValue = "0", description = "Use the first N training images per class (0 = all).")
    int limit;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--write-card", description = "Store the result in the model folder's model.json.")
    boolean writeCard;

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
        ImageDataset train = DatasetLoader.load(data, Split.TRAIN);
        if (limit > 0) {
            train = train.firstPerClass(limit);
        }
        ImageDataset set = train;
        DjlEngine engine = common.startEngine();
        ProgressLine bar = new ProgressLine(spec.commandLine().getErr());
        KktDiagnostic.Report report;
        try (SignalCancellation cancellation = new SignalCancellation(30)) {
            report = ComputeThread.get().call(() -> {
                try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()), engine.device());
                        AutogradBridge bridge = AutogradBridge.load()) {
                    Double mu = weightDecay != null ? weightDecay
                            : c.card().provenance() == null ? null : c.card().provenance().weightDecay();
                    return KktDiagnostic.run(c, bridge, classMap.align(set, c.card().classNames()), mu,
                            f -> bar.update(f, "gradients over " + set.size() + " training images", f >= 1),
                            cancellation::isCancelled);
                }
            });
        } finally {
            bar.finish();
        }
        var stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            stdout.printf(Locale.ROOT, "KKT check of %s on %d images of %s, μ = %s%n", report.model(), report.samples(),
                    report.data(), report.weightDecay() == null ? "unknown (give --weight-decay)" : report.weightDecay());
            stdout.printf("%-40s %9s %10s %12s%n", "parameters", "size", "cos(θ,−G)", "residual");
            for (KktDiagnostic.Row r : report.rows()) {
                stdout.printf(Locale.ROOT, "%-40s %9d %10.4f %12.4f%n", r.name(), r.size(), r.cosine(), r.residual());
            }
            stdout.println("cos near 1 and residual near 0 mean the weights are a multiplier-weighted sum of training"
                    + " gradients there, as DeepKKT assumes.");
        }
        if (writeCard) {
            Path cardFile = Files.isDirectory(model) ? model.resolve(ModelCard.FILE_NAME) : null;
            if (cardFile == null || !Files.isRegularFile(cardFile)) {
                throw new UserInputException("--write-card needs a model folder with a model.json");
            }
            ModelCard current = ModelCard.read(cardFile);
            Map<String, Object> extra = current.extra() == null ? new HashMap<>() : new HashMap<>(current.extra());
            extra.put("kktCheck", report);
            new ModelCard(current.name(), current.architecture(), current.width(), current.weightsFile(),
                    current.inputShape(), current.classNames(), current.mean(), current.std(), current.dataset(),
                    current.testAccuracy(), current.testSamples(), current.perClassAccuracy(), current.provenance(),
                    extra).write(cardFile);
        }
        return 0;
    }
}
