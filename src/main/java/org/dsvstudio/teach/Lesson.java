package org.dsvstudio.teach;

import ai.djl.Device;
import org.dsvstudio.app.Pixels;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.explain.Attributions;
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
            double stationarityRatio) {
    }

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
        try (BuiltinClassifier net = Playground.trainNet(data, s, device, p -> frames.accept(new Frame("train",
                p.step(), p.totalSteps(), new double[0][], new double[0], new boolean[0], Double.NaN)), cancelled);
                AutogradBridge bridge = AutogradBridge.load()) {
            Consumer<KktProgress> kkt = p -> {
                double[][] points = new double[p.images01().length][];
                for (int i = 0; i < points.length; i++) {
                    points[i] = ToyData.fromPixels(p.images01()[i]);
                }
                frames.accept(new Frame("kkt", p.step(), p.steps(), points, p.lambda(), p.removed(),
                        p.losses().stationarityRatio()));
            };
            Playground.Outcome o = Playground.withNet(data, s, svm, net, bridge, kkt, cancelled);
            // the network's decision regions, cell centres from the top-left corner
            float[][] grid = new float[resolution * resolution][];
            for (int r = 0; r < resolution; r++) {
                for (int c = 0; c < resolution; c++) {
                    double x = -ToyData.RANGE + (c + 0.5) * 2 * ToyData.RANGE / resolution;
                    double y = ToyData.RANGE - (r + 0.5) * 2 * ToyData.RANGE / resolution;
                    grid[r * resolution + c] = Pixels.normalize(ToyData.toPixels(x, y), net.card());
                }
            }
            double[][] logits = new Attributions(net, bridge).logitsOf(grid);
            int[] classes = new int[grid.length];
            float[] confidence = new float[grid.length];
            for (int i = 0; i < grid.length; i++) {
                double[] p = softmax(logits[i]);
                classes[i] = Playground.argMax(p);
                confidence[i] = (float) p[classes[i]];
            }
            return new Result(o.svm(), o.net(), o.dsv(), o.dsvPoints().toArray(double[][]::new), o.lambdas(),
                    o.removed(), resolution, classes, confidence);
        }
    }

    private static double[] softmax(double[] z) {
        double max = java.util.Arrays.stream(z).max().orElse(0);
        double[] e = java.util.Arrays.stream(z).map(v -> Math.exp(v - max)).toArray();
        double sum = java.util.Arrays.stream(e).sum();
        return java.util.Arrays.stream(e).map(v -> v / sum).toArray();
    }
}
