package org.dsvstudio.teach;

import ai.djl.Device;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.kkt.KktProgress;
import org.dsvstudio.model.BuiltinClassifier;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The Teach tab's experiment as the compute process runs it: the network trained (frames of its progress), DeepKKT
 * on it (frames of the candidates moving from noise), then the network's decision regions on a grid and the
 * read-outs — everything the window draws, as plain numbers.
 */
public final class Lesson {

    /**
     * One frame of the live view.
     *
     * @param phase "train" (step of the network's training) or "kkt" (a DeepKKT step)
     * @param points the candidates' positions in the plane (kkt), else empty
     */
    public record Frame(String phase, long step, long steps, double[][] points, double[] lambda, boolean[] removed,
            double stationarityRatio, int gridResolution, int[] gridClasses, float[] gridConfidence) {
    }

    /** The network's regions while it trains, on a coarser grid than the final one (frames stay small). */
    static final int TRAINING_GRID = 45;

    /**
     * What the window shows at the end.
     *
     * @param netClasses the network's class at each grid cell, row by row from the top ({@code resolution}²)
     * @param netConfidence its probability there
     */
    public record Result(Playground.SvmReadout svm, Playground.NetReadout net, Playground.DsvReadout dsv,
            double[][] dsvPoints, double[] lambdas, boolean[] removed, int resolution, int[] netClasses,
            float[] netConfidence) {
    }

    private Lesson() {
    }

    public static Result run(ToyData data, Playground.Settings s, int resolution, Device device,
            Consumer<Frame> frames, BooleanSupplier cancelled) {
        if (resolution < 8 || resolution > 400) {
            throw new IllegalArgumentException("grid resolution must be 8..400, got " + resolution);
        }
        Svm svm = Svm.train(data, s.kernel(), s.c(), s.gamma());
        try (BuiltinClassifier net = Playground.trainNet(data, s, device, (p, model) -> {
                    Grid g = grid(model, TRAINING_GRID);
                    frames.accept(new Frame("train", p.step(), p.totalSteps(), new double[0][], new double[0],
                            new boolean[0], Double.NaN, TRAINING_GRID, g.classes(), g.confidence()));
                }, cancelled);
                AutogradBridge bridge = AutogradBridge.load()) {
            Consumer<KktProgress> kkt = p -> {
                double[][] points = new double[p.images01().length][];
                for (int i = 0; i < points.length; i++) {
                    points[i] = ToyData.fromPixels(p.images01()[i]);
                }
                frames.accept(new Frame("kkt", p.step(), p.steps(), points, p.lambda(), p.removed(),
                        p.losses().stationarityRatio(), 0, null, null));
            };
            Playground.Outcome o = Playground.withNet(data, s, svm, net, bridge, kkt, cancelled);
            Grid g = grid(net, resolution);
            return new Result(o.svm(), o.net(), o.dsv(), o.dsvPoints().toArray(double[][]::new), o.lambdas(),
                    o.removed(), resolution, g.classes(), g.confidence());
        }
    }

    private record Grid(int[] classes, float[] confidence) {
    }

    /** The network's class and probability at each cell centre of a resolution² grid, rows from the top. */
    private static Grid grid(org.dsvstudio.model.Classifier net, int resolution) {
        int n = resolution * resolution;
        float[] batch = new float[2 * n];
        for (int r = 0; r < resolution; r++) {
            for (int c = 0; c < resolution; c++) {
                double x = -ToyData.RANGE + (c + 0.5) * 2 * ToyData.RANGE / resolution;
                double y = ToyData.RANGE - (r + 0.5) * 2 * ToyData.RANGE / resolution;
                System.arraycopy(Pixels.normalize(ToyData.toPixels(x, y), net.card()), 0, batch, 2 * (r * resolution + c),
                        2);
            }
        }
        double[] logits;
        try (ai.djl.ndarray.NDManager scope = net.manager().newSubManager()) {
            logits = net.logits(scope.create(batch, new ai.djl.ndarray.types.Shape(n, 2, 1, 1)), false)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        }
        int k = logits.length / n;
        int[] classes = new int[n];
        float[] confidence = new float[n];
        for (int i = 0; i < n; i++) {
            double[] p = org.dsvstudio.model.Probabilities.softmax(logits, i * k, k);
            classes[i] = org.dsvstudio.model.Probabilities.argMax(p);
            confidence[i] = (float) p[classes[i]];
        }
        return new Grid(classes, confidence);
    }

}
