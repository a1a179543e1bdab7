package org.dsvstudio.cli;

import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.worker.WorkerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * The app's compute process: speaks the worker protocol (docs/worker-protocol.md) on stdin/stdout. The app
 * starts it; a person has no reason to.
 */
@Command(name = "worker", hidden = true, description = "The app's compute process (JSON lines on stdin/stdout); started by the app.")
final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto", description = "Where to compute.")
    String device;

    @Override
    public Integer call() throws Exception {
        // stdout carries the protocol alone: Java's other printing goes to the log (stderr), a model's is dropped
        PrintStream protocol = new PrintStream(ReservedStdout.reserve(), false);
        System.setOut(System.err);
        return new WorkerServer(System.in, protocol, DeviceChoice.parse(device)).serve();
    }
}
