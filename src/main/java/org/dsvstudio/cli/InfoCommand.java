package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
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

/** {@code info MODEL [--json]}: what the model is, takes and says. */
@Command(name = "info", description = "Show a model's card, parameter count, input shape and device.")
public final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder or a TorchScript .pt file.")
    Path model;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

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
        DjlEngine engine = common.startEngine();
        Map<String, Object> info = ComputeThread.get().call(() -> {
            try (Classifier c = ModelLoader.load(model, modelOptions.toOverrides(classNames.names()), engine.device())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", c.source().toString());
                m.put("sha256", c.sha256());
                m.put("parameters", c.parameterCount());
                m.put("device", engine.deviceNote());
                m.put("engine", engine.versionLine());
                m.put("card", c.card());
                return m;
            }
        });
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
            return 0;
        }
        ModelCard card = (ModelCard) info.get("card");
        out.printf("Model        %s%n", card.name());
        out.printf("Path         %s%n", info.get("path"));
        out.printf("Architecture %s%s%n", card.architecture(), card.width() == null ? "" : " (width " + card.width() + ")");
        out.printf("Parameters   %,d%n", (Long) info.get("parameters"));
        out.printf("Input        %d×%d×%d (C×H×W), normalized by mean %s std %s%n", card.channels(), card.height(),
                card.imageWidth(), java.util.Arrays.toString(card.mean()), java.util.Arrays.toString(card.std()));
        out.printf("Classes      %d: %s%n", card.numClasses(), String.join(", ", card.classNames()));
        if (card.testAccuracy() != null) {
            out.printf(Locale.ROOT, "Accuracy     %.2f %% on %d test images of %s%n", 100 * card.testAccuracy(),
                    card.testSamples(), card.dataset());
        }
        if (card.provenance() != null && card.provenance().command() != null) {
            var p = card.provenance();
            out.printf("Trained by   %s%n", p.command());
            out.printf(Locale.ROOT, "             %s, lr %s (%s), weight decay μ = %s, %d epochs, seed %d, %.0f s%n",
                    p.optimizer(), p.learningRate(), p.schedule(), p.weightDecay(), p.epochs(), p.seed(),
                    p.wallTimeSeconds());
        }
        out.printf("SHA-256      %s%n", info.get("sha256"));
        out.printf("Device       %s%n", info.get("device"));
        out.printf("Engine       %s%n", info.get("engine"));
        return 0;
    }
}
