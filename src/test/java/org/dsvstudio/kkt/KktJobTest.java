package org.dsvstudio.kkt;

import ai.djl.Device;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.TestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job API: determinism, cancellation with a consistent partial result, progress snapshots, chunking. */
class KktJobTest {

    private static final CardOverrides DIGITS = new CardOverrides(new int[] {1, 28, 28},
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
            new double[] {0.3530}, null);

    private static KktConfig config(int steps, int chunk) {
        return new KktConfig("test", steps, 1, 1, 1, 0.01, 0.01, Distance.L1_MEAN, List.of("all"), 1, 0.1, 0.05,
                0.05, 0.9, 0.999, new Augmentation(0.125, 0.2, 0.15, 0, 0.01), 1, chunk, 1);
    }

    private static KktResult run(KktConfig config, long seed, java.util.function.BooleanSupplier cancel,
            List<KktProgress> progress) throws Exception {
        return compute(() -> {
            try (Classifier model = ModelLoader.load(resource("torchscript/tiny_convnet.pt"), DIGITS, Device.cpu());
                    AutogradBridge bridge = AutogradBridge.load()) {
                KktRequest request = new KktRequest(KktRequest.hardTargets(new int[] {0, 3, 7}, 2, 10), null, "noise",
                        seed, config);
                return new KktJob(model, bridge, request).run(progress::add, cancel);
            }
        });
    }

    @Test
    void aRunIsDeterministicForItsSeedOnTheCpu() throws Exception {
        KktResult a = run(config(4, 64), 42, () -> false, new ArrayList<>());
        KktResult b = run(config(4, 64), 42, () -> false, new ArrayList<>());
        KktResult c = run(config(4, 64), 43, () -> false, new ArrayList<>());
        for (int i = 0; i < a.candidates().size(); i++) {
            assertArrayEquals(a.candidates().get(i).image01(), b.candidates().get(i).image01());
            assertEquals(a.candidates().get(i).lambda(), b.candidates().get(i).lambda());
        }
        assertFalse(java.util.Arrays.equals(a.candidates().get(0).image01(), c.candidates().get(0).image01()));
    }

    /**
     * Chunking changes only the memory footprint: the joint stationarity sum spans all chunks. At the shared start
     * the terms must agree to float precision; after a few Adam steps only up to Adam's per-component
     * normalization, which turns a gradient at float-noise level (summed in a different order) into a full step
     * of either sign — so the path is compared pixel by pixel with a small share (5 %) of such components allowed.
     */
    @Test
    void chunkedCandidatesFollowTheSamePathAsOneChunk() throws Exception {
        List<KktProgress> wholeProgress = new ArrayList<>();
        List<KktProgress> chunkedProgress = new ArrayList<>();
        KktResult whole = run(config(3, 64), 5, () -> false, wholeProgress);
        KktResult chunked = run(config(3, 2), 5, () -> false, chunkedProgress);
        LossTerms a = wholeProgress.get(0).losses();
        LossTerms b = chunkedProgress.get(0).losses();
        assertEquals(a.stationarity(), b.stationarity(), 1e-5 * a.stationarity());
        assertEquals(a.stationarityAug(), b.stationarityAug(), 1e-5 * a.stationarityAug());
        assertEquals(a.primal(), b.primal(), 1e-5 * Math.abs(a.primal()));
        assertEquals(a.total(), b.total(), 1e-5 * Math.abs(a.total()));
        int pixels = 0;
        int apart = 0;
        for (int i = 0; i < whole.candidates().size(); i++) {
            float[] p = whole.candidates().get(i).image01();
            float[] q = chunked.candidates().get(i).image01();
            for (int j = 0; j < p.length; j++) {
                pixels++;
                if (Math.abs(p[j] - q[j]) > 2e-4f) {
                    apart++;
                }
            }
            assertEquals(whole.candidates().get(i).lambda(), chunked.candidates().get(i).lambda(), 1e-3);
        }
        // A chunking bug (a chunk missing the other chunks' sum) moves nearly every pixel; float noise a few.
        assertTrue(apart <= pixels / 20, apart + " of " + pixels + " pixels took a different path");
        assertEquals(whole.last().stationarity(), chunked.last().stationarity(), 1e-3 * whole.last().stationarity());
    }

