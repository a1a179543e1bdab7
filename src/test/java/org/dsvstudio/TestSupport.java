package org.dsvstudio;

import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.engine.ComputeThread;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.engine.DjlEngine;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;

/** Shared helpers for tests: the engine on the compute thread, fixtures, the real data sets. */
public final class TestSupport {

    private TestSupport() {
    }

    /** Starts the engine (CPU) on the compute thread, as the app does. */
    public static DjlEngine engine() {
        return ComputeThread.get().run(() -> DjlEngine.start(DeviceChoice.CPU));
    }

    /** Runs work on the compute thread, rethrowing what it throws. */
    public static <T> T compute(Callable<T> work) throws Exception {
        engine();
        return ComputeThread.get().call(work);
    }

    public static Path resource(String name) {
        try {
            return Paths.get(TestSupport.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource missing: " + name, e);
        }
    }

    /** The project root (tests run with it as working directory under Maven). */
    public static Path projectRoot() {
        return Paths.get("").toAbsolutePath();
    }

    /**
     * A real data set fetched by scripts/fetch-data.sh ("fashion-mnist" or "mnist"). Missing data is a
     * failure, not a skip: CI fetches it, and a user running the tests is told how.
     */
    public static Path realData(String name) {
        Path dir = DatasetLoader.defaultDataDir(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("real data missing at " + dir + ": run scripts/fetch-data.sh first");
        }
        return dir;
    }

    public static Path sampleModel(String name) {
        Path dir = projectRoot().resolve("sample-models").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("sample model missing: " + dir);
        }
        return dir;
    }
}
