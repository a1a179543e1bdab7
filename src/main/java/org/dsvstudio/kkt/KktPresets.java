package org.dsvstudio.kkt;

import java.util.List;
import java.util.Locale;

/**
 * Named starting points for a DeepKKT run. Values and the reasons for them are in docs/presets.md; every
 * field can be overridden.
 */
public final class KktPresets {

    public static final List<String> NAMES = List.of("quick", "standard", "paper");

    private KktPresets() {
    }

    public static KktConfig get(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "quick":
                return quick();
            case "standard":
                return standard();
            case "paper":
                return paper();
            default:
                throw new IllegalArgumentException("unknown preset '" + name + "' (choose one of " + NAMES + ")");
        }
    }

    /** A minute-scale look on a CPU: fewer steps, larger image steps, light augmentation. */
    public static KktConfig quick() {
        return new KktConfig("quick", 150, 1.0, 1.0, 1.0, 0.0, 0.0, Distance.COSINE, List.of("all"), 0, 0.1,
                0.05, 0.02, 0.9, 0.999, new Augmentation(0.125, 0.2, 0.0, 0.0, 0.01), 1.0, 100, 10);
    }

    /** The default for real use: more steps and the paper's augmentations (without flips). */
    public static KktConfig standard() {
        return new KktConfig("standard", 1000, 1.0, 1.0, 1.0, 0.0, 0.0, Distance.COSINE, List.of("all"), 0, 0.1,
                0.02, 0.01, 0.9, 0.999, Augmentation.PAPER_NO_FLIP, 1.0, 100, 20);
    }

    /**
     * The paper's objective as written: L1 distance per parameter over all weights, primal weight 2e-3
     * (distillation setting), η = 5, TV = norm = 0, Adam with α_x = 1e-3 and α_λ = 0.1 (the draft's values);
     * the paper's augmentations without the flip.
     */
    public static KktConfig paper() {
        return new KktConfig("paper", 2000, 2e-3, 1.0, 5.0, 0.0, 0.0, Distance.L1_MEAN, List.of("all"), 0, 0.0,
                1e-3, 0.1, 0.9, 0.999, Augmentation.PAPER_NO_FLIP, 1.0, 100, 50);
    }
}
