package org.dsvstudio.app;

import org.dsvstudio.kkt.KktConfig;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One DeepKKT run as a user asked for it in the app: what to generate and with which configuration.
 *
 * @param config every weight and rate (a preset or the advanced form's values)
 * @param classes class indices to generate for; null = every class (ignored with a mix)
 * @param perClass candidates per class (with a mix: candidates in total)
 * @param mix a soft target over the model's classes (class mixing), or null for hard labels
 * @param init where candidates start
 * @param data the data folder for {@code init} REAL or OTHER (its train split), else null
 * @param seed seeds noise, λ initialization, augmentation and the choice of start images
 * @param start editing: the image (pixel space [0,1], C·H·W) every candidate starts from, or null; it replaces
 *     {@code init} (which must then be NOISE)
 * @param startLabel where {@code start} came from, for titles and provenance ("DSV #3 of run 1", a file name)
 */
public record RunSpec(KktConfig config, int[] classes, int perClass, float[] mix, GenerationPlan.Init init, Path data,
        long seed, float[] start, String startLabel) {

    /** A run without a start image (noise, or start images drawn from a data folder). */
    public RunSpec(KktConfig config, int[] classes, int perClass, float[] mix, GenerationPlan.Init init, Path data,
            long seed) {
        this(config, classes, perClass, mix, init, data, seed, null, null);
    }

    public RunSpec {
        if (config == null) {
            throw new IllegalArgumentException("a configuration is required");
        }
        if (perClass <= 0) {
            throw new IllegalArgumentException("candidates per class must be at least 1");
        }
        if (init == null) {
            init = GenerationPlan.Init.NOISE;
        }
        if (init != GenerationPlan.Init.NOISE && data == null) {
            throw new IllegalArgumentException("starting from " + init.name().toLowerCase(Locale.ROOT)
                    + " images needs a data folder");
        }
        if (start != null && init != GenerationPlan.Init.NOISE) {
            throw new IllegalArgumentException("a run starts either from one given image or from " + init.name()
                    .toLowerCase(Locale.ROOT) + " images, not both");
        }
        if (start != null && (startLabel == null || startLabel.isBlank())) {
            startLabel = "an image";
        }
    }

    /** Class mixing: n candidates from noise with the soft target (1−δ)·e_a + δ·e_b (a hard target when δ is 0 or 1). */
    public static RunSpec mix(KktConfig config, int n, int numClasses, int a, int b, double delta, long seed) {
        float[] target = GenerationPlan.blend(numClasses, a, b, delta);
        return org.dsvstudio.kkt.KktRequest.isHard(target)
                ? new RunSpec(config, new int[] {GenerationPlan.argMax(target)}, n, null, GenerationPlan.Init.NOISE,
                        null, seed)
                : new RunSpec(config, null, n, target, GenerationPlan.Init.NOISE, null, seed);
    }

    /** Editing: n candidates starting from image01 with the given target (hard when a single class has weight 1). */
    public static RunSpec edit(KktConfig config, int n, float[] target, float[] image01, String label, long seed) {
        boolean hard = org.dsvstudio.kkt.KktRequest.isHard(target);
        return new RunSpec(config, hard ? new int[] {GenerationPlan.argMax(target)} : null, n, hard ? null : target,
                GenerationPlan.Init.NOISE, null, seed, image01, label);
    }

    /** The target of every candidate when it is one (a mix, or a single hard class), else null. */
    public float[] singleTarget(int numClasses) {
        if (mix != null) {
            return mix.clone();
        }
        if (classes != null && classes.length == 1) {
            float[] t = new float[numClasses];
            t[classes[0]] = 1f;
            return t;
        }
        return null;
    }

    /** The title with the target spelled out when every candidate shares one ("… · Coat 40 % / Shirt 60 %"). */
    public String title(java.util.List<String> classNames) {
        float[] t = singleTarget(classNames.size());
        String base = title();
        return t == null || (mix == null && start == null) ? base
                : base + " · → " + GenerationPlan.describeTarget(t, classNames);
    }

    /** Hard-label candidates for every class, from noise. */
    public static RunSpec noise(KktConfig config, int perClass, long seed) {
        return new RunSpec(config, null, perClass, null, GenerationPlan.Init.NOISE, null, seed);
    }

    /** A short title for job lists: "quick · 1/class · seed 0". */
    public String title() {
        String what = start != null ? perClass + " edited" : mix != null ? perClass + " mixed" : perClass + "/class";
        if (classes != null && mix == null && start == null) {
            what += " · " + classes.length + " class" + (classes.length == 1 ? "" : "es");
        }
        String from = this.start != null ? " · edit of " + startLabel
                : init == GenerationPlan.Init.NOISE ? "" : " · from " + init.name().toLowerCase(Locale.ROOT);
        return config.preset() + " · " + what + from + " · seed " + seed;
    }
}
