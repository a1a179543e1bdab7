package org.dsvstudio.app;

import org.dsvstudio.app.Workbench.ModelSummary;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerServer;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A second model beside the open one, and each classifying the other's DSVs (the Compare tab), in the worker. */
public final class CompareService {

    private final WorkerCalls calls;
    private final ModelService models;

    CompareService(WorkerCalls calls, ModelService models) {
        this.calls = calls;
        this.models = models;
    }

    /**
     * Loads a second classifier beside the current one in the worker (replacing an earlier second one only when
     * this load succeeds); the current model stays as it is.
     */
    public CompletableFuture<ModelSummary> openSecond(Path path, CardOverrides overrides) {
        return models.startEngine().thenCompose(engine -> calls.call(Protocol.OPEN_SECOND,
                new WorkerServer.OpenRequest(path, overrides, false), "opening " + path.getFileName(), e -> { },
                json -> Protocol.mapper().treeToValue(json, ModelSummary.class), false).result());
    }

    /** Judges a run's DSVs with independent models in the worker (the legibility figures). */
    public CompletableFuture<org.dsvstudio.evidence.Legibility.Report> judge(WorkerServer.JudgeRequest request) {
        return models.startEngine().thenCompose(engine -> calls.call(Protocol.JUDGE, request, "judging the DSVs",
                e -> { }, json -> Protocol.mapper().treeToValue(json, org.dsvstudio.evidence.Legibility.Report.class),
                false).result());
    }

    /**
     * Classifies the current model's DSVs with the second model and, when given, the second model's DSVs with
     * the current model. Fails with a message when no second model is loaded or the classes differ.
     *
     * @param firstDsvs DSVs of the current model (model 1)
     * @param secondDsvs DSVs of the second model (model 2), or null
     */
    public CompletableFuture<ModelComparison.Result> compare(ModelComparison.Dsvs firstDsvs,
            ModelComparison.Dsvs secondDsvs) {
        return calls.call(Protocol.COMPARE, new WorkerServer.CompareRequest(firstDsvs, secondDsvs), "the comparison",
                e -> { }, json -> Protocol.mapper().treeToValue(json, ModelComparison.Result.class), false).result();
    }

}
