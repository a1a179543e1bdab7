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
     * kept touching fresh pages for ~900 DeepKKT steps (RSS +74 % after step 100, measured in docs/benchmark.md).
     */
    public static final List<String> JVM_OPTIONS = List.of("-Xmn32m", "-XX:MaxDirectMemorySize=64m");

    /**
     * OMP_WAIT_POLICY=PASSIVE: libtorch's threads sleep instead of spinning between parallel regions (a step
     * took 5.8 s instead of 0.12 s beside another busy process, 0.18 s with this); MALLOC_ARENA_MAX=2: fewer
     * glibc arenas for libtorch's threads, so freed tensor memory is reused instead of spread over arenas.
     */
    public static final Map<String, String> ENVIRONMENT = Map.of("OMP_WAIT_POLICY", "PASSIVE", "MALLOC_ARENA_MAX",
            "2");

    private LaunchSettings() {
    }
}
