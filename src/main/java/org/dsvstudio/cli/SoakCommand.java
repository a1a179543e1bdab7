package org.dsvstudio.cli;

import org.dsvstudio.bench.Soak;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code soak}: a long DeepKKT run and many load/unload cycles in one process, with RSS and live NDArrays
 * printed as they go; exit 1 when memory grows after warm-up. A benchmark, not a test (minutes long).
 */
@Command(name = "soak", description = "Soak test: a long DeepKKT run and many load/unload cycles of a TorchScript"
        + " model in this process, printing resident memory and live NDArrays; after warm-up (the first tenth)"
        + " RSS must grow < 5 % and live NDArrays not at all. Run it as packaging/dsv-studio soak to measure the"
        + " launcher's settings.")
public final class SoakCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "sample-models/convnet-fashion", paramLabel = "MODEL",
            description = "Model of the DeepKKT part (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--pt", defaultValue = "src/test/resources/torchscript/tiny_convnet.pt", paramLabel = "FILE",
            description = "TorchScript model of the load/unload part (default ${DEFAULT-VALUE}; its card beside it or"
                    + " given with --input-shape/--class-names/--mean/--std, default digits 1,28,28).")
    Path pt;

    @Option(names = "--steps", defaultValue = "10000", description = "DeepKKT steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--every", defaultValue = "500", description = "Sample every this many steps (default ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--cycles", defaultValue = "1000", description = "Load/unload cycles (default ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--cycles-every", defaultValue = "100",
            description = "Sample every this many cycles (default ${DEFAULT-VALUE}).")
    int cyclesEvery;

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
        if (steps < 10 * every || every < 1 || cycles < 10 * cyclesEvery || cyclesEvery < 1) {
            throw new UserInputException("--steps must be at least 10 × --every and --cycles at least 10 ×"
                    + " --cycles-every (warm-up is the first tenth of the samples)");
        }
        if (modelOptions.inputShape == null && classNames.names() == null && modelOptions.mean == null
                && modelOptions.std == null) {
            modelOptions.inputShape = "1,28,28";
            classNames.classNames = "0,1,2,3,4,5,6,7,8,9";
            modelOptions.mean = "0.286";
            modelOptions.std = "0.353";
        }
        Soak.Options o = new Soak.Options(model, pt, modelOptions.toOverrides(classNames.names()), steps, every,
                cycles, cyclesEvery);
        DjlEngine engine = common.startEngine();
        var out = spec.commandLine().getOut();
        List<String> problems = ComputeThread.get().call(() -> Soak.run(o, engine, out, spec.commandLine().getErr()));
        if (!problems.isEmpty()) {
            out.println("PROBLEMS:");
            problems.forEach(p -> out.println("  " + p));
            out.flush();
            return 1;
        }
        return 0;
    }
}
