package org.dsvstudio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.engine.Uploads;
import org.dsvstudio.model.ModelCard;

import java.util.Random;

/**
 * Turns images of a data set into normalized NDArray batches, optionally augmented. Through {@link Uploads}: a
 * training epoch would otherwise leave its whole data set behind in direct buffers awaiting collection.
 */
public final class Batches {

    private Batches() {
    }

    /** Images {@code indices[from..to)} normalized by the card, as an N×C×H×W float32 array in manager. */
    public static NDArray images(ImageDataset data, int[] indices, int from, int to, ModelCard card,
            NDManager manager) {
        int n = to - from;
        int size = data.imageSize();
        float[] buffer = new float[n * size];
        for (int k = 0; k < n; k++) {
            data.normalizedInto(indices[from + k], card.mean(), card.std(), buffer, k * size);
        }
        return Uploads.floats(manager, buffer, new Shape(n, data.channels(), data.height(), data.width()));
    }

    /**
     * Like {@link #images} with a random translation of ±shift pixels (uncovered pixels are black, i.e. pixel
     * value 0 before normalization) and, if flip, a random horizontal mirror.
     */
    public static NDArray augmented(ImageDataset data, int[] indices, int from, int to, ModelCard card,
            int shift, boolean flip, Random random, NDManager manager) {
        int n = to - from;
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int size = data.imageSize();
        float[] source = new float[size];
        float[] buffer = new float[n * size];
        for (int k = 0; k < n; k++) {
            data.normalizedInto(indices[from + k], card.mean(), card.std(), source, 0);
            int dx = shift > 0 ? random.nextInt(2 * shift + 1) - shift : 0;
            int dy = shift > 0 ? random.nextInt(2 * shift + 1) - shift : 0;
            boolean mirror = flip && random.nextBoolean();
            int base = k * size;
            for (int ch = 0; ch < c; ch++) {
                float black = (float) ((0.0 - card.meanOf(ch)) / card.stdOf(ch));
                for (int y = 0; y < h; y++) {
                    int sy = y - dy;
                    for (int x = 0; x < w; x++) {
                        int tx = mirror ? w - 1 - x : x;
                        int sx = tx - dx;
                        float v = sy >= 0 && sy < h && sx >= 0 && sx < w ? source[(ch * h + sy) * w + sx] : black;
                        buffer[base + (ch * h + y) * w + x] = v;
                    }
                }
            }
        }
        return Uploads.floats(manager, buffer, new Shape(n, c, h, w));
    }

    /** Labels {@code indices[from..to)} as an int32 vector. */
    public static NDArray labels(ImageDataset data, int[] indices, int from, int to, NDManager manager) {
        int[] labels = new int[to - from];
        for (int k = 0; k < labels.length; k++) {
            labels[k] = data.label(indices[from + k]);
        }
        return manager.create(labels);
    }
}
