package org.dsvstudio.app;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.kkt.Candidate;
import org.dsvstudio.kkt.KktResult;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;

import java.util.List;
import java.util.Locale;

/**
 * Do two models with the same classes agree on each other's Deep Support Vectors? The DSVs of one model (its
 * run's kept candidates, each with the class it was generated for) are classified by the other: the agreement
 * rate and a K×K confusion matrix, rows = the DSV's class, columns = the other model's prediction.
 */
public final class ModelComparison {

    private static final int BATCH = 100;

    /**
     * The DSVs of one model.
     *
     * @param modelName the model that generated them
     * @param runLabel which run they come from ("run #3")
     * @param images01 the images in pixel space [0,1], C·H·W each
     * @param classes per image, the class it was generated for
     */
    public record Dsvs(String modelName, String runLabel, float[][] images01, int[] classes) {
        public Dsvs {
            if (images01.length != classes.length) {
                throw new IllegalArgumentException(images01.length + " images but " + classes.length + " classes");
            }
        }

        public int size() {
            return classes.length;
        }
    }

    /**
     * One direction: dsvModel's DSVs classified by classifier.
     *
     * @param confusion confusion[t][p] = DSVs generated for class t that the classifier predicts as p
     */
    public record Direction(String dsvModel, String runLabel, String classifier, List<String> classNames,
            int[][] confusion) {

        public int total() {
            int n = 0;
            for (int[] row : confusion) {
                for (int v : row) {
                    n += v;
                }
            }
            return n;
        }

        /** DSVs the classifier puts in the class they were generated for. */
        public int agreed() {
            int n = 0;
            for (int c = 0; c < confusion.length; c++) {
                n += confusion[c][c];
            }
            return n;
        }

        /** agreed / total, NaN without DSVs. */
        public double agreement() {
            int total = total();
            return total == 0 ? Double.NaN : (double) agreed() / total;
        }

        /** The largest cell (for colour scales). */
        public int maxCount() {
            int max = 0;
            for (int[] row : confusion) {
                for (int v : row) {
                    max = Math.max(max, v);
                }
            }
            return max;
        }

        /** "DSVs of convnet-fashion (run #1) classified by resnet-fashion: 9 of 10 agree (90.0 %)". */
        public String summary() {
            return String.format(Locale.ROOT, "DSVs of %s (%s) classified by %s: %d of %d agree (%.1f %%)", dsvModel,
                    runLabel, classifier, agreed(), total(), 100 * agreement());
        }
    }

    /** Both directions; reverse is null when the second model has no run to take DSVs from. */
    public record Result(Direction forward, Direction reverse) {
    }

    private ModelComparison() {
    }

    /**
     * Null when models a and b can be compared (same input size, same class names in the same order), else what
     * differs, in words.
     */
    public static String mismatch(ModelCard a, ModelCard b) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.imageWidth() != b.imageWidth()) {
            return String.format(Locale.ROOT, "%s takes %d×%d×%d images but %s takes %d×%d×%d: the models cannot"
                            + " classify each other's DSVs", a.name(), a.channels(), a.height(), a.imageWidth(), b.name(),
                    b.channels(), b.height(), b.imageWidth());
        }
        if (!a.classNames().equals(b.classNames())) {
            boolean sameSet = a.numClasses() == b.numClasses()
                    && new java.util.HashSet<>(a.classNames()).equals(new java.util.HashSet<>(b.classNames()));
            return a.name() + " and " + b.name() + (sameSet ? " list the same classes in a different order" :
                    " have different classes") + " (" + a.name() + ": " + shortList(a.classNames()) + "; " + b.name()
                    + ": " + shortList(b.classNames()) + "); a comparison needs the same classes in the same order";
        }
        return null;
    }

    private static String shortList(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + ", … (" + names.size() + ")";
    }

    /** The kept candidates of a run with the class each was generated for. */
    public static Dsvs fromResult(String modelName, String runLabel, KktResult result) {
        List<Candidate> kept = result.kept();
        float[][] images = new float[kept.size()][];
        int[] classes = new int[kept.size()];
        for (int i = 0; i < classes.length; i++) {
            images[i] = kept.get(i).image01();
            classes[i] = kept.get(i).targetClass();
        }
        return new Dsvs(modelName, runLabel, images, classes);
    }

    /**
     * Classifies dsvs with model (compute thread only). The DSVs must come from a model with model's classes:
     * check {@link #mismatch} first.
     */
    public static Direction classify(Dsvs dsvs, Classifier model) {
        int[] predicted = predict(model, dsvs.images01());
        int k = model.card().numClasses();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < predicted.length; i++) {
            int t = dsvs.classes()[i];
            if (t < 0 || t >= k) {
                throw new IllegalArgumentException("DSV " + i + " has class " + t + " but " + model.card().name()
                        + " has " + k + " classes");
            }
            confusion[t][predicted[i]]++;
        }
        return new Direction(dsvs.modelName(), dsvs.runLabel(), model.card().name(), model.card().classNames(),
                confusion);
    }

    /** The model's predicted class for each image (pixel space), normalized with the model's own card. */
    public static int[] predict(Classifier model, float[][] images01) {
        ModelCard c = model.card();
        int size = c.channels() * c.height() * c.imageWidth();
        int plane = c.height() * c.imageWidth();
        int[] out = new int[images01.length];
        for (int from = 0; from < images01.length; from += BATCH) {
            int m = Math.min(BATCH, images01.length - from);
            float[] flat = new float[m * size];
            for (int j = 0; j < m; j++) {
                float[] x = images01[from + j];
                if (x.length != size) {
                    throw new IllegalArgumentException("image " + (from + j) + " has " + x.length + " values, "
                            + c.name() + " takes " + size);
                }
                for (int v = 0; v < size; v++) {
                    int ch = v / plane;
                    flat[j * size + v] = (float) ((x[v] - c.meanOf(ch)) / c.stdOf(ch));
                }
            }
            try (NDManager scope = model.manager().newSubManager()) {
                long[] p = model.logits(scope.create(flat, new Shape(m, c.channels(), c.height(), c.imageWidth()))
                        .toType(model.dataType(), false), false).argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int j = 0; j < m; j++) {
                    out[from + j] = (int) p[j];
                }
            }
        }
        return out;
    }
}
