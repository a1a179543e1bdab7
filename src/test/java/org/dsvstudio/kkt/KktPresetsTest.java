package org.dsvstudio.kkt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The presets and their version for runs that start from real images. */
class KktPresetsTest {

    @Test
    void fromRealImagesAPresetLosesOnlyItsTvPriorAndContrastFloor() {
        for (String name : KktPresets.NAMES) {
            KktConfig noise = KktPresets.get(name);
            KktConfig real = KktPresets.get(name, true);
            assertEquals(0.0, real.tvWeight(), name);
            assertEquals(withoutPriors(noise), real, name + ": every other field as the preset's");
            assertEquals(noise, KktPresets.get(name, false), name);
        }
        assertEquals(1.0, KktPresets.quick().tvWeight(), "from noise quick smooths (docs/presets.md)");
        assertEquals(1.0, KktPresets.standard().tvWeight());
        // no augmented copies in quick and standard (docs/evidence.md), but their transforms stay filled in
        for (KktConfig c : new KktConfig[] {KktPresets.quick(), KktPresets.standard()}) {
            assertEquals(0.0, c.augmentWeight(), c.preset());
            assertEquals(false, c.augmentationOrNone().isNone(), c.preset());
        }
        assertThrows(IllegalArgumentException.class, () -> KktPresets.get("fast", true));
    }

    private static KktConfig withoutPriors(KktConfig c) {
        return c.toBuilder().tvWeight(0).levers(c.leversOrNone().withContrastFloor(0)).build();
    }

    @Test
    void forStartDropsAPresetsOwnTvPriorButLeavesChosenValues() {
        KktConfig quick = KktPresets.quick();
        assertSame(quick, KktPresets.forStart(quick, false), "from noise nothing changes");
        assertEquals(withoutPriors(quick), KktPresets.forStart(quick, true));
        KktConfig shorter = quick.withSteps(7);
        assertEquals(withoutPriors(shorter), KktPresets.forStart(shorter, true), "a preset cut short still is one");
        KktConfig chosen = quick.withTvWeight(0.5);
        assertSame(chosen, KktPresets.forStart(chosen, true), "a TV weight set by hand is kept");
        KktConfig custom = new KktConfig("custom", 200, 1.0, 1.0, 1.0, 1.0, 0.0, quick.distance(), quick.parameters(),
                quick.lambdaScale(), quick.lambdaInitSpread(), quick.lrX(), quick.lrLambda(), quick.adamBeta1(),
                quick.adamBeta2(), quick.augmentation(), quick.noiseStd(), quick.chunkSize(), quick.progressEvery());
        assertSame(custom, KktPresets.forStart(custom, true), "an edited configuration runs as the user sees it");
        assertEquals(null, KktPresets.forStart(null, true));
    }

    /** The presets as built field by field are the values measured in docs/presets.md (written out positionally). */
    @Test
    void presetsBuiltByNameHoldTheirMeasuredValues() {
        assertEquals(new KktConfig("quick", 200, 1.0, 1.0, 0.0, 1.0, 0.0, Distance.COSINE, java.util.List.of("last:4"),
                0, 0.1, 0.05, 0.02, 0.9, 0.999, new Augmentation(0.125, 0.2, 0.0, 0.0, 0.01), 1.0, 100, 10,
                new Levers("adam", 0.25, 0)), KktPresets.quick());
        assertEquals(new KktConfig("standard", 1000, 1.0, 1.0, 0.0, 1.0, 0.0, Distance.COSINE,
                java.util.List.of("last:4"), 0, 0.1, 0.02, 0.01, 0.9, 0.999, Augmentation.PAPER_NO_FLIP, 1.0, 100, 20,
                new Levers("adam", 0.25, 0)), KktPresets.standard());
        assertEquals(0.0, KktPresets.get("quick", true).leversOrNone().contrastFloor(),
                "a start from real images keeps its own contrast");
        assertEquals(0.0, KktPresets.get("quick", true).tvWeight());
        assertEquals(Levers.NONE, KktPresets.paper().leversOrNone(), "the paper's form has no levers");
        assertEquals(new KktConfig("paper", 2000, 2e-3, 1.0, 5.0, 0.0, 0.0, Distance.L1_MEAN, java.util.List.of("all"),
                0.1, 0.0, 1e-3, 0.01, 0.9, 0.999, Augmentation.PAPER_NO_FLIP, 1.0, 100, 50), KktPresets.paper());
        KktConfig q = KktPresets.quick();
        assertEquals(q, q.toBuilder().build());
        assertEquals(7, q.withSteps(7).steps());
        assertEquals(q.lrX(), q.withSteps(7).lrX());
    }
}
