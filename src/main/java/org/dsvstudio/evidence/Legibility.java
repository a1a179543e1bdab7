package org.dsvstudio.evidence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.data.ClassMatch;
import org.dsvstudio.data.DataFormatException;
import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.Probabilities;

import java.util.Map;

/**
 * How legible a run's DSVs are to anyone but the model that made them: independent judges (other networks, of
 * other kinds) classify them, beside the same figures on real images; and image statistics a person's eye
 * depends on, beside real images' (contrast, brightness, how much of the power sits at high spatial frequencies,
 * how different the images of one class are). One judge's agreement alone proves little: faint images that no
 * person recognizes can still agree with an MLP (calibration 3 of deepkkt.md), so the statistics travel with it.
 */
public final class Legibility {

    private static final int BATCH = 250;

    private Legibility() {
    }

    /**
     * A judge's verdict on one image set.
     *
     * @param images how many images it judged
     * @param agreement fraction the judge assigns to their own class (argmax)
     * @param meanOwnProbability the judge's mean softmax probability of their own class
     * @param perClassAgreement agreement per class of the judged set (NaN where a class has no image)
     */
    public record Verdict(int images, double agreement, double meanOwnProbability, double[] perClassAgreement) {
    }

    /**
     * Image statistics in [0, 1] pixel units.
     *
     * @param contrast mean per-image standard deviation of the pixels
     * @param brightness mean pixel value
     * @param highFrequencyShare mean fraction of an image's spectral power (mean removed) above a quarter of the
     *     sampling rate (radius > side/4): texture and noise live there, shapes below
     * @param withinClassDistance mean L2 distance between two images of the same class (diversity)
     * @param radialPower mean radially averaged power spectrum, normalized to sum 1 (index = radius in cycles)
     */
    public record Stats(int images, double contrast, double brightness, double highFrequencyShare,
            double withinClassDistance, double[] radialPower) {
    }

    /** One judge's verdicts: on the DSVs and on real images. */
    public record JudgeRow(String judge, String path, String architecture, Verdict dsvs, Verdict real) {
    }

    /** What {@code legibility} reports (and {@code faithfulness --judge} adds to its JSON). */
    public record Report(String run, String model, String realData, java.util.List<JudgeRow> judges, Stats dsvStats,
            Stats realStats) {
    }

    /**
     * Loads the judges, draws {@code realPerClass} real test images per class (seeded) from {@code data}, or from
     * the first judge's data set under ./data when null, and judges {@code dsvs}; the judges are closed again.
     * Compute thread only; the CLI's legibility and faithfulness and the worker's judge operation all come here.
     */
    public static Report judge(String run, String maker, ImageDataset dsvs, java.util.List<java.nio.file.Path> judgePaths,
            java.nio.file.Path data, int realPerClass, long seed, ai.djl.Device device) throws java.io.IOException {
        java.util.List<Classifier> loaded = new java.util.ArrayList<>();
        try {
            for (java.nio.file.Path p : judgePaths) {
                loaded.add(org.dsvstudio.model.ModelLoader.load(p, org.dsvstudio.model.CardOverrides.NONE, device));
            }
            java.nio.file.Path folder = data != null ? data : defaultData(loaded.get(0).card());
            ImageDataset test = org.dsvstudio.data.DatasetLoader.load(folder, org.dsvstudio.data.Split.TEST);
            ImageDataset real = test.samplePerClass(Math.min(realPerClass, test.smallestClassCount()), seed);
            return report(run, maker, dsvs, loaded, judgePaths, real);
        } finally {
            loaded.forEach(Classifier::close);
        }
    }

