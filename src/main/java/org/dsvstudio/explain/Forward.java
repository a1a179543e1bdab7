package org.dsvstudio.explain;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.model.Probabilities;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

/** Plain forward passes without gradients for the boundary tools: logits of a flat batch, softmax. Compute thread only. */
final class Forward {

    private Forward() {
    }

    /** The m×K logits (flat, row-major, float64) of m normalized images packed in {@code flat} (m·C·H·W values). */
    static double[] logits(Classifier model, float[] flat, int m) {
        ModelCard c = model.card();
        try (NDManager scope = model.manager().newSubManager()) {
            return model.logits(scope.create(flat, new Shape(m, c.channels(), c.height(), c.imageWidth()))
                    .toType(model.dataType(), false), false).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    /** Softmax probabilities of single images, one batched forward per {@code batch} images. */
    static double[][] probabilities(Classifier model, float[][] xs, int batch) {
        int size = xs.length == 0 ? 0 : xs[0].length;
        int k = model.card().numClasses();
        double[][] out = new double[xs.length][];
        for (int from = 0; from < xs.length; from += batch) {
            int m = Math.min(batch, xs.length - from);
            float[] flat = new float[m * size];
            for (int j = 0; j < m; j++) {
                System.arraycopy(xs[from + j], 0, flat, j * size, size);
            }
            double[] l = logits(model, flat, m);
            for (int j = 0; j < m; j++) {
                out[from + j] = Probabilities.softmax(l, j * k, k);
            }
        }
        return out;
    }

    /** Checks that x is one image of the model's input size. */
    static void checkSize(Classifier model, float[] x, String what) {
        ModelCard c = model.card();
        int size = c.channels() * c.height() * c.imageWidth();
        if (x == null || x.length != size) {
            throw new IllegalArgumentException(what + " has " + (x == null ? 0 : x.length) + " values, the model takes "
                    + c.channels() + "×" + c.height() + "×" + c.imageWidth() + " = " + size);
        }
        for (float v : x) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + " has a value that is not finite");
            }
        }
    }
}
