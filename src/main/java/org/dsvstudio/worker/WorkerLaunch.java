package org.dsvstudio.worker;

import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import org.dsvstudio.engine.LaunchSettings;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the app starts its compute worker: the same jar and Java, with the launcher's JVM and environment settings
 * (so the worker gets them even when the app was started with a bare {@code java -jar}), under
 * <ul>
 *   <li>a memory cap: the address-space limit (RLIMIT_AS, via {@code prlimit}) on the whole process, so a model
 *       that asks for more fails its allocation with a message instead of pushing the machine into swap or the
 *       kernel's OOM killer; and a Java heap cap ({@code -Xmx}, exit on heap exhaustion);</li>
 *   <li>a lower scheduling priority ({@code nice -n 5}, {@code dsv.worker.nice}), so that a run using every core
 *       leaves the window responsive;</li>
 *   <li>on Linux, a bubblewrap sandbox ({@code bwrap}): the whole file system read-only, writable only the
 *       worker's private folder (its temp files and crash logs), no network, its own process and IPC
 *       namespaces, killed with the app. Where bwrap is missing or cannot create namespaces, the worker runs
 *       without one and {@link #sandboxNote()} says so.</li>
 * </ul>
 */
public final class WorkerLaunch {

    /**
     * What the supervisor may change.
     *
     * @param loadTimeout how long opening (or checking) a model may take, its probe forward pass included
     * @param cancelGrace how long a call may run on after Cancel before the worker is killed
     * @param startTimeout how long the worker may take to say it is ready
     * @param heapMegabytes the worker's Java heap
     * @param addressSpaceBytes the worker's address-space cap (RLIMIT_AS), JVM reservations included; 0 = none
     * @param sandbox whether to use bubblewrap where it works
     * @param device the device the worker computes on
     */
    public record Settings(Duration loadTimeout, Duration cancelGrace, Duration startTimeout, long heapMegabytes,
            long addressSpaceBytes, boolean sandbox, DeviceChoice device) {

        /**
         * Defaults, each overridable by a system property: {@code dsv.worker.loadTimeout} (seconds, 60),
         * {@code dsv.worker.cancelGrace} (seconds, 10), {@code dsv.worker.heap} (MB, 2048),
         * {@code dsv.worker.memory} (GB of address space, default 75 % of physical memory, at least 8),
         * {@code dsv.worker.sandbox} (true).
         */
        public static Settings defaults(DeviceChoice device) {
            long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            double defaultGb = Math.max(8, physical * 0.75 / (1L << 30));
            double gb = Double.parseDouble(System.getProperty("dsv.worker.memory", Double.toString(defaultGb)));
            return new Settings(seconds("dsv.worker.loadTimeout", 60), seconds("dsv.worker.cancelGrace", 10),
                    seconds("dsv.worker.startTimeout", 120), Long.getLong("dsv.worker.heap", 2048),
                    (long) (gb * (1L << 30)), Boolean.parseBoolean(System.getProperty("dsv.worker.sandbox", "true")),
                    device);
        }

        private static Duration seconds(String property, long fallback) {
            return Duration.ofMillis((long) (1000 * Double.parseDouble(System.getProperty(property,
                    Long.toString(fallback)))));
        }

        public Settings withLoadTimeout(Duration d) {
            return new Settings(d, cancelGrace, startTimeout, heapMegabytes, addressSpaceBytes, sandbox, device);
        }

        public Settings withAddressSpace(long bytes) {
            return new Settings(loadTimeout, cancelGrace, startTimeout, heapMegabytes, bytes, sandbox, device);
        }

        public Settings withCancelGrace(Duration d) {
            return new Settings(loadTimeout, d, startTimeout, heapMegabytes, addressSpaceBytes, sandbox, device);
        }
    }

    private static volatile String bwrapProblem;
    private static volatile Boolean bwrapWorks;

    private WorkerLaunch() {
    }

    /** The command line of one worker whose private (writable) folder is privateDir. */
    static List<String> command(Settings s, Path privateDir) {
        List<String> cmd = new ArrayList<>();
        int nice = Integer.getInteger("dsv.worker.nice", 5);
        if (nice > 0 && onPath("nice")) {
            // below the window in the scheduler: on a busy machine the FX thread gets a core first
            cmd.addAll(List.of("nice", "-n", Integer.toString(nice)));
        }
        if (s.addressSpaceBytes() > 0 && onPath("prlimit")) {
            cmd.addAll(List.of("prlimit", "--as=" + s.addressSpaceBytes(), "--"));
        }
        if (s.sandbox() && bwrapUsable()) {
            cmd.addAll(bwrap(privateDir));
        }
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + s.heapMegabytes() + "m");
        cmd.addAll(LaunchSettings.JVM_OPTIONS);
        // smaller reservations so that the address-space cap is spent on tensors, not on empty JVM ranges
        cmd.addAll(List.of("-XX:CompressedClassSpaceSize=128m", "-XX:ReservedCodeCacheSize=64m",
                "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-XX:ErrorFile=" + privateDir.resolve("hs_err_%p.log"),
                "-Djava.io.tmpdir=" + privateDir, "-Djava.awt.headless=true",
                "-DDJL_CACHE_DIR=" + DjlEngine.cacheDir(), "-Dfile.encoding=UTF-8"));
        cmd.addAll(List.of("-cp", absoluteClassPath(), "org.dsvstudio.Launcher", "worker",
                "--device", s.device().name().toLowerCase(Locale.ROOT)));
        return cmd;
    }

    /** This JVM's class path with every entry absolute (java -jar target/… gives a relative one). */
    static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(e.isEmpty() ? e : Paths.get(e).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** The sandbox: everything read-only, dir writable, no network, own process, IPC and host namespaces. */
    private static List<String> bwrap(Path dir) {
        String d = dir.toAbsolutePath().toString();
        return List.of("bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--bind", d, d,
                "--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--die-with-parent",
                "--new-session", "--");
    }

    /** The environment the launcher script sets (the worker gets it whatever started the app). */
    static void environment(Map<String, String> env) {
        LaunchSettings.ENVIRONMENT.forEach(env::putIfAbsent);
    }

    /** A sandboxed worker did not start: run without bubblewrap from now on, and say why in the model view. */
    static void sandboxFailed(String why) {
        bwrapProblem = why;
        bwrapWorks = false;
    }

    /** Whether workers run sandboxed here, and if not, why: for the model card view. */
    public static String sandboxNote() {
        if (!Boolean.parseBoolean(System.getProperty("dsv.worker.sandbox", "true"))) {
            return "none: turned off (dsv.worker.sandbox=false)";
        }
        return bwrapUsable() ? "bubblewrap: read-only file system, no network, writes only to its temp folder"
                : "none: " + bwrapProblem;
    }

    /** bwrap is installed and can make its namespaces here (tried once: containers may forbid them). */
    static boolean bwrapUsable() {
        Boolean known = bwrapWorks;
        if (known != null) {
            return known;
        }
        boolean ok = false;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            bwrapProblem = "the sandbox (bubblewrap) exists on Linux only";
        } else if (!onPath("bwrap")) {
            bwrapProblem = "bubblewrap is not installed (apt-get install bubblewrap)";
        } else {
            Path dir = null;
            try {
                // the very flags a worker gets, so that a sandbox which cannot start is found here and not by a
                // worker that never says ready
                dir = Files.createTempDirectory("dsv-bwrap-check-");
                List<String> cmd = new ArrayList<>(bwrap(dir));
                cmd.add("true");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String said = new String(p.getInputStream().readAllBytes()).strip();
                ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
                if (!ok) {
                    bwrapProblem = "bubblewrap cannot create its namespaces here (" + said + ")";
                }
            } catch (IOException e) {
                bwrapProblem = "bubblewrap did not start (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                bwrapProblem = "interrupted while trying bubblewrap";
            } finally {
                if (dir != null) {
                    dir.toFile().delete();
                }
            }
        }
        bwrapWorks = ok;
        return ok;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
