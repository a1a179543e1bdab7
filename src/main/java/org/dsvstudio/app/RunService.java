package org.dsvstudio.app;

import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.app.Workbench.ModelSummary;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerServer;

/** DeepKKT runs of the open model, in the worker, one after another. */
public final class RunService {

    private final WorkerCalls calls;
    private final ModelService models;

    RunService(WorkerCalls calls, ModelService models) {
        this.calls = calls;
        this.models = models;
    }

    /**
     * Queues a run. Runs execute one after another in the compute process; one cancelled while still queued
     * completes with null without touching the model.
     *
     * @param modelGeneration {@link ModelSummary#generation()} of the model the user queued it for, or -1 for
     *     whatever is loaded when it starts; a run whose model was replaced meanwhile fails with a message
     */
    public Computation<KktResult> generate(RunSpec spec, long modelGeneration, Workbench.RunListener listener) {
        ModelSummary model = models.loaded();
        if (modelGeneration >= 0 && (model == null || modelGeneration != model.generation())) {
            return Computation.failed(new IllegalStateException("another model was opened after this run was queued;"
                    + " queue it again"));
        }
        return calls.call(Protocol.GENERATE, new WorkerServer.GenerateRequest(spec, models.workerModelSha()), "the run",
                m -> {
            switch (m.kind()) {
                case Protocol.STARTED -> listener.started();
                case Protocol.PROGRESS -> listener.progress(WorkerCalls.body(m, KktProgress.class));
                case Protocol.REQUEST -> listener.request(WorkerCalls.body(m, KktRequest.class));
                default -> { }
            }
        }, json -> Protocol.mapper().treeToValue(json, KktResult.class), true);
    }

}
