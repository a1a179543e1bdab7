package org.dsvstudio.bench;

import org.dsvstudio.app.RunExecutor;
import org.dsvstudio.app.RunSpec;
import org.dsvstudio.app.Workbench;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.Split;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.kkt.KktPresets;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.dsvstudio.worker.WorkerClient;
import org.dsvstudio.worker.WorkerLaunch;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the compute worker costs: its start (process, JVM, engine, ready message) and the same DeepKKT run —
 * the app's quick preset, 3 candidates per class from noise — in this process and through the worker, in
 * alternating rounds, wall time from request to result including every progress snapshot the app receives.
 * Run it through {@code packaging/dsv-studio} so both sides have the launcher's settings.
 */
public final class WorkerBenchmark {

    private WorkerBenchmark() {
    }

    public static int run(Path model, int rounds, PrintWriter out) throws Exception {
        WorkerLaunch.Settings settings = WorkerLaunch.Settings.defaults(DeviceChoice.CPU);
        ComputeThread.get().run(() -> DjlEngine.start(DeviceChoice.CPU)); // natives unpacked for the worker
        out.printf(Locale.ROOT, "Compute worker benchmark: %s, sandbox %s%n", model.getFileName(),
                WorkerLaunch.sandboxNote());
        List<Long> startMillis = new ArrayList<>();
        List<Long> openMillis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (WorkerClient c = new WorkerClient(settings)) {
                long t0 = System.nanoTime();
                c.start();
                startMillis.add(c.lastStartMillis());
                c.call(org.dsvstudio.worker.Protocol.OPEN, new org.dsvstudio.worker.WorkerServer.OpenRequest(model,
                        CardOverrides.NONE, false), m -> { }, null, "opening").result().get(120, TimeUnit.SECONDS);
                openMillis.add((System.nanoTime() - t0) / 1_000_000);
            }
        }
        Collections.sort(startMillis);
        Collections.sort(openMillis);
        out.printf(Locale.ROOT, "worker start (process to ready message), 3 starts: %s ms, median %d ms%n",
                startMillis, startMillis.get(1));
        out.printf(Locale.ROOT, "worker start to the model open (engine started, model loaded and probed): %s ms,"
                + " median %d ms%n", openMillis, openMillis.get(1));

        RunSpec spec = RunSpec.noise(KktPresets.get("quick"), 3, 0);
        out.printf(Locale.ROOT, "run: quick preset, %d steps, 3 per class from noise, seed 0%n", spec.config().steps());
        out.println("| round | where | wall s | ms per step | optimization s (inside) | progress messages |");
        out.println("|---|---|---|---|---|---|");
        List<Double> local = new ArrayList<>();
        List<Double> remote = new ArrayList<>();
        try (Workbench bench = new Workbench(DeviceChoice.CPU, settings);
                Classifier classifier = ComputeThread.get().call(() -> ModelLoader.load(model, CardOverrides.NONE,
                        DjlEngine.start(DeviceChoice.CPU).device()));
                AutogradBridge bridge = ComputeThread.get().call(AutogradBridge::load)) {
            bench.models().open(model, CardOverrides.NONE).get(120, TimeUnit.SECONDS);
            for (int round = 0; round <= rounds; round++) { // round 0 warms both up and is not counted
                for (boolean inWorker : new boolean[] {round % 2 == 0, round % 2 != 0}) {
                    AtomicInteger messages = new AtomicInteger();
                    Workbench.RunListener count = new Workbench.RunListener() {
                        @Override
                        public void progress(KktProgress p) {
                            messages.incrementAndGet();
                        }
                    };
                    long t0 = System.nanoTime();
                    KktResult r = inWorker ? bench.runs().generate(spec, -1, count).result().get(600, TimeUnit.SECONDS)
                            : ComputeThread.get().call(() -> RunExecutor.run(classifier, bridge, spec,
                                    f -> DatasetLoader.load(f, Split.TRAIN), count, () -> false));
                    double wall = (System.nanoTime() - t0) / 1e9;
                    if (round > 0) {
                        (inWorker ? remote : local).add(wall);
                    }
                    out.printf(Locale.ROOT, "| %d%s | %s | %.2f | %.1f | %.2f | %d |%n", round, round == 0 ? " (warm-up)"
                            : "", inWorker ? "worker" : "in process", wall, 1000 * wall / r.stepsDone(),
                            r.wallSeconds(), messages.get());
                    out.flush();
                }
            }
        }
        double l = median(local);
        double w = median(remote);
        out.printf(Locale.ROOT, "median wall: in process %.2f s, worker %.2f s: overhead %+.1f %% (target < 5 %%)%n",
                l, w, 100 * (w / l - 1));
        return 0;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
