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
 */
public record RunSpec(KktConfig config, int[] classes, int perClass, float[] mix, GenerationPlan.Init init, Path data,
        long seed) {

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
    }

    /** Hard-label candidates for every class, from noise. */
    public static RunSpec noise(KktConfig config, int perClass, long seed) {
        return new RunSpec(config, null, perClass, null, GenerationPlan.Init.NOISE, null, seed);
    }

    /** A short title for job lists: "quick · 1/class · seed 0". */
    public String title() {
        String what = mix != null ? perClass + " mixed" : perClass + "/class";
        if (classes != null && mix == null) {
            what += " · " + classes.length + " class" + (classes.length == 1 ? "" : "es");
        }
        String start = init == GenerationPlan.Init.NOISE ? "" : " · from " + init.name().toLowerCase(Locale.ROOT);
        return config.preset() + " · " + what + start + " · seed " + seed;
    }
}