    private static java.nio.file.Path defaultData(ModelCard judge) {
        String dataset = judge.dataset();
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException("judge " + judge.name() + " names no data set: give --data PATH");
        }
        return org.dsvstudio.data.DatasetLoader.defaultDataDir(dataset.split("/")[0]);
    }

    /** The judges' verdicts on {@code dsvs} (made by {@code maker}) and on {@code real}, and both sets' statistics. */
    private static Report report(String run, String maker, ImageDataset dsvs, java.util.List<Classifier> judges,
            java.util.List<java.nio.file.Path> judgePaths, ImageDataset real) throws java.io.IOException {
        java.util.List<JudgeRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < judges.size(); i++) {
            Classifier judge = judges.get(i);
            if (maker != null && maker.equals(judge.card().name())) {
                throw new IllegalArgumentException("judge " + judgePaths.get(i) + " is " + maker + ", the model that"
                        + " made the DSVs: a judge must be another model");
            }
            rows.add(new JudgeRow(judge.card().name(), judgePaths.get(i).toString(), judge.card().architecture(),
                    judge(judge, dsvs), judge(judge, real)));
        }
        return new Report(run, maker, real.name(), rows, stats(dsvs), stats(real));
    }

    /** The judge's verdict on {@code images}, matched to its classes by name. Compute thread only. */
    public static Verdict judge(Classifier judge, ImageDataset images) throws DataFormatException {
        ModelCard card = judge.card();
        if (images.channels() != card.channels() || images.height() != card.height()
                || images.width() != card.imageWidth()) {
            throw new DataFormatException("the images are " + images.channels() + "×" + images.height() + "×"
                    + images.width() + " but judge " + card.name() + " takes " + card.channels() + "×"
                    + card.height() + "×" + card.imageWidth());
        }
        ImageDataset aligned = ClassMatch.toModel(images, card.classNames(), Map.of());
        int k = card.numClasses();
        int size = aligned.imageSize();
        int[] hits = new int[k];
        int[] counts = new int[k];
        double own = 0;
        int agree = 0;
        for (int from = 0; from < aligned.size(); from += BATCH) {
            int m = Math.min(BATCH, aligned.size() - from);
            float[] flat = new float[m * size];
            for (int j = 0; j < m; j++) {
                aligned.normalizedInto(from + j, card.mean(), card.std(), flat, j * size);
            }
            double[] logits;
            try (NDManager scope = judge.manager().newSubManager()) {
                NDArray x = scope.create(flat, new Shape(m, card.channels(), card.height(), card.imageWidth()))
                        .toType(judge.dataType(), false);
                logits = judge.logits(x, false).toType(DataType.FLOAT64, false).toDoubleArray();
            }
            for (int j = 0; j < m; j++) {
                int label = aligned.label(from + j);
                double[] p = Probabilities.softmax(logits, j * k, k);
                own += p[label];
                counts[label]++;
                if (Probabilities.argMax(p) == label) {
                    agree++;
                    hits[label]++;
                }
            }
        }
        double[] perClass = new double[k];
        for (int c = 0; c < k; c++) {
            perClass[c] = counts[c] == 0 ? Double.NaN : (double) hits[c] / counts[c];
        }
        int n = aligned.size();
        return new Verdict(n, (double) agree / n, own / n, perClass);
    }

    /** Statistics of an image set (pixels as stored, in [0, 1]). */
    public static Stats stats(ImageDataset images) {
        int n = images.size();
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        int plane = h * w;
        int maxRadius = (int) Math.ceil(Math.hypot(h / 2.0, w / 2.0)) + 1;
        double[] radial = new double[maxRadius];
        double contrast = 0;
        double brightness = 0;
        double highShare = 0;
        int spectra = 0;
        for (int i = 0; i < n; i++) {
            float[] x = images.image01(i);
            double mean = 0;
            for (float v : x) {
                mean += v;
            }
            mean /= x.length;
            double var = 0;
            for (float v : x) {
                var += (v - mean) * (v - mean);
            }
            contrast += Math.sqrt(var / x.length);
            brightness += mean;
            // the spectrum of the channel mean (luminance-like), its own mean removed
            double[] gray = new double[plane];
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    gray[p] += x[ch * plane + p] / c;
                }
            }
            double[] power = powerByRadius(gray, h, w, maxRadius);
            double total = 0;
            double high = 0;
            for (int r = 0; r < power.length; r++) {
                total += power[r];
                if (r > Math.min(h, w) / 4.0) {
                    high += power[r];
                }
            }
            if (total > 0) {
                for (int r = 0; r < power.length; r++) {
                    radial[r] += power[r] / total;
                }
                highShare += high / total;
                spectra++;
            }
        }
        for (int r = 0; r < radial.length; r++) {
            radial[r] = spectra == 0 ? Double.NaN : radial[r] / spectra;
        }
        return new Stats(n, contrast / n, brightness / n, spectra == 0 ? Double.NaN : highShare / spectra,
                withinClassDistance(images), radial);
    }

    /** Power |F(u,v)|² of a mean-removed image, summed over rings of integer radius (DFT, O(side⁴): small images). */
    static double[] powerByRadius(double[] image, int h, int w, int bins) {
        double mean = 0;
        for (double v : image) {
            mean += v;
        }
        mean /= image.length;
        double[] out = new double[bins];
        // row transform first, then columns: O(h·w·(h+w))
        double[][] re = new double[h][w];
        double[][] im = new double[h][w];
        for (int y = 0; y < h; y++) {
            for (int v = 0; v < w; v++) {
                double sr = 0;
                double si = 0;
                for (int x = 0; x < w; x++) {
                    double a = -2 * Math.PI * v * x / w;
                    double value = image[y * w + x] - mean;
                    sr += value * Math.cos(a);
                    si += value * Math.sin(a);
                }
                re[y][v] = sr;
                im[y][v] = si;
            }
        }
        for (int u = 0; u < h; u++) {
            for (int v = 0; v < w; v++) {
                double sr = 0;
                double si = 0;
                for (int y = 0; y < h; y++) {
                    double a = -2 * Math.PI * u * y / h;
                    double cos = Math.cos(a);
                    double sin = Math.sin(a);
                    sr += re[y][v] * cos - im[y][v] * sin;
                    si += re[y][v] * sin + im[y][v] * cos;
                }
                int fu = u <= h / 2 ? u : u - h;
                int fv = v <= w / 2 ? v : v - w;
                int r = (int) Math.round(Math.hypot(fu, fv));
                out[Math.min(r, bins - 1)] += sr * sr + si * si;
            }
        }
        return out;
    }

    /** Mean L2 distance between two different images of one class, averaged over classes with ≥ 2 images. */
    static double withinClassDistance(ImageDataset images) {
        int[][] byClass = new int[images.numClasses()][];
        int[] counts = new int[images.numClasses()];
        for (int i = 0; i < images.size(); i++) {
            counts[images.label(i)]++;
        }
        for (int c = 0; c < byClass.length; c++) {
            byClass[c] = new int[counts[c]];
            counts[c] = 0;
        }
        for (int i = 0; i < images.size(); i++) {
            byClass[images.label(i)][counts[images.label(i)]++] = i;
        }
        double sum = 0;
        int classes = 0;
        for (int[] members : byClass) {
            if (members.length < 2) {
                continue;
            }
            double classSum = 0;
            int pairs = 0;
            for (int a = 0; a < members.length; a++) {
                float[] x = images.image01(members[a]);
                for (int b = a + 1; b < members.length; b++) {
                    float[] y = images.image01(members[b]);
                    double d = 0;
                    for (int p = 0; p < x.length; p++) {
                        d += (x[p] - y[p]) * (x[p] - y[p]);
                    }
                    classSum += Math.sqrt(d);
                    pairs++;
                }
            }
            sum += classSum / pairs;
            classes++;
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }
}
