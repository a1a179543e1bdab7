package org.dsvstudio.cli;

import org.dsvstudio.bench.KktBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code benchmark}: time per DeepKKT step in Java (DJL) against the same step in PyTorch, GFLOP/s against a
 * measured matmul peak, and RSS over a long run. CPU only; each measurement runs in a child process.
 */
@Command(name = "benchmark", description = "Time the DeepKKT step (forward + both backward passes + update) in"
        + " Java/DJL and in PyTorch (scripts/kkt_step_reference.py, same weights and threads), print the ratio"
        + " Java/Python, the achieved GFLOP/s against a measured matmul peak, and the resident memory over a long run."
        + " CPU only; see docs/benchmark.md.")
public final class BenchmarkCommand implements Callable<Integer> {

    @Option(names = "--models", split = ",", paramLabel = "DIR[,DIR...]",
            description = "Model folders (built-in architectures; default: sample-models/convnet-fashion,"
                    + "sample-models/resnet-fashion).")
    List<Path> models;

    @Option(names = "--sizes", split = ",", paramLabel = "N[,N...]", description = "Candidate counts (default 10,100).")
    int[] sizes;

    @Option(names = "--threads", split = ",", paramLabel = "T[,T...]", description = "Thread counts (default 1,2).")
    int[] threads;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps per measurement; the median is "
            + "reported (default ${DEFAULT-VALUE}; above n = 10 scaled by 10/n, at least 5).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rss-steps", defaultValue = "2000",
            description = "Steps of the memory runs (ConvNet, n = 10, once with default JVM options and once with the"
                    + " settings of packaging/dsv-studio; 0 = skip; default ${DEFAULT-VALUE}).")
    int rssSteps;

    @Option(names = "--rss-threads", defaultValue = "2", description = "Threads of the memory run (default ${DEFAULT-VALUE}).")
    int rssThreads;

    @Option(names = "--rss-python", description = "Also record the Python step's memory over the same steps.")
    boolean rssPython;

    @Option(names = "--quick", description = "Fewer sizes: n = 10 only, 1 and 2 threads, 10 steps, 500 memory steps "
            + "(explicit options still win).")
    boolean quick;

    @Option(names = "--profile", description = "Also time forward, first backward, second backward and update "
            + "separately in both languages (and a variant with x and A(x) in one concatenated batch), and trace one"
            + " step's operators in each.")
    boolean profile;

    @Option(names = "--omp-passive", description = "Start the Java and Python children with OMP_WAIT_POLICY=PASSIVE"
            + " (OpenMP threads sleep instead of spinning: far faster when other processes compete for the cores).")
    boolean ompPassive;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--script", defaultValue = "scripts/kkt_step_reference.py", paramLabel = "FILE",
            description = "The PyTorch reference step (default ${DEFAULT-VALUE}).")
    Path script;

    @Option(names = "--work", defaultValue = "target/benchmark", paramLabel = "DIR",
            description = "Where exported weights and child logs go (default ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Option(names = "--worker", description = "Instead: the compute worker's start time and the same quick run in"
            + " this process and through the worker (the first --models entry), alternating rounds.")
    boolean worker;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds of --worker (default ${DEFAULT-VALUE}).")
    int rounds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var parsed = spec.commandLine().getParseResult();
        List<Path> chosen = models != null ? models
                : List.of(Path.of("sample-models", "convnet-fashion"), Path.of("sample-models", "resnet-fashion"));
        List<Path> missing = new ArrayList<>();
        for (Path m : chosen) {
            if (!Files.isDirectory(m)) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            throw new UserInputException("model folder(s) not found: " + missing + " (train them with "
                    + "scripts/train-samples.sh or give --models)");
        }
        if (worker) {
            return org.dsvstudio.bench.WorkerBenchmark.run(chosen.get(0), rounds, spec.commandLine().getOut());
        }
        int[] n = sizes != null ? sizes : quick ? new int[] {10} : new int[] {10, 100};
        int[] t = threads != null ? threads : new int[] {1, 2};
        int timed = quick && !parsed.hasMatchedOption("--steps") ? 10 : steps;
        int rss = quick && !parsed.hasMatchedOption("--rss-steps") ? 500 : rssSteps;
        if (timed < 1 || warmup < 1 || rss < 0 || Arrays.stream(n).anyMatch(v -> v < 1)
                || Arrays.stream(t).anyMatch(v -> v < 1) || rssThreads < 1) {
            throw new UserInputException("--steps, --warmup, --sizes, --threads and --rss-threads must be ≥ 1, "
                    + "--rss-steps ≥ 0");
        }
        if (rss > 0 && rss < 200) {
            throw new UserInputException("--rss-steps must be 0 or at least 200 (growth is measured after step 100)");
        }
        KktBenchmark.Options options = new KktBenchmark.Options(chosen, n, t, timed, warmup, rss, rssThreads, rssPython,
                profile, ompPassive, python, script, work);
        return KktBenchmark.run(options, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
