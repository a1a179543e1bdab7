package org.dsvstudio.cli;

import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;
import picocli.CommandLine.Option;

/** Options every command has: the device and verbosity. */
public final class CommonOptions {

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
            description = "Where to compute (default: ${DEFAULT-VALUE}: the GPU when libtorch sees one).")
    String device;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    /** Starts the engine on the compute thread (grad mode is per thread) and returns it. */
    DjlEngine startEngine() {
        DeviceChoice choice = DeviceChoice.parse(device);
        return ComputeThread.get().run(() -> DjlEngine.start(choice));
    }
}
