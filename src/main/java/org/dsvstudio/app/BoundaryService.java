package org.dsvstudio.app;

import org.dsvstudio.app.Workbench.ModelSummary;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerServer;

import java.util.List;

/** The Boundaries tab's computations on the open model, in the worker: planes, paths, margins. */
public final class BoundaryService {

    private final WorkerCalls calls;
    private final ModelService models;

    BoundaryService(WorkerCalls calls, ModelService models) {
        this.calls = calls;
        this.models = models;
    }

    /**
     * The loaded model's decisions on the plane through three images (pixels in [0, 1], the model's input size),
     * R×R cells of {@code window} (null: the default window around the anchors), computed in the worker.
     *
     * @param modelGeneration the model the images belong to ({@link ModelSummary#generation()}, e.g. DSVs of a
     *     run), or -1 for whatever is loaded
     */
    public Computation<org.dsvstudio.explain.DecisionPlane.Result> plane(float[][] anchors01, int resolution,
            org.dsvstudio.explain.DecisionPlane.Window window, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        String stale = models.stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : calls.call(Protocol.PLANE, new WorkerServer.PlaneRequest(anchors01, resolution, window), "the plane",
                        WorkerCalls.fractions(progress), json -> Protocol.mapper().treeToValue(json,
                                org.dsvstudio.explain.DecisionPlane.Result.class), false);
    }

    /** The loaded model's class probabilities along the straight path from p to q (pixels in [0, 1]). */
    public Computation<org.dsvstudio.explain.DecisionPath.Result> path(float[] p01, float[] q01, int points,
            long modelGeneration, java.util.function.DoubleConsumer progress) {
        String stale = models.stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : calls.call(Protocol.PATH, new WorkerServer.PathRequest(p01, q01, points), "the path",
                        WorkerCalls.fractions(progress),
                        json -> Protocol.mapper().treeToValue(json, org.dsvstudio.explain.DecisionPath.Result.class),
                        false);
    }

    /**
     * Each image's distance to the loaded model's nearest decision boundary along the gradient
     * ({@link org.dsvstudio.explain.Margins#alongGradient}, pixel-space L2; +∞ when not reached within
     * {@value org.dsvstudio.explain.Margins#DEFAULT_MAX_DISTANCE}), in chunks, in the worker.
     */
    public Computation<double[]> margins(List<float[]> images01, long modelGeneration,
            java.util.function.DoubleConsumer progress) {
        String stale = models.stale(modelGeneration);
        return stale != null ? Computation.failed(new IllegalStateException(stale))
                : calls.call(Protocol.MARGINS, new WorkerServer.MarginsRequest(List.copyOf(images01)), "the margins",
                        WorkerCalls.fractions(progress), json -> Protocol.mapper().treeToValue(json, double[].class),
                        false);
    }

}
