package org.dsvstudio.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Starts DJL's PyTorch engine offline, with natives unpacked into a per-user cache, and decides which
 * device computations run on. Call {@link #start} on the compute thread: grad mode is per thread and DJL
 * switches it off on the thread that first touches the engine.
 */
public final class DjlEngine {

    private static volatile DjlEngine instance;

    private final Engine engine;
    private final Device device;
    private final String deviceNote;
    private final long startMillis;

    private DjlEngine(Engine engine, Device device, String deviceNote, long startMillis) {
        this.engine = engine;
        this.device = device;
        this.deviceNote = deviceNote;
        this.startMillis = startMillis;
    }

    /** The per-user cache that holds libtorch once unpacked: {@code DJL_CACHE_DIR} or ~/.dsv-studio/cache. */
    public static Path cacheDir() {
        String configured = System.getProperty("DJL_CACHE_DIR");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("DJL_CACHE_DIR");
        }
        if (configured == null || configured.isBlank()) {
            return Paths.get(System.getProperty("user.home"), ".dsv-studio", "cache");
        }
        return Paths.get(configured);
    }

    /** Sets the system properties DJL reads; must run before any DJL class initialises the engine. */
    public static void configureProperties() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", cacheDir().toString());
        }
        // DJL checks for updates and prints usage telemetry hints otherwise.
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    /** A user's request, not an internal fault: the CLI says it in one line and exits 2. */
    private static IllegalArgumentException noGpu() {
        return new IllegalArgumentException("--device gpu was asked for, but libtorch sees no GPU (the bundled natives"
                + " are CPU-only; see README, 'Using a GPU')");
    }

    /** Starts (once) the engine and resolves the device choice; later calls return the same instance. */
    public static synchronized DjlEngine start(DeviceChoice choice) {
        if (instance != null) {
            if (choice == DeviceChoice.GPU && !instance.device.isGpu()) {
                throw noGpu();
            }
            return instance;
        }
        configureProperties();
        long t0 = System.nanoTime();
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        Device device;
        String note;
        switch (choice) {
            case GPU:
                if (gpus == 0) {
                    throw noGpu();
                }
                device = Device.gpu();
                note = "GPU (" + gpus + " visible)";
                break;
            case CPU:
                device = Device.cpu();
                note = "CPU (asked for)";
                break;
            default:
                if (gpus > 0) {
                    device = Device.gpu();
                    note = "GPU (auto: " + gpus + " visible)";
                } else {
                    device = Device.cpu();
                    note = "CPU (auto: no GPU visible to libtorch; the bundled natives are CPU-only)";
                }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        instance = new DjlEngine(engine, device, note, ms);
        return instance;
    }

    /** The started engine; throws when {@link #start} was not called. */
    public static DjlEngine get() {
        DjlEngine e = instance;
        if (e == null) {
            throw new IllegalStateException("DJL engine not started");
        }
        return e;
    }

    public Engine engine() {
        return engine;
    }

    public Device device() {
        return device;
    }

    /** A sentence for users: which device and why. */
    public String deviceNote() {
        return deviceNote;
    }

    /** Milliseconds the engine took to start (native extraction on first use included). */
    public long startMillis() {
        return startMillis;
    }

    public String versionLine() {
        return "DJL " + Engine.getDjlVersion() + ", " + engine.getEngineName() + " " + engine.getVersion();
    }
}
