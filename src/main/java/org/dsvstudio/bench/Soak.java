package org.dsvstudio.bench;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.engine.ProcMemory;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The soak: a long DeepKKT run and many load/unload cycles of a TorchScript model in one JVM, with resident
 * memory and the number of live NDArrays sampled as they go. Warm-up is the first tenth of each part; after
 * it, RSS may grow by less than 5 % and the live arrays not at all. Runs on the compute thread.
 */
public final class Soak {

    /**
     * @param model the model of the DeepKKT part (a model folder or .pt)
     * @param pt the TorchScript file of the load/unload part
     * @param ptCard its card fields when no card is beside it
     * @param steps DeepKKT steps (quick preset otherwise, 10 noise candidates)
     * @param every sample every this many steps
     * @param cycles load/unload cycles
     * @param cyclesEvery sample every this many cycles
     */
    public record Options(Path model, Path pt, CardOverrides ptCard, int steps, int every, int cycles,
            int cyclesEvery) {
    }

    /** One sample: where (step or cycle), VmRSS, live NDArrays, Java heap used. */
    public record Sample(int at, long rssKb, int liveArrays, long heapUsedKb) {
    }

    private Soak() {
    }

    /** Runs both parts, printing a table row per sample as it comes; returns the problems found (empty = pass). */
    public static List<String> run(Options o, DjlEngine engine, PrintWriter out, PrintWriter err) {
        List<String> problems = new ArrayList<>();
        NDManager system = systemManager(engine);
        out.printf(Locale.ROOT, "Soak — %s, %s%n", engine.versionLine(), engine.deviceNote());
        out.printf(Locale.ROOT, "DeepKKT: %s, 10 candidates (one per class of the first 10), quick preset, %d steps,"
                + " sampled every %d%n", o.model(), o.steps(), o.every());
        out.println("| step | VmRSS MB | live NDArrays | Java heap used MB |");
        out.println("|---:|---:|---:|---:|");
        out.flush();
        List<Sample> kkt = new ArrayList<>();
        try (Classifier model = ModelLoader.load(o.model(), CardOverrides.NONE, engine.device());
                AutogradBridge bridge = AutogradBridge.load()) {
            KktConfig config = KktPresets.quick().toBuilder().preset("soak").steps(o.steps()).progressEvery(o.every())
                    .build();
            int classes = Math.min(10, model.card().numClasses());
            KktRequest request = new KktRequest(KktRequest.hardTargets(IntStream.range(0, classes).toArray(), 1,
                    model.card().numClasses()), null, "noise", 1, config);
            KktResult r = new KktJob(model, bridge, request).run(p -> {
                Sample s = sample(p.step(), system);
                kkt.add(s);
                row(out, s);
            }, () -> ComputeThread.get().isShuttingDown());
            if (!r.completed()) {
                problems.add("the DeepKKT run stopped early: " + r.stopReason());
            }
        }
        verdict(out, "DeepKKT", "step", kkt, problems);

        out.println();
        out.printf(Locale.ROOT, "Load/unload: %s, %d cycles (load with the probe forward pass, then close), sampled"
                + " every %d%n", o.pt(), o.cycles(), o.cyclesEvery());
        out.println("| cycle | VmRSS MB | live NDArrays | Java heap used MB |");
        out.println("|---:|---:|---:|---:|");
        out.flush();
        List<Sample> cycles = new ArrayList<>();
        for (int i = 1; i <= o.cycles() && !ComputeThread.get().isShuttingDown(); i++) {
            try (Classifier c = ModelLoader.load(o.pt(), o.ptCard(), engine.device())) {
                if (c.card().numClasses() < 2) {
                    problems.add("cycle " + i + " loaded a model without classes");
                }
            }
            if (i % o.cyclesEvery() == 0) {
                Sample s = sample(i, system);
                cycles.add(s);
                row(out, s);
            }
        }
        verdict(out, "Load/unload", "cycle", cycles, problems);
        return problems;
    }

    /** The root of every NDManager: a fresh base manager's parent (DJL does not expose it directly). */
    private static NDManager systemManager(DjlEngine engine) {
        try (NDManager probe = NDManager.newBaseManager(engine.device())) {
            return probe.getParentManager();
        }
    }

    private static Sample sample(int at, NDManager system) {
        int live = system instanceof BaseNDManager ? ((BaseNDManager) system).getManagedArrays().size() : -1;
        Runtime rt = Runtime.getRuntime();
        return new Sample(at, ProcMemory.statusKb("VmRSS"), live, (rt.totalMemory() - rt.freeMemory()) / 1024);
    }

    private static void row(PrintWriter out, Sample s) {
        out.printf(Locale.ROOT, "| %d | %.1f | %d | %.1f |%n", s.at(), s.rssKb() / 1024.0, s.liveArrays(),
                s.heapUsedKb() / 1024.0);
        out.flush();
    }

    /** After the first tenth: RSS growth < 5 % and no growth in live arrays. */
    private static void verdict(PrintWriter out, String part, String unit, List<Sample> samples,
            List<String> problems) {
        if (samples.size() < 2) {
            out.println(part + ": too few samples for a verdict");
            problems.add(part + ": too few samples");
            return;
        }
        int warm = Math.max(1, samples.size() / 10);
        Sample base = samples.get(warm - 1);
        long maxRss = samples.stream().skip(warm - 1).mapToLong(Sample::rssKb).max().orElse(base.rssKb());
        int maxLive = samples.stream().skip(warm - 1).mapToInt(Sample::liveArrays).max().orElse(base.liveArrays());
        double growth = 100.0 * (maxRss - base.rssKb()) / base.rssKb();
        Sample last = samples.get(samples.size() - 1);
        out.printf(Locale.ROOT, "%s: after warm-up (%s %d) RSS %.1f → %.1f MB at the end, largest %.1f MB:"
                        + " growth %+.1f %% (limit 5 %%); live NDArrays %d → %d (largest %d): %s%n", part, unit,
                base.at(), base.rssKb() / 1024.0, last.rssKb() / 1024.0, maxRss / 1024.0, growth, base.liveArrays(),
                last.liveArrays(), maxLive, growth < 5 && maxLive <= base.liveArrays() ? "flat" : "NOT flat");
        if (!(growth < 5)) {
            problems.add(String.format(Locale.ROOT, "%s: RSS grew %.1f %% after warm-up", part, growth));
        }
        if (maxLive > base.liveArrays()) {
            problems.add(String.format(Locale.ROOT, "%s: live NDArrays grew from %d to %d after warm-up", part,
                    base.liveArrays(), maxLive));
        }
        out.flush();
    }
}
