package org.dsvstudio.app;

import org.dsvstudio.app.Workbench.ModelSummary;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerServer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Saliency maps of the open model (the Explain tab), in the worker. */
public final class ExplainService {

    private final WorkerCalls calls;
    private final ModelService models;

    ExplainService(WorkerCalls calls, ModelService models) {
        this.calls = calls;
        this.models = models;
    }

    /**
     * Prepares an image for the saliency views on the loaded model (in the worker): a file is read and resized
     * to the model's input, a DSV's image is checked against it; comes with the model's probabilities and its
     * Grad-CAM layers, and this app's generation of the model.
     */
    public CompletableFuture<Saliency.Prepared> prepareExplain(Saliency.Source source) {
        ModelSummary m = models.loaded();
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no model loaded: open a model first"));
        }
        return calls.call(Protocol.PREPARE_EXPLAIN, source, "preparing the image", e -> { }, json -> {
            Saliency.Prepared p = Protocol.mapper().treeToValue(json, Saliency.Prepared.class);
            return new Saliency.Prepared(p.source(), p.card(), p.modelName(), m.generation(), p.image01(), p.x(),
                    p.probabilities(), p.predicted(), p.layers(), p.defaultLayer(), p.gradCamUnavailable());
        }, false).result();
    }

    /**
     * Heat maps of a prepared image, computed one after another in the worker; each is passed to {@code each} (on
     * the worker's reading thread) when ready. Cancelling stops between batches and completes with a
     * CancellationException; so does a request whose model was replaced meanwhile (with a message).
     */
    public Computation<List<Saliency.MapResult>> explain(Saliency.Prepared input, List<Saliency.Request> requests,
            Consumer<Saliency.MapResult> each) {
        ModelSummary m = models.loaded();
        if (m == null || input.generation() != m.generation()) {
            return Computation.failed(new IllegalStateException("another model was opened since this image was"
                    + " prepared"));
        }
        return calls.call(Protocol.EXPLAIN, new WorkerServer.ExplainRequest(input, requests), "the saliency maps",
                e -> {
            if (e.kind().equals(Protocol.PROGRESS)) {
                each.accept(WorkerCalls.body(e, Saliency.MapResult.class));
            }
        }, json -> Protocol.mapper().readerForListOf(Saliency.MapResult.class).readValue(json), false);
    }

}
