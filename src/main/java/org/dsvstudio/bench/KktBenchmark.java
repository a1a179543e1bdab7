package org.dsvstudio.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.engine.LaunchSettings;
import org.dsvstudio.engine.ProcMemory;
import org.dsvstudio.kkt.Augmentation;
import org.dsvstudio.kkt.Augmenter;
import org.dsvstudio.kkt.Distance;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.KktLoss;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The DeepKKT step benchmark: time per step (forward + both backward passes + update) of the Java/DJL
 * implementation ({@link KktJob} with {@link KktLoss}) side by side with the same step written in PyTorch
 * (scripts/kkt_step_reference.py, run by /usr/bin/python3 with the same weights and threads), the achieved
 * GFLOP/s against a measured matmul peak, and the resident memory over a long run.
 *
 * <p>Threads: libtorch reads {@code ai.djl.pytorch.num_threads} / {@code ai.djl.pytorch.num_interop_threads}
 * once, in {@code PtEngine.newInstance()} (checked in the pytorch-engine 0.36.0 bytecode), so every Java
 * measurement runs in a child JVM started with those properties ({@link #main} is the child's entry point).
 * The parent never starts the engine; it only starts children, parses their one-line JSON results and prints
 * the tables. Each (model, n, threads) is measured by a Java child and then a Python child, back to back, so
 * both see about the same background load.
 */
public final class KktBenchmark {

    /** β₁ of the paper's distillation setting. */
    public static final double PRIMAL_WEIGHT = 2e-3;
    /** η of the paper. */
    public static final double AUGMENT_WEIGHT = 5;
    public static final double LR_X = 0.01;
    /** Small, so no ν turns negative (a removed candidate would not change the cost, but keeps runs alike). */
    public static final double LR_NU = 1e-4;
    public static final int MATMUL_SIZE = 1024;

    static final String RESULT_PREFIX = "DSV-BENCH-RESULT ";
    private static final int PROBE = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KktBenchmark() {
    }

    /**
     * The configuration equal to the Python step: every trainable parameter, L1_MEAN, augmentation on with
     * η = 5 (the paper's transforms without flip), β₁ = 2e-3, TV = norm = 0, λ₀ auto (1/(μ·n)), ν starting
     * at 1, one chunk holding all n candidates, a progress snapshot every step (the timer reads it).
     */
    public static KktConfig config(int n, int steps) {
        return config(n, steps, 1);
    }

    static KktConfig config(int n, int steps, int progressEvery) {
        return KktConfig.builder().preset("benchmark").steps(steps).primalWeight(PRIMAL_WEIGHT).stationarityWeight(1.0)
                .augmentWeight(AUGMENT_WEIGHT).tvWeight(0).normWeight(0).distance(Distance.L1_MEAN)
                .parameters(List.of("all")).lambdaScale(0).lambdaInitSpread(0).lrX(LR_X).lrLambda(LR_NU).adamBeta1(0.9)
                .adamBeta2(0.999).augmentation(Augmentation.PAPER_NO_FLIP).noiseStd(1.0).chunkSize(n)
                .progressEvery(progressEvery).build().validate();
    }

    /**
     * Floating-point operations of one step as the step is written (analytic, convolutions and linear layers
     * only; norms, activations and pooling are elementwise and omitted). With F = 2·MACs of one image's
     * forward pass, and x and A(x) each in its own forward pass of n images (2n images in all):
     * <ul>
     *   <li>forward: 1·F per image;</li>
     *   <li>first backward, ∇_θ with create_graph, once per half (Σλℓ(x) over x's graph, Σλℓ(A(x)) over
     *       A(x)'s): the weight gradient and the input gradient of every layer, 2·F per image;</li>
     *   <li>second backward, ∂total/∂(x, ν) through both gradient graphs: a convolution's backward node
     *       (grad_weight = a ⋆ δ, grad_input = δ ⋆ Wᵀ) differentiated once more costs three convolutions of
     *       the same size (w.r.t. a, w.r.t. δ for grad_weight, w.r.t. δ for grad_input; nothing w.r.t. W since
     *       θ is not asked for), plus one input-gradient pass through the forward graph: 3·F + 1·F = 4·F per
     *       image;</li>
     *   <li>total: (1 + 2 + 4)·F = 7·F per image × 2n images, plus the augmentation's two batched matmuls
     *       (R_h·x: n·H·H·W MACs, ·R_wᵀ: n·H·W·W MACs) forward and backward (×2 FLOPs ×2 passes).</li>
     * </ul>
     * Before KktLoss split the forward, [x; A(x)] ran as one batch and each ∇_θ pass walked the other half's
     * zero rows too: 12·F per image, up to 12/7 ≈ 1.7× the useful work (the profile's 'concatenated' variant).
     */
    public static double stepFlops(long forwardMacsPerImage, int n, int height, int width) {
        double f = 2.0 * forwardMacsPerImage;
        double augment = 2.0 * 2.0 * n * ((double) height * height * width + (double) height * width * width);
        return 7 * f * 2 * n + augment;
    }

    /** Multiply-accumulates of one image's forward pass through the convolutions and linear layers. */
    public static long forwardMacs(Block block, Shape input) {
        if (block instanceof SequentialBlock) {
            long macs = 0;
            Shape s = input;
            for (Block child : block.getChildren().values()) {
                macs += forwardMacs(child, s);
                s = child.getOutputShapes(new Shape[] {s})[0];
            }
            return macs;
        }
        if (block instanceof ParallelBlock) {
            long macs = 0;
            for (Block child : block.getChildren().values()) {
                macs += forwardMacs(child, input);
            }
            return macs;
        }
        if (block instanceof Conv2d) {
            Shape out = block.getOutputShapes(new Shape[] {input})[0];
            long spatial = out.size() / (out.get(0) * out.get(1));
            return weightSize(block) * spatial;
        }
        if (block instanceof Linear) {
            return weightSize(block);
        }
        long macs = 0;
        for (Block child : block.getChildren().values()) {
            macs += forwardMacs(child, input);
        }
        return macs;
    }

    private static long weightSize(Block block) {
        return block.getParameters().get("weight").getArray().size();
    }

    // ================================================================================================= parent

    /**
     * What to measure.
     *
     * @param models model folders (built-in architectures)
     * @param sizes candidate counts n
     * @param threads intra-op thread counts
     * @param steps timed steps per measurement (median reported)
     * @param warmup untimed steps before (at least 1)
     * @param rssSteps steps of the memory run (0 = skip)
     * @param rssThreads threads of the memory run
     * @param rssPython also record the Python reference step's memory over the same steps
     * @param profile also time the phases of the step in both languages
     * @param ompPassive start every child with OMP_WAIT_POLICY=PASSIVE (OpenMP threads sleep at once instead of
     *     spinning: much faster when other processes compete for the cores, a little slower on an idle machine)
     * @param python the Python interpreter
     * @param script scripts/kkt_step_reference.py
     * @param workDir where weights, probes and child logs go
     */
    public record Options(List<Path> models, int[] sizes, int[] threads, int steps, int warmup, int rssSteps,
            int rssThreads, boolean rssPython, boolean profile, boolean ompPassive, Path python, Path script,
            Path workDir) {

        /**
         * Timed steps at size n: {@code steps} up to n = 10, then scaled by 10/n but at least 5 (a step at
         * n = 100 takes seconds on two cores; 20 of them per language, model and thread count would make one
         * run take half an hour).
         */
        public int stepsFor(int n) {
            return n <= 10 ? steps : Math.min(steps, Math.max(5, (int) Math.round(steps * 10.0 / n)));
        }

        /** Warm-up steps at size n: {@code warmup}, at most 2 above n = 10 (only the first step is slow). */
        public int warmupFor(int n) {
            return n <= 10 ? warmup : Math.min(warmup, 2);
        }
    }

    /** One line of the speed table. */
    public record Row(String model, int n, int threads, int timedSteps, double otherLoad, double javaMs, double pythonMs, double javaGflops,
            double peakGflops, double pythonPeakGflops, Map<String, Double> javaPhases,
            Map<String, Double> javaConcatenatedPhases, Map<String, Double> pythonPhases,
            Map<String, Double> pythonConcatenatedPhases) {

        public double ratio() {
            return javaMs / pythonMs;
        }
    }

    /** Runs every measurement and prints the tables; returns 0, or 1 when a check failed. */
    public static int run(Options o, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        if (!Files.isRegularFile(o.script())) {
            throw new IllegalArgumentException("reference script not found: " + o.script()
                    + " (run from the project folder or give --script)");
        }
        if (!Files.isExecutable(o.python())) {
            throw new IllegalArgumentException("Python interpreter not found: " + o.python());
        }
        Files.createDirectories(o.workDir().resolve("logs"));
        List<String> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<OpTable> traces = new ArrayList<>();
        out.printf(Locale.ROOT, "DeepKKT step benchmark — %d cores, %s; Java children: -Dai.djl.pytorch.num_threads=T, "
                + "Python: %s (torch.set_num_threads(T))%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), o.python());
        out.println("OMP_WAIT_POLICY of the children: " + (o.ompPassive() ? "PASSIVE (--omp-passive)"
                : System.getenv().getOrDefault("OMP_WAIT_POLICY", "(not set: OpenMP default)")));
        Load load = backgroundLoad();
        if (!load.description().isEmpty()) {
            out.println("note: other processes were using the CPU when the benchmark started: " + load.description());
        }
        out.flush();
        Path convnetForRss = null;
        for (Path model : o.models()) {
            String name = model.toAbsolutePath().normalize().getFileName().toString();
            Path dir = o.workDir().resolve(name).toAbsolutePath();
            err.printf("[%s] exporting weights and checking Java against PyTorch…%n", name);
            err.flush();
            Map<String, Object> prep = javaChild(o, model, dir, o.threads()[0], "prepare", 0, 0, 0, false, false,
                    name + "-prepare");
            if ("convnet".equalsIgnoreCase(String.valueOf(prep.get("architecture"))) && convnetForRss == null) {
                convnetForRss = model;
            }
            Map<String, Object> pyCheck = pythonChild(o, dir, o.threads()[0], PROBE, 0, 0, Double.NaN, false, true,
                    false, false, name + "-check");
            String check = compare(name, prep, pyCheck, problems);
            out.println(check);
            out.flush();
            long macs = ((Number) prep.get("forwardMacs")).longValue();
            int[] shape = toIntArray(prep.get("inputShape"));
            for (int t : o.threads()) {
                Double peak = null;
                Double pyPeak = null;
                for (int n : o.sizes()) {
                    CpuSnapshot before = CpuSnapshot.now();
                    err.printf(Locale.ROOT, "[%s] n = %d, %d thread%s: Java…%n", name, n, t, t == 1 ? "" : "s");
                    err.flush();
                    Map<String, Object> j = javaChild(o, model, dir, t, "time", n, o.stepsFor(n), o.warmupFor(n),
                            peak == null, o.profile(), name + "-n" + n + "-t" + t);
                    if (peak == null) {
                        peak = ((Number) j.get("matmulGflops")).doubleValue();
                    }
                    if (((Number) j.get("threads")).intValue() != t) {
                        problems.add(name + ": the Java child ran with " + j.get("threads") + " threads, asked " + t);
                    }
                    err.printf("[%s] n = %d, %d thread%s: Java %.1f ms/step; Python…%n", name, n, t, t == 1 ? "" : "s",
                            ((Number) j.get("medianMs")).doubleValue());
                    err.flush();
                    double lambda0 = ((Number) j.get("lambda0")).doubleValue();
                    Map<String, Object> p = pythonChild(o, dir, t, n, o.stepsFor(n), o.warmupFor(n), lambda0,
                            o.profile(), false, pyPeak == null, false, name + "-n" + n + "-t" + t);
                    if (pyPeak == null) {
                        pyPeak = ((Number) p.get("matmul_gflops")).doubleValue();
                    }
                    Map<String, Double> concatenated = null;
                    if (o.profile()) {
                        Map<String, Object> ps = pythonChild(o, dir, t, n, Math.max(3, o.stepsFor(n) / 2),
                                o.warmupFor(n), lambda0, true, false, false, true, name + "-n" + n + "-t" + t + "-concatenated");
                        concatenated = doubles(ps.get("phases_ms"));
                        concatenated.put("step", ((Number) ps.get("median_ms")).doubleValue());
                    }
                    if (((Number) p.get("threads")).intValue() != t) {
                        problems.add(name + ": the Python child ran with " + p.get("threads") + " threads, asked " + t);
                    }
                    double javaMs = ((Number) j.get("medianMs")).doubleValue();
                    double pythonMs = ((Number) p.get("median_ms")).doubleValue();
                    double otherLoad = CpuSnapshot.otherLoad(before, CpuSnapshot.now());
                    err.printf(Locale.ROOT, "[%s] n = %d, %d thread%s: Java %.1f ms/step, Python %.1f ms/step, ratio %.2f"
                            + " (other processes meanwhile: %.0f %% of a core)%n", name, n, t, t == 1 ? "" : "s", javaMs,
                            pythonMs, javaMs / pythonMs, otherLoad);
                    err.flush();
                    double flops = stepFlops(macs, n, shape[1], shape[2]);
                    rows.add(new Row(name, n, t, o.stepsFor(n), otherLoad, javaMs, pythonMs,
                            flops / (javaMs / 1000) / 1e9, peak, pyPeak, withPrefix(doubles(j.get("phasesMs")), false),
                            withPrefix(doubles(j.get("phasesMs")), true), doubles(p.get("phases_ms")), concatenated));
                    if (o.profile() && t == o.threads()[0]) {
                        err.printf("[%s] n = %d, %d thread%s: operator traces…%n", name, n, t, t == 1 ? "" : "s");
                        err.flush();
                        Map<String, Object> jt = javaChild(o, model, dir, t, "trace", n, 0, o.warmupFor(n), false, false,
                                name + "-n" + n + "-t" + t + "-trace");
                        Path pyTrace = dir.resolve("trace-python-n" + n + ".json");
                        pythonChild(o, dir, t, n, 1, o.warmupFor(n), lambda0, false, false, false, false,
                                name + "-n" + n + "-t" + t + "-trace", "--trace", pyTrace.toString());
                        Map<String, Object> sum = pythonChild(o, dir, t, n, 0, 0, Double.NaN, false, false, false, false,
                                name + "-traces", "--summarize-traces", String.valueOf(jt.get("trace")), pyTrace.toString());
                        traces.add(new OpTable(name, n, t, JSON.convertValue(sum.get("ops"),
                                new TypeReference<List<List<Object>>>() { }),
                                ((Number) sum.get("java_total_ms")).doubleValue(),
                                ((Number) sum.get("python_total_ms")).doubleValue()));
                    }
                    String logitCheck = compareLogits(prep, p);
                    if (logitCheck != null) {
                        problems.add(name + " n=" + n + " t=" + t + ": " + logitCheck);
                    }
                }
            }
        }
        out.println();
        printSpeedTable(rows, out);
        if (o.profile()) {
            out.println();
            printProfile(rows, out);
            for (OpTable table : traces) {
                out.println();
                printOps(table, out);
            }
        }
        if (o.rssSteps() > 0) {
            out.println();
            if (convnetForRss == null) {
                out.println("RSS: skipped (no ConvNet among the models)");
            } else {
                String name = convnetForRss.toAbsolutePath().normalize().getFileName().toString();
                Path dir = o.workDir().resolve(name).toAbsolutePath();
                String threadsText = o.rssThreads() + " thread" + (o.rssThreads() == 1 ? "" : "s");
                err.printf("[%s] memory: %d steps, n = 10, %s, default JVM options…%n", name, o.rssSteps(), threadsText);
                err.flush();
                Map<String, Object> plain = javaChild(o, convnetForRss, dir, o.rssThreads(), "rss", 10, o.rssSteps(), 0,
                        false, false, name + "-rss");
                err.printf("[%s] memory: %d steps, n = 10, %s, the launcher's settings…%n", name, o.rssSteps(),
                        threadsText);
                err.flush();
                Map<String, Object> fixed = javaChild(o, convnetForRss, dir, o.rssThreads(), "rss", 10, o.rssSteps(), 0,
                        false, false, name + "-rss-launcher", LaunchSettings.ENVIRONMENT, LaunchSettings.JVM_OPTIONS);
                Map<String, Object> py = null;
                if (o.rssPython()) {
                    err.printf("[%s] memory: %d steps, n = 10, %s, Python…%n", name, o.rssSteps(), threadsText);
                    err.flush();
                    py = pythonChild(o, dir, o.rssThreads(), 10, o.rssSteps(), 0, ((Number) plain.get("lambda0"))
                            .doubleValue(), false, false, false, false, name + "-rss", "--rss-every", "100");
                }
                printRss(name, o.rssThreads(), plain, fixed, py, out, problems);
            }
        }
        if (!problems.isEmpty()) {
            out.println();
            out.println("PROBLEMS:");
            problems.forEach(p -> out.println("  " + p));
        }
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }

    private static void printSpeedTable(List<Row> rows, PrintWriter out) {
        out.println("| model | n | threads | steps | Java ms/step | Python ms/step | ratio Java/Python | Java GFLOP/s "
                + "| peak GFLOP/s (libtorch matmul) | Java % of peak | peak GFLOP/s (Python torch matmul) "
                + "| other CPU load |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.3f%s | %.1f | %.1f | %.0f %% | %.1f | %.0f %% |%n",
                    r.model(), r.n(), r.threads(), r.timedSteps(), r.javaMs(), r.pythonMs(), r.ratio(),
                    r.ratio() <= 0.8 ? "" : " (> 0.8)", r.javaGflops(), r.peakGflops(),
                    100 * r.javaGflops() / r.peakGflops(), r.pythonPeakGflops(), r.otherLoad());
        }
        if (rows.stream().anyMatch(r -> r.otherLoad() > 20)) {
            out.println("WARNING: other processes used the CPU during some measurements ('other CPU load' = machine-wide"
                + " busy time minus this benchmark's own processes, % of one core, over the Java and Python runs of"
                + " the row): those rows are not clean; with more threads than free cores, OpenMP's spinning threads"
                + " can make a step many times slower (try --omp-passive, or rerun those sizes).");
        }
        long misses = rows.stream().filter(r -> r.ratio() > 0.8).count();
        out.printf(Locale.ROOT, "Target ratio ≤ 0.8: %s (%d of %d sizes miss)%n", misses == 0 ? "met" : "MISSED",
                misses, rows.size());
        out.println("Times are medians of 'steps' timed steps after warm-up. GFLOP/s = analytic FLOPs of the step as"
                + " written (7·F per image × 2n images, F = 2·forward MACs; see KktBenchmark.stepFlops) / Java median"
                + " time; peak = best 1024×1024 float32 matmul with the same threads.");
    }

    private static void printProfile(List<Row> rows, PrintWriter out) {
        out.println("Where the time goes (median ms per phase, measured after the timed steps. Java = the calls of"
                + " KktLoss for one chunk written out and timed one by one; its 'step' is the KktJob median above, so"
                + " step − sum is what KktJob/KktLoss do besides (TV and norm diagnostics, conversions, snapshots);"
                + " 'KktLoss.evaluate alone' = KktLoss.evaluate called on its own (draw to backward2, no update)."
                + " 'close' = freeing the step's arrays and the gradient collector. 'concatenated' = a variant, not what"
                + " KktLoss does: x and A(x) in one concatenated batch instead of two forward passes (Java: the written-out"
                + " calls, its 'step' = their sum):");
        String[] phases = {"draw+augment", "forward", "backward1", "loss", "backward2", "update", "close"};
        out.println("| model | n | threads | language | " + String.join(" | ", phases)
                + " | sum | step | KktLoss.evaluate alone |");
        out.println("|---|---:|---:|---|" + "---:|".repeat(phases.length + 3));
        for (Row r : rows) {
            profileLine(out, r, "Java", r.javaPhases(), phases, r.javaMs());
            if (r.javaConcatenatedPhases() != null && !r.javaConcatenatedPhases().isEmpty()) {
                double sum = 0;
                for (String phase : phases) {
                    sum += r.javaConcatenatedPhases().getOrDefault(phase, 0.0);
                }
                profileLine(out, r, "Java concatenated", r.javaConcatenatedPhases(), phases, sum);
            }
            profileLine(out, r, "Python", r.pythonPhases(), phases, r.pythonMs());
            if (r.pythonConcatenatedPhases() != null) {
                profileLine(out, r, "Python concatenated", r.pythonConcatenatedPhases(), phases,
                        r.pythonConcatenatedPhases().get("step"));
            }
        }
    }

    /** The operators with the most self time in one traced step of each language (profiler overhead included). */
    record OpTable(String model, int n, int threads, List<List<Object>> ops, double javaTotalMs, double pythonTotalMs) {
    }

    private static void printOps(OpTable t, PrintWriter out) {
        out.printf(Locale.ROOT, "Operators of one traced step, %s, n = %d, %d thread%s (self time; the profilers add"
                + " overhead: traced totals Java %.0f ms, Python %.0f ms):%n", t.model(), t.n(), t.threads(),
                t.threads() == 1 ? "" : "s", t.javaTotalMs(), t.pythonTotalMs());
        out.println("| operator | Java ms | Python ms | Java calls | Python calls |");
        out.println("|---|---:|---:|---:|---:|");
        for (List<Object> op : t.ops()) {
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %d | %d |%n", op.get(0), ((Number) op.get(1)).doubleValue(),
                    ((Number) op.get(2)).doubleValue(), ((Number) op.get(3)).intValue(), ((Number) op.get(4)).intValue());
        }
    }

    private static void profileLine(PrintWriter out, Row r, String language, Map<String, Double> p, String[] phases,
            double step) {
        if (p == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        double sum = 0;
        for (String phase : phases) {
            Double v = p.get(phase);
            sb.append(v == null ? " – |" : String.format(Locale.ROOT, " %.1f |", v));
            sum += v == null ? 0 : v;
        }
        Double evaluate = p.get("KktLoss.evaluate");
        out.printf(Locale.ROOT, "| %s | %d | %d | %s |%s %.1f | %.1f | %s |%n", r.model(), r.n(), r.threads(), language,
                sb, sum, step, evaluate == null ? "–" : String.format(Locale.ROOT, "%.1f", evaluate));
    }

    private static void printRss(String name, int threads, Map<String, Object> plain, Map<String, Object> fixed,
            Map<String, Object> python, PrintWriter out, List<String> problems) {
        List<List<Number>> a = JSON.convertValue(plain.get("rss"), new TypeReference<List<List<Number>>>() { });
        List<List<Number>> b = JSON.convertValue(fixed.get("rss"), new TypeReference<List<List<Number>>>() { });
        List<List<Number>> c = python == null ? null
                : JSON.convertValue(python.get("rss"), new TypeReference<List<List<Number>>>() { });
        int steps = ((Number) plain.get("stepsDone")).intValue();
        out.printf(Locale.ROOT, "Memory: %s, n = 10, %d thread%s, %d steps, VmRSS (/proc/self/status) every 100 steps and the peak"
                + " RSS of each 100 steps (VmHWM, reset through /proc/self/clear_refs at every sample)."
                + " (A) Java with default JVM options (java -jar); (B) Java as packaging/dsv-studio starts it (%s,"
                + " environment %s)%s%n", name, threads, threads == 1 ? "" : "s", steps,
                String.join(" ", LaunchSettings.JVM_OPTIONS), LaunchSettings.ENVIRONMENT,
                c == null ? "." : "; (C) the Python reference step.");
        out.println("| step | (A) VmRSS MB | (A) Java heap committed MB | (A) Java heap used MB | (A) direct buffers MB"
                + " | (B) VmRSS MB | (B) direct buffers MB | (B) peak RSS of the last 100 steps MB"
                + (c == null ? " |" : " | (C) Python VmRSS MB |"));
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|" + (c == null ? "" : "---:|"));
        for (int i = 0; i < a.size(); i++) {
            List<Number> s = a.get(i);
            List<Number> f = i < b.size() ? b.get(i) : null;
            out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s |%s%n", s.get(0).intValue(), mb(s, 1),
                    mb(s, 2), mb(s, 3), mb(s, 4), mb(f, 1), mb(f, 4), mb(f, 5),
                    c == null ? "" : " " + mb(i < c.size() ? c.get(i) : null, 1) + " |");
        }
        double growthA = rssLine(out, "(A) Java, default JVM options", a, ((Number) plain.get("vmHwmKb")).doubleValue(),
                ((Number) plain.get("medianMs")).doubleValue());
        double growthB = rssLine(out, "(B) Java, launcher settings", b, ((Number) fixed.get("vmHwmKb")).doubleValue(),
                ((Number) fixed.get("medianMs")).doubleValue());
        if (c != null) {
            rssLine(out, "(C) Python", c, ((Number) python.get("vmhwm_kb")).doubleValue(),
                    ((Number) python.get("median_ms")).doubleValue());
        }
        out.printf(Locale.ROOT, "Verdict: growth after step 100 (largest 100-step peak after step 200 vs the peak of steps"
                + " 101–200) must stay < 5 %%: (A) %s, (B) %s.%n",
                growthA < 5 ? "flat" : "NOT flat", growthB < 5 ? "flat" : "NOT flat");
        if (!(growthA < 5) || !(growthB < 5)) {
            problems.add(String.format(Locale.ROOT, "RSS grew after step 100: %.1f %% with default JVM options, %.1f %% "
                    + "with the launcher's settings", growthA, growthB));
        }
        for (Map<String, Object> r : List.of(plain, fixed)) {
            if (r.get("stopReason") != null) {
                problems.add("a memory run stopped early: " + r.get("stopReason"));
            }
        }
    }

    /** One sample's field in MB, or "–" where the sample or the field is missing (older or Python samples). */
    private static String mb(List<Number> sample, int field) {
        if (sample == null || sample.size() <= field || sample.get(field).doubleValue() < 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f", sample.get(field).doubleValue() / 1024);
    }

    /**
     * Prints one summary line and returns the growth after step 100 in percent that the criterion judges. Where
     * the child measured each 100-step window's peak RSS (VmHWM, reset at every sample), that is the largest
     * window peak after step 200 against the peak of steps 101–200: a peak measured the same way on both sides,
     * spikes inside a step included. Otherwise (Python, or no reset allowed) the largest 100-step sample after
     * step 100 against the sample at step 100.
     */
    private static double rssLine(PrintWriter out, String label, List<List<Number>> samples, double hwmKb,
            double stepMs) {
        double at100 = Double.NaN;
        double last = Double.NaN;
        double max = 0;
        int lastStep = 0;
        double peak200 = Double.NaN;
        double peakLater = Double.NaN;
        for (List<Number> s : samples) {
            int step = s.get(0).intValue();
            double kb = s.get(1).doubleValue();
            if (step == 100) {
                at100 = kb;
            }
            if (step >= 100) {
                max = Math.max(max, kb);
            }
            double window = s.size() > 5 ? s.get(5).doubleValue() : -1;
            if (window > 0 && step == 200) {
                peak200 = window;
            } else if (window > 0 && step > 200) {
                peakLater = Double.isNaN(peakLater) ? window : Math.max(peakLater, window);
            }
            last = kb;
            lastStep = step;
        }
        double growth = 100 * (last - at100) / at100;
        double maxGrowth = 100 * (max - at100) / at100;
        boolean windows = !Double.isNaN(peak200) && !Double.isNaN(peakLater);
        double peakGrowth = windows ? 100 * (peakLater - peak200) / peak200 : Double.NaN;
        // With the windows VmHWM was reset at every sample, so the process's own peak is no longer the run's.
        out.printf(Locale.ROOT, "%s: RSS at step 100 %.1f MB, at step %d %.1f MB: growth %+.1f %% (largest sample %.1f MB,"
                + " %+.1f %%)%s; step %.1f ms%n", label, at100 / 1024, lastStep, last / 1024, growth, max / 1024,
                maxGrowth, windows
                        ? String.format(Locale.ROOT, "; peak RSS steps 101–200 %.1f MB, largest 100-step peak after"
                                + " that %.1f MB (%+.1f %%)", peak200 / 1024, peakLater / 1024, peakGrowth)
                        : String.format(Locale.ROOT, "; VmHWM %.1f MB", hwmKb / 1024), stepMs);
        return windows ? peakGrowth : maxGrowth;
    }

    /** Compares the Java child's probe values with Python's; returns the printed line. */
    private static String compare(String name, Map<String, Object> java, Map<String, Object> py, List<String> problems) {
        double logits = maxAbsDiff(toFloatList(java.get("probeLogits")), toFloatList(py.get("probe_logits")));
        double gx = relDiff(toFloatList(java.get("gradX")), toFloatList(py.get("grad_x")));
        double gnu = relDiff(toFloatList(java.get("gradNu")), toFloatList(py.get("grad_nu")));
        double sj = ((Number) java.get("stationarity")).doubleValue();
        double sp = ((Number) py.get("stationarity")).doubleValue();
        boolean ok = logits <= 1e-4;
        if (!ok) {
            problems.add(name + ": probe logits differ by " + logits + " (> 1e-4): the PyTorch rebuild is not the same net");
        }
        if (!(gx <= 1e-2) || !(gnu <= 1e-2)) {
            problems.add(name + ": the DeepKKT gradients differ (∂x rel. " + gx + ", ∂ν rel. " + gnu + ")");
        }
        return String.format(Locale.ROOT, "check %s: probe logits max |Java − Python| = %.2e (%s ≤ 1e-4); "
                + "stationarity Java %.7g / Python %.7g; ∂x max rel. diff %.1e, ∂ν %.1e", name, logits,
                ok ? "ok," : "FAILED,", sj, sp, gx, gnu);
    }

    private static String compareLogits(Map<String, Object> java, Map<String, Object> py) {
        double d = maxAbsDiff(toFloatList(java.get("probeLogits")), toFloatList(py.get("probe_logits")));
        return d <= 1e-4 ? null : "probe logits differ by " + d;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a == null || b == null || a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** max |a − b| / max |b|. */
    private static double relDiff(float[] a, float[] b) {
        double scale = 0;
        if (b == null) {
            return Double.POSITIVE_INFINITY;
        }
        for (float v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        return maxAbsDiff(a, b) / Math.max(scale, 1e-30);
    }

    private static Map<String, Object> javaChild(Options o, Path model, Path dir, int threads, String task, int n,
            int steps, int warmup, boolean matmul, boolean profile, String label, String... jvmOptions)
            throws IOException, InterruptedException {
        return javaChild(o, model, dir, threads, task, n, steps, warmup, matmul, profile, label, Map.of(),
                List.of(jvmOptions));
    }

    private static Map<String, Object> javaChild(Options o, Path model, Path dir, int threads, String task, int n,
            int steps, int warmup, boolean matmul, boolean profile, String label, Map<String, String> env,
            List<String> jvmOptions) throws IOException, InterruptedException {
        Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=1",
                "-DDJL_CACHE_DIR=" + DjlEngine.cacheDir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), KktBenchmark.class.getName(),
                "--task", task, "--model", model.toAbsolutePath().toString(), "--dir", dir.toString(),
                "--n", Integer.toString(n), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup)));
        if (matmul) {
            cmd.add("--matmul");
        }
        if (profile) {
            cmd.add("--profile");
        }
        return runChild(o, cmd, threads, o.workDir().resolve("logs").resolve("java-" + label + ".log"), RESULT_PREFIX,
                env);
    }

    private static Map<String, Object> pythonChild(Options o, Path dir, int threads, int n, int steps, int warmup,
            double lambda0, boolean profile, boolean check, boolean matmul, boolean concatenated, String label,
            String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(o.python().toString(), o.script().toAbsolutePath().toString(),
                "--weights", dir.toString(), "--n", Integer.toString(n), "--threads", Integer.toString(threads),
                "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
                "--primal-weight", Double.toString(PRIMAL_WEIGHT), "--augment-weight", Double.toString(AUGMENT_WEIGHT),
                "--lr-x", Double.toString(LR_X), "--lr-nu", Double.toString(LR_NU)));
        if (!Double.isNaN(lambda0)) {
            cmd.add("--lambda0");
            cmd.add(Double.toString(lambda0));
        }
        if (profile) {
            cmd.add("--profile");
        }
        if (check) {
            cmd.add("--check");
        }
        if (matmul) {
            cmd.add("--matmul");
        }
        if (concatenated) {
            cmd.add("--concatenated");
        }
        cmd.addAll(List.of(extra));
        return runChild(o, cmd, threads, o.workDir().resolve("logs").resolve("python-" + label + ".log"), "{\"torch\"");
    }

    /** Runs a child, stderr to the log, and returns the JSON of its stdout line that starts with prefix. */
    private static Map<String, Object> runChild(Options o, List<String> cmd, int threads, Path log, String prefix)
            throws IOException, InterruptedException {
        return runChild(o, cmd, threads, log, prefix, Map.of());
    }

    private static Map<String, Object> runChild(Options o, List<String> cmd, int threads, Path log, String prefix,
            Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
        if (o.ompPassive()) {
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        }
        pb.environment().putAll(env);
        Process process = pb.start();
        String found = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    found = line;
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("benchmark child timed out: " + String.join(" ", cmd));
        }
        int rc = process.exitValue();
        if (rc != 0 || found == null) {
            throw new IllegalStateException("benchmark child failed (exit " + rc + "): " + String.join(" ", cmd)
                    + "\n" + tail(log, 15));
        }
        String json = found.startsWith(RESULT_PREFIX) ? found.substring(RESULT_PREFIX.length()) : found;
        return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Machine-wide busy CPU time (/proc/stat) and this JVM's own plus its reaped children's CPU time
     * (/proc/self/stat utime, stime, cutime, cstime), in clock ticks: between two snapshots, the difference is
     * what other processes used.
     */
    record CpuSnapshot(long busyTicks, long ownTicks, long nanos) {

        private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

        static CpuSnapshot now() {
            try {
                String cpu = Files.readAllLines(Paths.get("/proc/stat")).get(0);
                String[] f = cpu.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                String self = Files.readString(Paths.get("/proc/self/stat"));
                String[] g = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
                long own = Long.parseLong(g[11]) + Long.parseLong(g[12]) + Long.parseLong(g[13]) + Long.parseLong(g[14]);
                return new CpuSnapshot(total - idle, own, System.nanoTime());
            } catch (IOException | RuntimeException e) {
                return new CpuSnapshot(-1, -1, System.nanoTime());
            }
        }

        /** Percent of one core used by other processes between a and b (NaN off Linux). */
        static double otherLoad(CpuSnapshot a, CpuSnapshot b) {
            if (a.busyTicks() < 0 || b.busyTicks() < 0) {
                return Double.NaN;
            }
            double seconds = (b.nanos() - a.nanos()) / 1e9;
            double other = (b.busyTicks() - a.busyTicks()) - (b.ownTicks() - a.ownTicks());
            return Math.max(0, 100 * other / TICKS_PER_SECOND / seconds);
        }
    }

    /** CPU use of other processes over one second: total percent of one core, and the busiest ones. */
    record Load(double percent, String description) {
    }

    /** Other processes using CPU right now (from /proc via ProcessHandle; excluding this JVM). */
    static Load backgroundLoad() {
        List<String> busy = new ArrayList<>();
        double total = 0;
        try {
            ProcessHandle self = ProcessHandle.current();
            Map<Long, Long> before = new LinkedHashMap<>();
            ProcessHandle.allProcesses().forEach(p -> p.info().totalCpuDuration()
                    .ifPresent(d -> before.put(p.pid(), d.toMillis())));
            long t0 = System.nanoTime();
            Thread.sleep(1000);
            double wall = (System.nanoTime() - t0) / 1e6;
            for (ProcessHandle p : ProcessHandle.allProcesses().filter(p -> p.pid() != self.pid()).toList()) {
                Long b = before.get(p.pid());
                var d = p.info().totalCpuDuration();
                if (b == null || d.isEmpty()) {
                    continue;
                }
                double percent = 100.0 * (d.get().toMillis() - b) / wall;
                total += percent;
                if (percent > 20) {
                    String command = p.info().commandLine().orElse(p.info().command().orElse("pid " + p.pid()));
                    busy.add(String.format(Locale.ROOT, "%.0f %% %s", percent,
                            command.length() > 110 ? command.substring(0, 110) + "…" : command));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return new Load(Double.NaN, "");
        }
        return new Load(total, String.join("; ", busy));
    }

    /** The phases of the concatenated-batch variant (keys "concatenated …", prefix removed) or the others. */
    private static Map<String, Double> withPrefix(Map<String, Double> phases, boolean concatenated) {
        if (phases == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        phases.forEach((k, v) -> {
            if (k.startsWith("concatenated ") == concatenated) {
                out.put(concatenated ? k.substring("concatenated ".length()) : k, v);
            }
        });
        return out;
    }

    private static Map<String, Double> doubles(Object o) {
        if (o == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        JSON.convertValue(o, new TypeReference<LinkedHashMap<String, Number>>() { })
                .forEach((k, v) -> out.put(k, v.doubleValue()));
        return out;
    }

    private static float[] toFloatList(Object o) {
        if (o == null) {
            return null;
        }
        List<Number> list = JSON.convertValue(o, new TypeReference<List<Number>>() { });
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).floatValue();
        }
        return out;
    }

    private static int[] toIntArray(Object o) {
        return JSON.convertValue(o, int[].class);
    }

    // ================================================================================================== child

    /**
     * The child JVM: {@code --task prepare|time|trace|rss --model DIR --dir WORK [--n N --steps S --warmup W
     * --matmul --profile]}. prepare exports the weights and the probe batch and computes the check values; time
     * runs KktJob (and, with --profile, the written-out phases); trace records one KktJob step with libtorch's
     * profiler; rss runs KktJob and samples VmRSS every 100 steps. Prints one line {@value #RESULT_PREFIX}{json}
     * on stdout.
     */
    public static void main(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--matmul") || args[i].equals("--profile")) {
                a.put(args[i].substring(2), "true");
            } else {
                a.put(args[i].substring(2), args[++i]);
            }
        }
        try {
            DjlEngine engine = ComputeThread.get().run(() -> DjlEngine.start(DeviceChoice.CPU));
            Map<String, Object> result = ComputeThread.get().call(() -> work(a, engine));
            System.out.println(RESULT_PREFIX + JSON.writeValueAsString(result));
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static Map<String, Object> work(Map<String, String> a, DjlEngine engine) throws IOException {
        String task = a.get("task");
        Path dir = Paths.get(a.get("dir"));
        int n = Integer.parseInt(a.getOrDefault("n", "10"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "20"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("task", task);
        r.put("engine", engine.versionLine());
        r.put("threads", JniUtils.getNumThreads());
        r.put("interopThreads", JniUtils.getNumInteropThreads());
        try (Classifier model = ModelLoader.load(Paths.get(a.get("model")), CardOverrides.NONE, engine.device());
                AutogradBridge bridge = AutogradBridge.load()) {
            ModelCard card = model.card();
            r.put("architecture", card.architecture());
            r.put("inputShape", card.inputShape());
            r.put("forwardMacs", forwardMacs(model.block(), new Shape(1, card.channels(), card.height(),
                    card.imageWidth())));
            r.put("trainableParameters", model.parameterCount());
            switch (task) {
                case "prepare":
                    WeightExport.write(model, dir);
                    r.putAll(probe(model, bridge, dir));
                    break;
                case "time":
                    if (a.containsKey("matmul")) {
                        r.put("matmulGflops", matmulGflops(model.manager()));
                    }
                    r.putAll(timeJob(model, bridge, n, steps, warmup, false));
                    r.putAll(probeLogits(model, dir));
                    if (a.containsKey("profile")) {
                        r.put("phasesMs", profile(model, bridge, n, ((Number) r.get("lambda0")).doubleValue(),
                                Math.max(3, Math.min(steps, 10)), Math.max(1, warmup)));
                    }
                    break;
                case "trace":
                    r.putAll(traceJob(model, bridge, n, warmup, dir.resolve("trace-java-n" + n + ".json")));
                    break;
                case "rss":
                    r.putAll(timeJob(model, bridge, n, steps, 0, true));
                    r.put("vmHwmKb", ProcMemory.statusKb("VmHWM"));
                    break;
                default:
                    throw new IllegalArgumentException("unknown task " + task);
            }
        }
        return r;
    }

    /** Writes probe.bin/probe.json (a fixed batch) and returns Java's logits and DeepKKT gradients there. */
    private static Map<String, Object> probe(Classifier model, AutogradBridge bridge, Path dir) throws IOException {
        ModelCard card = model.card();
        int size = card.channels() * card.height() * card.imageWidth();
        int k = card.numClasses();
        Random random = new Random(20240601);
        float[] x = new float[PROBE * size];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) random.nextGaussian();
        }
        float[] nu = {0.5f, 1.0f, 1.5f, 0.8f};
        int[] labels = new int[PROBE];
        float[] targets = new float[PROBE * k];
        for (int i = 0; i < PROBE; i++) {
            labels[i] = i % k;
            targets[i * k + labels[i]] = 1;
        }
        double lambda0 = KktJob.lambdaScale(config(PROBE, 1), card, PROBE);
        ByteBuffer buffer = ByteBuffer.allocate(x.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(x);
        Files.write(dir.resolve("probe.bin"), buffer.array());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("shape", new int[] {PROBE, card.channels(), card.height(), card.imageWidth()});
        meta.put("labels", labels);
        meta.put("nu", nu);
        meta.put("lambda0", lambda0);
        meta.put("primalWeight", PRIMAL_WEIGHT);
        Files.write(dir.resolve("probe.json"), JSON.writeValueAsBytes(meta));

        Map<String, Object> r = new LinkedHashMap<>(probeLogits(model, dir));
        KktConfig noAugment = config(PROBE, 1, 1).toBuilder().preset("check").augmentWeight(0).lambdaScale(lambda0)
                .augmentation(Augmentation.NONE).build().validate();
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager scope = model.manager().newSubManager()) {
            List<NDArray> theta = new ArrayList<>();
            List<NDArray> thetaStar = new ArrayList<>();
            for (Pair<String, NDArray> p : model.namedParameters()) {
                p.getValue().setRequiresGradient(true);
                theta.add(p.getValue());
                NDArray constant = p.getValue().stopGradient();
                constant.attach(scope);
                thetaStar.add(constant);
            }
            KktLoss loss = new KktLoss(model, bridge, theta, thetaStar, noAugment);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray xa = scope.create(x, new Shape(PROBE, card.channels(), card.height(), card.imageWidth()));
                xa.setRequiresGradient(true);
                NDArray nua = scope.create(nu);
                nua.setRequiresGradient(true);
                float[] scale = new float[PROBE];
                Arrays.fill(scale, (float) lambda0);
                KktLoss.ChunkResult c = loss.evaluate(xa, nua, scope.create(scale),
                        scope.create(targets, new Shape(PROBE, k)), true, null, null, null, PROBE,
                        (double) PROBE * size);
                r.put("primal", c.primal());
                r.put("stationarity", c.stationarity());
                r.put("gradX", c.gradX());
                r.put("gradNu", c.gradNu());
            }
        }
        r.put("lambda0", lambda0);
        return r;
    }

    /** The model's logits on the probe batch written by the prepare task (evaluation mode, no graph). */
    private static Map<String, Object> probeLogits(Classifier model, Path dir) throws IOException {
        ModelCard card = model.card();
        byte[] bytes = Files.readAllBytes(dir.resolve("probe.bin"));
        float[] x = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(x);
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray batch = scope.create(x, new Shape(x.length / (card.channels() * card.height() * card.imageWidth()),
                    card.channels(), card.height(), card.imageWidth()));
            return Map.of("probeLogits", model.logits(batch, false).toFloatArray());
        }
    }

    /**
     * Runs {@link KktJob} for warmup + steps steps and times each step from one progress snapshot to the next
     * (progressEvery = 1). With rss, reads VmRSS every 100 steps instead of caring about warm-up.
     */
    private static Map<String, Object> timeJob(Classifier model, AutogradBridge bridge, int n, int steps, int warmup,
            boolean rss) {
        if (!rss && warmup < 1) {
            throw new IllegalArgumentException("at least one warm-up step is needed (the first step has no start stamp)");
        }
        ModelCard card = model.card();
        int k = card.numClasses();
        float[][] targets = new float[n][k];
        for (int i = 0; i < n; i++) {
            targets[i][i % k] = 1;
        }
        int total = warmup + steps;
        // The memory run reports every 100 steps (a snapshot per step would only add Java garbage).
        int every = rss ? 100 : 1;
        KktConfig config = config(n, total, every);
        KktRequest request = new KktRequest(targets, null, "noise", 1, config);
        long[] stamps = new long[total + 1];
        List<long[]> rssSamples = new ArrayList<>();
        KktJob job = new KktJob(model, bridge, request);
        Runtime runtime = Runtime.getRuntime();
        // the first sample's window would reach back to the process start (loading, the memory plan)
        boolean[] peakResets = {false};
        KktResult result = job.run(p -> {
            stamps[p.step()] = System.nanoTime();
            if (rss && p.step() % 100 == 0) {
                // The last field is the peak RSS of the 100 steps before this sample, spikes inside a step
                // included: VmHWM read, then reset to the current RSS (-1 where the kernel refuses the reset).
                long windowPeak = peakResets[0] ? ProcMemory.statusKb("VmHWM") : -1;
                peakResets[0] = ProcMemory.resetPeak();
                rssSamples.add(new long[] {p.step(), ProcMemory.statusKb("VmRSS"), runtime.totalMemory() / 1024,
                        (runtime.totalMemory() - runtime.freeMemory()) / 1024, directBufferKb(), windowPeak});
            }
        }, () -> false);
        int done = result.stepsDone();
        List<Double> times = new ArrayList<>();
        for (int s = Math.max(every + 1, warmup + 1); s <= done; s++) {
            if (stamps[s] != 0 && stamps[s - every] != 0) {
                times.add((stamps[s] - stamps[s - every]) / 1e6 / every);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("n", n);
        r.put("lambda0", KktJob.lambdaScale(config, card, n));
        r.put("stepsDone", done);
        r.put("stopReason", result.stopReason());
        r.put("recomputes", result.nonFiniteRecomputes());
        r.put("medianMs", median(times));
        r.put("stepMs", rss ? null : times);
        if (rss) {
            r.put("rss", rssSamples);
        }
        if (result.last() != null) {
            r.put("lastStationarityRatio", result.last().stationarityRatio());
        }
        return r;
    }

    /**
     * Runs warmup + 1 KktJob steps and records the last one with libtorch's profiler (a Chrome trace of every
     * aten operation, what {@code torch.profiler} shows in Python) into file.
     */
    private static Map<String, Object> traceJob(Classifier model, AutogradBridge bridge, int n, int warmup, Path file) {
        ModelCard card = model.card();
        float[][] targets = new float[n][card.numClasses()];
        for (int i = 0; i < n; i++) {
            targets[i][i % card.numClasses()] = 1;
        }
        int total = Math.max(1, warmup) + 1;
        KktRequest request = new KktRequest(targets, null, "noise", 1, config(n, total));
        long[] t = new long[2];
        new KktJob(model, bridge, request).run(p -> {
            if (p.step() == total - 1) {
                JniUtils.startProfile(false, true, false);
                t[0] = System.nanoTime();
            } else if (p.step() == total) {
                t[1] = System.nanoTime();
                JniUtils.stopProfile(file.toAbsolutePath().toString());
            }
        }, () -> false);
        return Map.of("trace", file.toAbsolutePath().toString(), "tracedStepMs", (t[1] - t[0]) / 1e6);
    }

    /** Best of 10 timed 1024×1024 float32 matmuls after 3 warm-up ones, in GFLOP/s (2·N³ per product). */
    private static double matmulGflops(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(MATMUL_SIZE, MATMUL_SIZE));
            NDArray b = m.randomNormal(new Shape(MATMUL_SIZE, MATMUL_SIZE));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 13; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                long t = System.nanoTime() - t0;
                c.close();
                if (i >= 3) {
                    best = Math.min(best, t / 1e9);
                }
            }
            return 2.0 * MATMUL_SIZE * MATMUL_SIZE * MATMUL_SIZE / best / 1e9;
        }
    }

    /** Accumulates the time since the previous lap under a phase name. */
    private static final class Laps {
        private final Map<String, Double> ms = new LinkedHashMap<>();
        private long t = System.nanoTime();

        void lap(String name) {
            long now = System.nanoTime();
            ms.merge(name, (now - t) / 1e6, Double::sum);
            t = now;
        }
    }

    /**
     * The step of KktJob/KktLoss for one chunk, written out call by call (same DJL operations, same bridge
     * calls) with a timer between phases; medians over reps steps after warm-up ones.
     */
    private static Map<String, Double> profile(Classifier model, AutogradBridge bridge, int n, double lambda0,
            int reps, int warm) {
        ModelCard card = model.card();
        int c = card.channels();
        int h = card.height();
        int w = card.imageWidth();
        int size = c * h * w;
        int k = card.numClasses();
        DataType type = model.dataType();
        float lo = (float) ((0 - card.meanOf(0)) / card.stdOf(0));
        float hi = (float) ((1 - card.meanOf(0)) / card.stdOf(0));
        Random random = new Random(3);
        float[] x = new float[n * size];
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.max(lo, Math.min(hi, (float) random.nextGaussian()));
        }
        float[] mx = new float[x.length];
        float[] vx = new float[x.length];
        double[] nu = new double[n];
        Arrays.fill(nu, 1);
        double[] mnu = new double[n];
        double[] vnu = new double[n];
        float[] targets = new float[2 * n * k];
        for (int i = 0; i < n; i++) {
            targets[i * k + i % k] = 1;
            targets[(n + i) * k + i % k] = 1;
        }
        float[] scale = new float[n];
        Arrays.fill(scale, (float) lambda0);
        Augmenter augmenter = new Augmenter(Augmentation.PAPER_NO_FLIP);
        Engine engine = Engine.getEngine("PyTorch");
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try (NDManager job = model.manager().newSubManager()) {
            List<NDArray> theta = new ArrayList<>();
            List<NDArray> thetaStar = new ArrayList<>();
            long count = 0;
            for (Pair<String, NDArray> p : model.namedParameters()) {
                p.getValue().setRequiresGradient(true);
                theta.add(p.getValue());
                NDArray constant = p.getValue().stopGradient();
                constant.attach(job);
                thetaStar.add(constant);
                count += constant.size();
            }
            // Twice: as KktLoss does it (x and A(x) in two forward passes), then the variant with [x; A(x)] in one batch.
            for (int rep = 0; rep < 2 * (warm + reps); rep++) {
                boolean concatenated = rep >= warm + reps;
                int r = concatenated ? rep - warm - reps : rep;
                String prefix = concatenated ? "concatenated " : "";
                Laps laps = new Laps();
                try (NDManager scope = job.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    Augmenter.Draw d = augmenter.draw(n, c, h, w, random, scope, type);
                    float[] nus = new float[n];
                    for (int i = 0; i < n; i++) {
                        nus[i] = (float) nu[i];
                    }
                    NDArray xa = scope.create(x, new Shape(n, c, h, w));
                    NDArray nua = scope.create(nus);
                    xa.setRequiresGradient(true);
                    nua.setRequiresGradient(true);
                    NDArray aug = Augmenter.apply(xa, d);
                    laps.lap(prefix + "draw+augment");
                    NDArray ceX;
                    NDArray ceA;
                    NDArray primalX;
                    NDArray primalA;
                    if (!concatenated) {
                        NDArray y = scope.create(Arrays.copyOf(targets, n * k), new Shape(n, k));
                        NDArray logitsX = model.logits(xa, true);
                        NDArray logitsA = model.logits(aug, true);
                        ceX = logitsX.logSoftmax(1).mul(y).sum(new int[] {1}).neg();
                        ceA = logitsA.logSoftmax(1).mul(y).sum(new int[] {1}).neg();
                        primalX = ceX.mul(logitsX.argMax(1).neq(y.argMax(1)).toType(type, false)).sum().div(n);
                        primalA = ceA.mul(logitsA.argMax(1).neq(y.argMax(1)).toType(type, false)).sum().div(n);
                    } else {
                        NDArray logits = model.logits(NDArrays.concat(new NDList(xa, aug), 0), true);
                        NDArray y = scope.create(targets, new Shape(2L * n, k));
                        NDArray ce = logits.logSoftmax(1).mul(y).sum(new int[] {1}).neg();
                        NDIndex first = new NDIndex("0:{}", n);
                        NDIndex second = new NDIndex("{}:", n);
                        ceX = ce.get(first);
                        ceA = ce.get(second);
                        NDArray primal = ce.mul(logits.argMax(1).neq(y.argMax(1)).toType(type, false));
                        primalX = primal.get(first).sum().div(n);
                        primalA = primal.get(second).sum().div(n);
                    }
                    NDArray lambda = nua.mul(scope.create(scale));
                    laps.lap(prefix + "forward");
                    NDList gX = bridge.gradWithGraph(List.of(ceX.mul(lambda).sum()), theta, List.of(scope.ones(
                            new Shape(), type)));
                    gX.attach(scope);
                    NDList gA = bridge.gradWithGraph(List.of(ceA.mul(lambda).sum()), theta, List.of(scope.ones(
                            new Shape(), type)));
                    gA.attach(scope);
                    laps.lap(prefix + "backward1");
                    NDArray statX = l1Mean(gX, thetaStar, count);
                    NDArray statA = l1Mean(gA, thetaStar, count);
                    NDArray total = primalX.mul(PRIMAL_WEIGHT).add(statX)
                            .add(primalA.mul(PRIMAL_WEIGHT).add(statA).mul(AUGMENT_WEIGHT));
                    laps.lap(prefix + "loss");
                    NDList grads = bridge.grad(List.of(total), List.of(xa, nua), List.of(scope.ones(new Shape(), type)));
                    grads.attach(scope);
                    laps.lap(prefix + "backward2");
                    float[] gx = grads.get(0).toFloatArray();
                    float[] gnu = grads.get(1).toFloatArray();
                    double[] values = {value(total), value(primalX), value(primalA), value(statX), value(statA)};
                    if (!Double.isFinite(values[0])) {
                        throw new IllegalStateException("non-finite loss in the profile");
                    }
                    adam(x, gx, mx, vx, LR_X, r + 1, lo, hi);
                    double[] gnud = new double[n];
                    for (int i = 0; i < n; i++) {
                        gnud[i] = gnu[i];
                    }
                    adam(nu, gnud, mnu, vnu, LR_NU, r + 1);
                    laps.lap(prefix + "update");
                }
                laps.lap(prefix + "close");
                if (r >= warm) {
                    laps.ms.forEach((name, v) -> samples.computeIfAbsent(name, key -> new ArrayList<>()).add(v));
                }
            }
            // KktLoss.evaluate itself on the same kind of input, timed whole (no update): the mirrored phases up
            // to backward2 against it show what KktLoss computes besides; the KktJob step against it (plus
            // update and close) shows what KktJob adds.
            KktLoss loss = new KktLoss(model, bridge, theta, thetaStar, config(n, 1));
            float[] targetsN = Arrays.copyOf(targets, n * k);
            for (int rep = 0; rep < warm + reps; rep++) {
                long t0 = System.nanoTime();
                try (NDManager scope = job.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    Augmenter.Draw d = augmenter.draw(n, c, h, w, random, scope, type);
                    NDArray xa = scope.create(x, new Shape(n, c, h, w));
                    float[] nus = new float[n];
                    Arrays.fill(nus, 1f);
                    NDArray nua = scope.create(nus);
                    xa.setRequiresGradient(true);
                    nua.setRequiresGradient(true);
                    loss.evaluate(xa, nua, scope.create(scale), scope.create(targetsN, new Shape(n, k)), true, d, null,
                            null, n, (double) n * size);
                }
                if (rep >= warm) {
                    samples.computeIfAbsent("KktLoss.evaluate", key -> new ArrayList<>())
                            .add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        samples.forEach((name, v) -> out.put(name, median(v)));
        return out;
    }

    /** A scalar as a double (0-dim results may be float64: DJL's scalar operands promote 0-dim arrays). */
    private static double value(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }

    private static NDArray l1Mean(NDList g, List<NDArray> thetaStar, long count) {
        NDArray acc = null;
        for (int l = 0; l < g.size(); l++) {
            NDArray s = g.get(l).add(thetaStar.get(l)).abs().sum();
            acc = acc == null ? s : acc.add(s);
        }
        return acc.div(count);
    }

    private static void adam(float[] x, float[] g, float[] m, float[] v, double lr, int t, float lo, float hi) {
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int j = 0; j < x.length; j++) {
            m[j] = (float) (0.9 * m[j] + 0.1 * g[j]);
            v[j] = (float) (0.999 * v[j] + 0.001 * g[j] * g[j]);
            x[j] -= (float) (lr * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8));
            x[j] = Math.max(lo, Math.min(hi, x[j]));
        }
    }

    private static void adam(double[] x, double[] g, double[] m, double[] v, double lr, int t) {
        double c1 = 1 - Math.pow(0.9, t);
        double c2 = 1 - Math.pow(0.999, t);
        for (int j = 0; j < x.length; j++) {
            m[j] = 0.9 * m[j] + 0.1 * g[j];
            v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
            x[j] -= lr * (m[j] / c1) / (Math.sqrt(v[j] / c2) + 1e-8);
        }
    }

    /** A kB value from /proc/self/status ("VmRSS", "VmHWM"), or -1 off Linux. */
    /** Memory held by live and not yet collected direct ByteBuffers (DJL's copies between Java and libtorch). */
    static long directBufferKb() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed() / 1024;
            }
        }
        return -1;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
