package org.dsvstudio.app;

import org.dsvstudio.data.ImageDataset;
import org.dsvstudio.kkt.KktConfig;
import org.dsvstudio.kkt.KktRequest;
import org.dsvstudio.model.ModelCard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Turns what a user asks for (classes, count, start, class mix) into a {@link KktRequest}. Shared by the CLI's
 * {@code generate} and the app's run panel.
 */
public final class GenerationPlan {

    /** Where candidates start. */
    public enum Init {
        /** Gaussian noise (normalized units). */
        NOISE,
        /** Images of another data set (the paper's "0 shots"). */
        OTHER,
        /** Real images of the model's own classes (the paper's "k shots"). */
        REAL;

        public static Init parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --init '" + s + "' (use noise, other or real)");
            }
        }
    }

    private GenerationPlan() {
    }

    /** Class names or indices → indices; null or empty = all classes. */
    public static int[] resolveClasses(ModelCard card, List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            int[] all = new int[card.numClasses()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] out = new int[requested.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = classIndex(card, requested.get(i));
        }
        return out;
    }

    /** A class by exact name, case-insensitive name, or index. */
    public static int classIndex(ModelCard card, String nameOrIndex) {
        String s = nameOrIndex.strip();
        int exact = card.classNames().indexOf(s);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < card.numClasses(); i++) {
            if (card.classNames().get(i).equalsIgnoreCase(s)) {
                return i;
            }
        }
        try {
            int index = Integer.parseInt(s);
            if (index >= 0 && index < card.numClasses()) {
                return index;
            }
        } catch (NumberFormatException e) {
            // not an index either
        }
        throw new IllegalArgumentException("unknown class '" + s + "' (classes: " + String.join(", ", card.classNames())
                + ")");
    }

    /**
     * A soft target from "a:0.4,b:0.6" (weights must be ≥ 0 and sum to 1).
     */
    public static float[] parseMix(ModelCard card, String mix) {
        float[] target = new float[card.numClasses()];
        double sum = 0;
        for (String part : mix.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--mix needs class:weight pairs like 'Coat:0.4,Shirt:0.6', got '"
                        + part + "'");
            }
            int c = classIndex(card, part.substring(0, colon));
            double w;
            try {
                w = Double.parseDouble(part.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix weight is not a number: '" + part + "'");
            }
            if (!(w >= 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("--mix weights must be ≥ 0, got " + w);
            }
            target[c] += (float) w;
            sum += w;
        }
        if (Math.abs(sum - 1) > 1e-4) {
            throw new IllegalArgumentException("--mix weights must sum to 1, they sum to " + sum);
        }
        return target;
    }

    /**
     * Builds the request.
     *
     * @param classes classes to generate for (ignored when mix != null)
     * @param perClass candidates per class (with a mix: candidates in total)
     * @param mix a soft target, or null
     * @param init where candidates start
     * @param data the data set for OTHER (any images of the model's size) or REAL (the model's own classes)
     */
    public static KktRequest build(ModelCard card, int[] classes, int perClass, float[] mix, Init init,
            ImageDataset data, String dataLabel, long seed, KktConfig config) {
        if (perClass <= 0) {
            throw new IllegalArgumentException("--per-class must be at least 1");
        }
        float[][] targets;
        if (mix != null) {
            targets = new float[perClass][];
            for (int i = 0; i < perClass; i++) {
                targets[i] = mix.clone();
            }
        } else {
            targets = KktRequest.hardTargets(classes, perClass, card.numClasses());
        }
        float[][] starts = null;
        String label = "noise";
        if (init != Init.NOISE) {
            if (data == null) {
                throw new IllegalArgumentException("--init " + init.name().toLowerCase(Locale.ROOT) + " needs --data PATH");
            }
            if (data.channels() != card.channels() || data.height() != card.height() || data.width() != card.imageWidth()) {
                throw new IllegalArgumentException("images in " + dataLabel + " are " + data.channels() + "×"
                        + data.height() + "×" + data.width() + " but the model takes " + card.channels() + "×"
                        + card.height() + "×" + card.imageWidth());
            }
            starts = init == Init.REAL ? realStarts(card, data, targets, seed) : otherStarts(data, targets.length, seed);
            label = (init == Init.REAL ? "real:" : "other:") + dataLabel;
        }
        return new KktRequest(targets, starts, label, seed, config);
    }

    /** For each candidate, a distinct random image of its (largest-target) class. */
    private static float[][] realStarts(ModelCard card, ImageDataset data, float[][] targets, long seed) {
        Random random = new Random(seed ^ 0x5eed5eedL);
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < card.numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            if (data.label(i) < card.numClasses()) {
                byClass.get(data.label(i)).add(i);
            }
        }
        float[][] starts = new float[targets.length][];
        for (int i = 0; i < targets.length; i++) {
            int c = KktRequest.targetClass(targets[i]);
            List<Integer> pool = byClass.get(c);
            if (pool.isEmpty()) {
                throw new IllegalArgumentException("the data has no image of class '" + card.classNames().get(c) + "'");
            }
            int pick = pool.remove(random.nextInt(pool.size()));
            starts[i] = data.image01(pick);
            if (pool.isEmpty()) {
                // more candidates than images of this class: allow repeats from here on
                pool.add(pick);
            }
        }
        return starts;
    }

    private static float[][] otherStarts(ImageDataset data, int n, long seed) {
        Random random = new Random(seed ^ 0x07e507e5L);
        float[][] starts = new float[n][];
        for (int i = 0; i < n; i++) {
            starts[i] = data.image01(random.nextInt(data.size()));
        }
        return starts;
    }

    /** The soft target (1−δ)·e_a + δ·e_b of the paper's class mixing; δ = 0 gives class a, δ = 1 class b. */
    public static float[] blend(int numClasses, int a, int b, double delta) {
        if (a < 0 || a >= numClasses || b < 0 || b >= numClasses) {
            throw new IllegalArgumentException("classes " + a + " and " + b + " must lie in 0.." + (numClasses - 1));
        }
        if (!(delta >= 0 && delta <= 1)) {
            throw new IllegalArgumentException("δ must lie in [0, 1], got " + delta);
        }
        float[] t = new float[numClasses];
        t[a] += (float) (1 - delta);
        t[b] += (float) delta;
        return t;
    }

    /** The index of the largest entry (the first one on ties). */
    public static int argMax(float[] v) {
        return org.dsvstudio.model.Probabilities.argMax(v);
    }

    /**
     * A target in words: the class name for a hard target, else every class with weight in class order,
     * "Coat 40 % / Shirt 60 %".
     */
    public static String describeTarget(float[] target, List<String> classNames) {
        if (KktRequest.isHard(target)) {
            return classNames.get(argMax(target));
        }
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < target.length; c++) {
            if (target[c] > 0) {
                parts.add(String.format(Locale.ROOT, "%s %d %%", classNames.get(c), Math.round(100 * target[c])));
            }
        }
        return String.join(" / ", parts);
    }

    /**
     * Editing: every candidate starts from the same image (pixel space [0,1]) and is optimized towards its
     * target (hard targets for {@code classes}, or the soft {@code mix}).
     */
    public static KktRequest fromImage(ModelCard card, int[] classes, int perClass, float[] mix, float[] start01,
            String label, long seed, KktConfig config) {
        int size = card.channels() * card.height() * card.imageWidth();
        if (start01 == null || start01.length != size) {
            throw new IllegalArgumentException("the start image has " + (start01 == null ? 0 : start01.length)
                    + " values but the model takes " + card.channels() + "×" + card.height() + "×" + card.imageWidth()
                    + " = " + size);
        }
        KktRequest plain = build(card, classes, perClass, mix, Init.NOISE, null, null, seed, config);
        float[][] starts = new float[plain.size()][];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = start01.clone();
        }
        return new KktRequest(plain.targets(), starts, "image:" + label, seed, config);
    }
}
