package org.dsvstudio.engine;

import java.util.List;
import java.util.Map;

/**
 * What {@code packaging/dsv-studio} sets before the JVM and libtorch start (neither can be changed from inside
 * a running JVM); the benchmark's memory run uses the same values, and a test keeps the script in step.
 */
public final class LaunchSettings {

    /**
     * A small young generation and a cap on direct buffers: DJL hands every tensor copy to and from Java
     * through direct buffers that are freed only when the collector runs, and with default options the heap
     * kept touching fresh pages for ~900 DeepKKT steps (RSS +71 % after step 100, measured in docs/benchmark.md).
     * The serial collector: with G1 the same settings left transient RSS spikes (+6 % for one sample in 2 000
     * steps, twice in two runs). C1 only (TieredStopAtLevel=1): the C2 compiler's own memory was the rest of the
     * warm-up growth (2 000 steps: +10.4 % peak with C2, +3.1 % with C1 only), and the step time is libtorch's
     * (92.4 vs 93.8 ms median, the same within the noise).
     */
    public static final List<String> JVM_OPTIONS = List.of("-Xmn32m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /**
     * GOMP_SPINCOUNT=1000: libtorch's OpenMP threads (libgomp) spin only briefly before they sleep between
     * parallel regions. By default they spin long, which beside another busy process made a step 5.8 s instead
     * of 0.12 s; OMP_WAIT_POLICY=PASSIVE cures that too but costs ~1.4× on an idle machine. Measured, ConvNet
     * n = 10, 2 threads, ms per step idle / beside a one-core busy loop: default 77 / 294, spin count 1000
     * 95 / 145, passive 106–115 / 120. MALLOC_ARENA_MAX=2: fewer glibc arenas for libtorch's threads, so freed
     * tensor memory is reused instead of spread over arenas (81 vs 77 ms idle).
     *
     * <p>MKL_CBWR=COMPATIBLE: MKL (inside libtorch) otherwise picks its code path partly by the alignment of each
     * buffer, so the same float sums come out in the last bit differently from one session to the next, and 200
     * Adam steps on the images amplify that. The app's quick run, 3 per class, seed 0, gave one of two different
     * sets of DSVs across sessions (T-shirt λ 6.58 or 6.63 first, in four sessions); with COMPATIBLE, five
     * sessions gave the same set, the same as the command line, except one λ off by 0.01 in one session (some
     * last-bit variation remains elsewhere). AUTO,STRICT did not help. Wall time unchanged within the noise
     * (convnet-fashion, 50 candidates: 15.5 and 14.7 s default, 14.8 and 16.1 s COMPATIBLE; resnet-fashion, 20: 4.3/4.7 against 3.9/3.9 s).
     */
    public static final Map<String, String> ENVIRONMENT = Map.of("GOMP_SPINCOUNT", "1000", "MALLOC_ARENA_MAX",
            "2", "MKL_CBWR", "COMPATIBLE");

    private LaunchSettings() {
    }
}
