package org.dsvstudio.app;

import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.DeviceChoice;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.worker.WorkerClient;
import org.dsvstudio.worker.WorkerLaunch;

import java.nio.file.Path;
import java.util.List;

/**
 * The app's session: one service per concern, all over the one compute worker, and the vocabulary they share.
 * A model file is code, so everything that runs a model — opening and checking it, DeepKKT runs, boundaries,
 * saliency, comparisons — happens in the worker ({@link WorkerClient}): a model that crashes, hangs or eats
 * memory costs the worker, which is restarted, and not the app. The services return at once; their futures
 * complete on other threads (the UI hops back to its own).
 */
public final class Workbench implements AutoCloseable {

    /** What a user sees of a loaded model. */
    public record ModelSummary(Path path, ModelCard card, long parameterCount, String sha256, String device,
            String engine, long engineStartMillis, long generation) {
    }

    /** What a queued run reports: in the worker on its compute thread, in the app on the worker's reading thread. */
    public interface RunListener {
        /** The run left the queue and starts now. */
        default void started() {
        }

        void progress(KktProgress p);

        /** The request the run was built into, just before its first step (its start images are step 0). */
        default void request(KktRequest request) {
        }
    }

    /** A data folder's train split, attached to the workbench. */
    public record AttachedData(Path folder, ImageDataset train) {
    }

    /** Real images to compare with: their source (e.g. "fashion-mnist/test"), pixels in [0, 1] and labels. */
    public record RealImages(String source, List<String> classNames, List<float[]> images01, int[] labels) {
    }

    private final WorkerClient worker;
    private final ModelService models;
    private final RunService runs;
    private final DataService data = new DataService();
    private final BoundaryService boundaries;
    private final ExplainService explanations;
    private final CompareService comparison;
    private final TeachService teach;

    public Workbench(DeviceChoice deviceChoice) {
        this(deviceChoice, WorkerLaunch.Settings.defaults(deviceChoice));
    }

    public Workbench(DeviceChoice deviceChoice, WorkerLaunch.Settings workerSettings) {
        worker = new WorkerClient(workerSettings);
        WorkerCalls calls = new WorkerCalls(worker);
        models = new ModelService(deviceChoice, calls);
        runs = new RunService(calls, models);
        boundaries = new BoundaryService(calls, models);
        explanations = new ExplainService(calls, models);
        comparison = new CompareService(calls, models);
        teach = new TeachService(calls, models);
    }

    /** Opening and checking models; the open model; the worker. */
    public ModelService models() {
        return models;
    }

    /** DeepKKT runs. */
    public RunService runs() {
        return runs;
    }

    /** Attached data, nearest real images, image files. */
    public DataService data() {
        return data;
    }

    /** Planes, paths and margins. */
    public BoundaryService boundaries() {
        return boundaries;
    }

    /** Saliency maps. */
    public ExplainService explanations() {
        return explanations;
    }

    /** A second model and the comparison of DSVs. */
    public CompareService comparison() {
        return comparison;
    }

    /** The Teach tab's 2-D experiment. */
    public TeachService teach() {
        return teach;
    }

    /** Ends the worker, and with it the models it holds. */
    @Override
    public void close() {
        worker.close();
    }
}
