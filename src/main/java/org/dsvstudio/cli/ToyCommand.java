package org.dsvstudio.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.teach.Playground;
import org.dsvstudio.teach.Svm;
import org.dsvstudio.teach.ToyData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code toy --data moons}: the Teach tab's experiment without the window — an SVM and a small network on 2-D
 * data, DeepKKT on the network alone, and the read-outs that connect them — so that they can be checked and
 * reproduced.
 */
@Command(name = "toy", description = "On 2-D data: an SVM (LIBSVM) beside a small network, DeepKKT on the network"
        + " alone, and how its DSVs relate to the boundary and to the SVM's support vectors.")
public final class ToyCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "blobs|moons|circles|xor|spiral|FILE.csv",
            description = "A generated data set, or a CSV file of x,y,class lines.")
    String data;

    @Option(names = "--points", defaultValue = "200", description = "Points generated (default ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--noise", defaultValue = "0.15", description = "Noise of the generated points (default"
            + " ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--classes", defaultValue = "2", description = "Classes of blobs, 2 or 3 (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the data, the network and DeepKKT (default"
            + " ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kernel", defaultValue = "rbf", paramLabel = "linear|rbf", description = "The SVM's kernel"
            + " (default ${DEFAULT-VALUE}).")
    String kernel;

    @Option(names = "--C", defaultValue = "1", description = "The SVM's C (default ${DEFAULT-VALUE}).")
    double c;

    @Option(names = "--gamma", defaultValue = "1", description = "The RBF kernel's γ (default ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--arch", defaultValue = "toy-mlp", paramLabel = "toy-mlp|linear",
            description = "The network (default ${DEFAULT-VALUE}: two hidden ReLU layers).")
    String arch;

    @Option(names = "--width", defaultValue = "32", description = "Hidden units per layer (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--weight-decay", defaultValue = "5e-3", description = "The network's weight decay μ (default"
            + " ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--epochs", defaultValue = "200", description = "Training epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--per-class", defaultValue = "10", description = "DeepKKT candidates per class (default"
            + " ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--steps", defaultValue = "400", description = "DeepKKT steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--distance", defaultValue = "cosine", paramLabel = "NAME", description = "DeepKKT's stationarity"
            + " distance (as generate's --distance; default ${DEFAULT-VALUE}).")
    String distance;

    @Option(names = "--json", description = "Print the read-outs as JSON.")
    boolean json;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ToyData toy = Files.isRegularFile(Path.of(data)) ? ToyData.readCsv(Path.of(data))
                : ToyData.generate(data, points, noise, seed, classes);
        Svm.Kernel k;
        try {
            k = Svm.Kernel.valueOf(kernel.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--kernel must be linear or rbf, got '" + kernel + "'");
        }
        if (!arch.equals("toy-mlp") && !arch.equals("linear")) {
            throw new UserInputException("--arch must be toy-mlp or linear, got '" + arch + "'");
        }
        if (!(weightDecay > 0 && weightDecay <= 1)) {
            throw new UserInputException("--weight-decay must be in (0, 1], got " + weightDecay);
        }
        org.dsvstudio.kkt.Distance dist;
        try {
            dist = org.dsvstudio.kkt.Distance.valueOf(distance.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--distance must be one of " + java.util.Arrays.toString(
                    org.dsvstudio.kkt.Distance.values()).toLowerCase(Locale.ROOT) + ", got '" + distance + "'");
        }
        Playground.Settings settings = new Playground.Settings(k, c, gamma, arch, width, weightDecay, epochs, perClass,
                steps, seed, dist);
        DjlEngine engine = common.startEngine();
        PrintWriter out = spec.commandLine().getOut();
        try (SignalCancellation cancellation = new SignalCancellation(30)) {
            Playground.Outcome o = ComputeThread.get().call(() -> Playground.run(toy, settings, engine.device(),
                    p -> { }, cancellation::isCancelled));
            if (json) {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode root = mapper.createObjectNode();
                root.put("data", o.data());
                root.put("points", o.points());
                root.put("classes", o.classes());
                root.put("seed", seed);
                root.set("svm", mapper.valueToTree(o.svm()));
                root.set("network", mapper.valueToTree(o.net()));
                root.set("deepKkt", mapper.valueToTree(o.dsv()));
                out.println(mapper.writeValueAsString(root));
                return 0;
            }
            Playground.SvmReadout s = o.svm();
            Playground.NetReadout n = o.net();
            Playground.DsvReadout d = o.dsv();
            out.printf(Locale.ROOT, "%s: %d points, %d classes, seed %d%n", o.data(), o.points(), o.classes(), seed);
            out.printf(Locale.ROOT, "SVM (%s, C %.3g, γ %.3g): %d support vectors, accuracy %.1f %%, margin width"
                    + " %.3f%n", s.kernel(), s.c(), s.gamma(), s.supportVectors(), 100 * s.accuracy(), s.marginWidth());
            out.printf(Locale.ROOT, "network (%s, width %d, weight decay %.3g, %d epochs): accuracy %.1f %%%n",
                    n.architecture(), n.width(), n.weightDecay(), n.epochs(), 100 * n.accuracy());
            out.printf(Locale.ROOT, "DeepKKT on the network alone: %d of %d candidates kept, %.0f %% classified as"
                    + " their class, stationarity %.3f of its λ = 0 value%n", d.kept(), d.candidates(),
                    100 * d.primalFeasibility(), d.stationarityRatio());
            out.printf(Locale.ROOT, "distance to the network's boundary, median: DSVs %.3f, data %.3f%n",
                    d.medianDistance(), d.dataMedianDistance());
            out.printf(Locale.ROOT, "DSVs within one margin width (%.3f) of an SVM support vector: %d of %d%n",
                    s.marginWidth(), d.nearSvmSupportVector(), d.kept());
            return 0;
        }
    }
}