    @Test
    void cancellingKeepsAConsistentPartialResult() throws Exception {
        List<KktProgress> progress = new ArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        KktResult r = run(config(50, 64), 1, () -> polls.incrementAndGet() > 3, progress);
        assertEquals("cancelled", r.stopReason());
        assertEquals(KktResult.Stop.CANCELLED, r.stop());
        assertEquals(3, r.stepsDone());
        assertEquals(3, progress.size());
        assertEquals(6, r.candidates().size());
        KktProgress last = progress.get(progress.size() - 1);
        assertEquals(3, last.step());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(last.images01()[i], r.candidates().get(i).image01(), "the result is the last state");
            assertEquals(last.lambda()[i], r.candidates().get(i).lambda(), 1e-12);
            for (float v : r.candidates().get(i).image01()) {
                assertTrue(v >= 0 && v <= 1, "pixels stay in range");
            }
        }
    }

    @Test
    void progressSnapshotsCarryEveryTermAndCandidate() throws Exception {
        List<KktProgress> progress = new ArrayList<>();
        KktResult r = run(config(2, 64), 9, () -> false, progress);
        assertEquals(2, progress.size());
        KktProgress p = progress.get(1);
        assertEquals(2, p.step());
        assertEquals(6, p.lambda().length);
        assertEquals(6, p.images01().length);
        assertEquals(784, p.images01()[0].length);
        assertTrue(p.losses().stationarity() > 0 && p.losses().stationarityAug() > 0 && p.losses().tv() > 0);
        assertTrue(p.losses().stationarityAtZero() > 0);
        assertTrue(r.completed());
        assertTrue(Double.isFinite(r.initialMeanEntropy()) && Double.isFinite(r.finalMeanEntropy()));
    }

    /**
     * A model that turns to NaN mid-run (bad-inputs/nan-later.pt: NaN logits after its 12th forward call): the
     * run stops at that step with the bad term named, and keeps the last finite state.
     */
    @Test
    void aRunThatTurnsNaNStopsWithTheTermNamedAndKeepsTheLastFiniteState() throws Exception {
        List<KktProgress> progress = new ArrayList<>();
        KktResult r = compute(() -> {
            try (Classifier model = ModelLoader.load(resource("bad-inputs/nan-later.pt"), DIGITS, Device.cpu());
                    AutogradBridge bridge = AutogradBridge.load()) {
                KktRequest request = new KktRequest(KktRequest.hardTargets(new int[] {0, 3, 7}, 2, 10), null, "noise",
                        3, config(50, 64));
                return new KktJob(model, bridge, request).run(progress::add, () -> false);
            }
        });
        assertFalse(r.completed());
        assertTrue(r.stopReason().contains("primal was not finite twice in a row"), r.stopReason());
        assertEquals(KktResult.Stop.NON_FINITE, r.stop());
        assertTrue(r.stepsDone() > 0 && r.stepsDone() < 50, "stopped mid-run at step " + r.stepsDone());
        assertEquals(1, r.nonFiniteRecomputes(), "the bad step was computed again once before stopping");
        KktProgress last = progress.get(progress.size() - 1);
        assertEquals(r.stepsDone(), last.step(), "the listener saw the last finite step");
        for (Candidate c : r.candidates()) {
            for (float v : c.image01()) {
                assertTrue(Float.isFinite(v), "images stay finite");
            }
            for (float v : c.probabilities()) {
                assertTrue(Float.isFinite(v), "probabilities come from the last finite step");
            }
            assertTrue(Double.isFinite(c.lambda()));
        }
        assertTrue(Double.isFinite(r.last().total()), "the history ends with finite terms");
    }

    @Test
    void invalidConfigurationsAreRejectedWithTheFieldNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KktConfig("x", 0, 1, 1, 0, 0, 0, Distance.L1_MEAN, List.of("all"), 0, 0, 0.1, 0.1, 0.9, 0.99,
                        Augmentation.NONE, 1, 10, 1).validate());
        assertTrue(e.getMessage().contains("steps"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new KktConfig("x", 10, -1, 1, 0, 0, 0, Distance.L1_MEAN, List.of("all"), 0, 0, 0.1, 0.1, 0.9, 0.99,
                        Augmentation.NONE, 1, 10, 1).validate());
        assertTrue(e.getMessage().contains("primalWeight"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new KktConfig("x", 10, 1, Double.NaN, 0, 0, 0, Distance.L1_MEAN, List.of("all"), 0, 0, 0.1, 0.1,
                        0.9, 0.99, Augmentation.NONE, 1, 10, 1).validate());
        assertTrue(e.getMessage().contains("stationarityWeight"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new KktRequest(new float[][] {{0.5f, 0.4f}}, null, "noise", 1, KktPresets.quick()));
        assertTrue(e.getMessage().contains("sum to 1"));
        assertThrows(IllegalArgumentException.class, () -> KktPresets.get("fast"));
    }
}
