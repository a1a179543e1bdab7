package org.dsvstudio.kkt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.dsvstudio.engine.Uploads;

import java.util.Random;

/**
 * Draws the random transforms A(x) and applies them differentiably. Translation, crop-and-resize and flip
 * are all separable linear resamplings, so one random draw becomes two small matrices per image and
 * A(x) = (R_h · x · R_wᵀ) ⊙ cutout mask + noise: exact gradients, no custom kernels. Uncovered pixels get 0
 * in normalized units (the data mean).
 */
public final class Augmenter {

    private final Augmentation spec;

    public Augmenter(Augmentation spec) {
        this.spec = spec.validate();
    }

    /** One draw of transforms for n images of size H×W (constants, no gradient). */
    public record Draw(NDArray rowMaps, NDArray colMapsT, NDArray mask, NDArray noise) {
    }

    public Draw draw(int n, int channels, int h, int w, Random random, NDManager manager, DataType type) {
        float[] rows = new float[n * h * h];
        float[] colsT = new float[n * w * w];
        float[] mask = new float[n * h * w];
        float[] eps = spec.noise() > 0 ? new float[n * channels * h * w] : null;
        // All draws of image i happen together, so drawing a batch in chunks gives the same transforms.
        for (int i = 0; i < n; i++) {
            double keep = 1 - spec.crop() * random.nextDouble();
            double cropH = h * keep;
            double cropW = w * keep;
            double y0 = (h - cropH) * random.nextDouble();
            double x0 = (w - cropW) * random.nextDouble();
            int maxShiftY = (int) Math.floor(spec.translate() * h);
            int maxShiftX = (int) Math.floor(spec.translate() * w);
            int dy = maxShiftY > 0 ? random.nextInt(2 * maxShiftY + 1) - maxShiftY : 0;
            int dx = maxShiftX > 0 ? random.nextInt(2 * maxShiftX + 1) - maxShiftX : 0;
            boolean flip = random.nextDouble() < spec.flip();
            fillResample(rows, i * h * h, h, y0, cropH, dy, false, false);
            fillResample(colsT, i * w * w, w, x0, cropW, dx, flip, true);
            int side = (int) Math.round(spec.cutout() * Math.min(h, w));
            int cy = side > 0 ? random.nextInt(h) : -1;
            int cx = side > 0 ? random.nextInt(w) : -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean cut = side > 0 && Math.abs(y - cy) * 2 < side && Math.abs(x - cx) * 2 < side;
                    mask[(i * h + y) * w + x] = cut ? 0f : 1f;
                }
            }
            if (eps != null) {
                int size = channels * h * w;
                for (int k = 0; k < size; k++) {
                    eps[i * size + k] = (float) (spec.noise() * random.nextGaussian());
                }
            }
        }
        NDArray noise = eps == null ? null : Uploads.floats(manager, eps, new Shape(n, channels, h, w)).toType(type, false);
        return new Draw(Uploads.floats(manager, rows, new Shape(n, 1, h, h)).toType(type, false),
                Uploads.floats(manager, colsT, new Shape(n, 1, w, w)).toType(type, false),
                Uploads.floats(manager, mask, new Shape(n, 1, h, w)).toType(type, false), noise);
    }

    /**
     * Row i of the map says how output pixel i is made from input pixels: output i looks at input coordinate
     * start + (i + ½)·length/size − ½ − shift (then, if flipped, the output index is mirrored), bilinearly.
     * transposed=true writes the map transposed (for the column side, x · R_wᵀ).
     */
    private static void fillResample(float[] out, int offset, int size, double start, double length, int shift,
            boolean flip, boolean transposed) {
        for (int o = 0; o < size; o++) {
            int target = flip ? size - 1 - o : o;
            double src = start + (o + 0.5) * length / size - 0.5 - shift;
            int lo = (int) Math.floor(src);
            double frac = src - lo;
            put(out, offset, size, target, lo, 1 - frac, transposed);
            put(out, offset, size, target, lo + 1, frac, transposed);
        }
    }

    private static void put(float[] out, int offset, int size, int row, int col, double weight, boolean transposed) {
        if (col < 0 || col >= size || weight == 0) {
            return;
        }
        int index = transposed ? col * size + row : row * size + col;
        out[offset + index] += (float) weight;
    }

    /** A(x) for a batch x (n×C×H×W) with the draw's transforms. */
    public static NDArray apply(NDArray x, Draw d) {
        NDArray y = d.rowMaps().matMul(x).matMul(d.colMapsT()).mul(d.mask());
        return d.noise() == null ? y : y.add(d.noise());
    }
}
