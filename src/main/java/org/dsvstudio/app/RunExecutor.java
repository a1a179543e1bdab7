package org.dsvstudio.app;

import org.dsvstudio.data.ClassMatch;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.kkt.KktJob;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** One DeepKKT run as the app asks for it (a {@link RunSpec}), on the calling compute thread: plan, then job. */
public final class RunExecutor {

    /** Reads a data folder's train split (start images of runs from real or other images). */
    public interface DataSource {
        ImageDataset trainSplit(Path folder) throws IOException;
    }

    private RunExecutor() {
    }

    /**
     * Refuses, with the estimate, a run whose candidate images alone would not fit in this process (--per-class
     * 100000 once ended in OutOfMemoryError): each candidate keeps its image, two Adam moments, its gradient, its
     * start and its snapshots, about 12 copies of one image in floats.
     */
    static void checkMemory(ModelCard card, long candidates, int perClass) {
        long image = (long) card.channels() * card.height() * card.imageWidth();
        double bytes = 12.0 * 4 * image * candidates;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap / 2.0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%,d candidates (%d per class)"
                    + " of %d×%d×%d need about %.1f GB for their images alone; this process may use %.1f GB: ask for"
                    + " fewer per class", candidates, perClass, card.channels(), card.height(), card.imageWidth(),
                    bytes / 1e9, heap / 1e9));
        }
    }

    public static KktResult run(Classifier model, AutogradBridge bridge, RunSpec spec, DataSource data,
            Workbench.RunListener listener, BooleanSupplier cancelled) throws IOException {
        listener.started();
        ModelCard card = model.card();
        int[] classes = spec.classes() != null ? spec.classes() : GenerationPlan.resolveClasses(card, null);
        checkMemory(card, (long) classes.length * spec.perClass(), spec.perClass());
        ImageDataset images = spec.init() == GenerationPlan.Init.NOISE ? null : data.trainSplit(spec.data());
        if (spec.init() == GenerationPlan.Init.REAL) {
            // start images of class c must be images of the model's class c: image folders match by name
            images = ClassMatch.toModel(images, card.classNames(), java.util.Map.of());
        }
        if (images != null) {
            // grey 28×28 data can start an RGB 32×32 model's run (said in the app when the data is attached)
            images = org.dsvstudio.data.ImageConversion.toShape(images, card.channels(), card.height(),
                    card.imageWidth());
        }
        KktRequest request = spec.start() != null
                ? GenerationPlan.fromImage(card, classes, spec.perClass(), spec.mix(), spec.start(),
                        spec.startLabel(), spec.seed(), spec.config())
                : GenerationPlan.build(card, classes, spec.perClass(), spec.mix(), spec.init(), images,
                        spec.data() == null ? null : spec.data().toString(), spec.seed(), spec.config());
        listener.request(request);
        return new KktJob(model, bridge, request).run(listener::progress, cancelled);
    }
}
