package org.dsvstudio.app;

import org.dsvstudio.teach.Lesson;
import org.dsvstudio.teach.Playground;
import org.dsvstudio.teach.ToyData;
import org.dsvstudio.worker.Protocol;
import org.dsvstudio.worker.WorkerServer;

import java.util.function.Consumer;

/** The Teach tab's experiment, run in the compute process like every computation that touches libtorch. */
public final class TeachService {

    private final WorkerCalls calls;
    private final ModelService models;

    TeachService(WorkerCalls calls, ModelService models) {
        this.calls = calls;
        this.models = models;
    }

    /** Trains the network and runs DeepKKT on it; frames arrive on the worker's reading thread. */
    public Computation<Lesson.Result> run(ToyData data, Playground.Settings settings, int gridResolution,
            Consumer<Lesson.Frame> frames) {
        models.startEngine();
        return calls.call(Protocol.TEACH, new WorkerServer.TeachRequest(data, settings, gridResolution),
                "the teaching run", m -> {
                    if (m.kind().equals(Protocol.PROGRESS)) {
                        frames.accept(WorkerCalls.body(m, Lesson.Frame.class));
                    }
                }, json -> Protocol.mapper().treeToValue(json, Lesson.Result.class), false);
    }
}
