package org.dsvstudio.app;

import org.dsvstudio.app.Workbench.AttachedData;
import org.dsvstudio.app.Workbench.RealImages;
import org.dsvstudio.data.DatasetLoader;
import org.dsvstudio.data.ImageConversion;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.data.Split;
import org.dsvstudio.model.ModelCard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Data folders and image files: plain Java, off the compute thread (no model involved). */
public final class DataService {

    private volatile AttachedData attached;
    /** The attached train split converted to the last model shape asked for (conversion is the slow part). */
    private AttachedData fittedFrom;
    private ImageDataset fitted;

    /**
     * Reads the train split of a data folder in the background (not on the compute thread, so a running job is
     * not held up) and keeps it as the attached data: start images for runs, nearest real images for DSVs.
     */
    public CompletableFuture<AttachedData> attachData(Path folder) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AttachedData d = new AttachedData(folder, DatasetLoader.load(folder, Split.TRAIN));
                attached = d;
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }, WorkerCalls.DATA_THREAD);
    }

    /** The attached data, or null. */
    public AttachedData attached() {
        return attached;
    }

    /**
     * The k training images nearest to image01 (an image of {@code card}'s model) in pixel space, the attached
     * data converted to the model's input shape where it differs; computed in the background.
     */
    public CompletableFuture<List<NearestImages.Match>> nearest(float[] image01, ModelCard card, int k) {
        AttachedData d = attached;
        if (d == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no data folder attached"));
        }
        return CompletableFuture.supplyAsync(() -> NearestImages.inPixelSpace(fitted(d, card), image01, k,
                NearestImages.ANY_LABEL), WorkerCalls.DATA_THREAD);
    }

    /** How the attached data is converted for {@code card}'s model, in words; null when it fits as it is. */
    public String conversionNote(ModelCard card) {
        AttachedData d = attached;
        return d == null ? null : ImageConversion.describe(d.train(), card.channels(), card.height(),
                card.imageWidth());
    }

    private synchronized ImageDataset fitted(AttachedData d, ModelCard card) {
        if (fittedFrom != d || fitted == null || fitted.channels() != card.channels()
                || fitted.height() != card.height() || fitted.width() != card.imageWidth()) {
            try {
                fitted = ImageConversion.toShape(d.train(), card.channels(), card.height(), card.imageWidth());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            fittedFrom = d;
        }
        return fitted;
    }

    /**
     * n real images of the attached data folder, evenly over its classes (seeded): from its test split when it
     * has one, else from the attached train split. Read in the background, off the compute thread.
     */
    public CompletableFuture<RealImages> realImages(int n, long seed, ModelCard card) {
        AttachedData d = attached;
        if (d == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no data folder attached: attach one (File → Attach data folder…, Ctrl+D) to compare with real images"));
        }
        return CompletableFuture.supplyAsync(() -> {
            ImageDataset source;
            try {
                source = DatasetLoader.load(d.folder(), Split.TEST);
            } catch (IOException | RuntimeException e) {
                source = d.train();
            }
            ImageDataset s;
            try {
                s = ImageConversion.toShape(source.sample(Math.min(n, source.size()), seed), card.channels(),
                        card.height(), card.imageWidth());
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            List<float[]> images = new java.util.ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                images.add(s.image01(i));
            }
            return new RealImages(source.name(), source.classNames(), List.copyOf(images), s.labels());
        }, WorkerCalls.DATA_THREAD);
    }

    /** An image file (PNG/JPEG) as pixels in [0, 1] at the card's input size (resized, gray or RGB as the card). */
    public CompletableFuture<float[]> readImage01(Path file, ModelCard card) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Pixels.toPixels(org.dsvstudio.explain.ExplainImages.readNormalized(file, card), card);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + file.getFileName() + ": " + e.getMessage(), e);
            }
        }, WorkerCalls.DATA_THREAD);
    }

}
