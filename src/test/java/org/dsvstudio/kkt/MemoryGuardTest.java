package org.dsvstudio.kkt;

import ai.djl.Device;
import org.dsvstudio.engine.AutogradBridge;
import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.Classifier;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.dsvstudio.TestSupport.compute;
import static org.dsvstudio.TestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large runs are cut into chunks that fit memory, or refused with the estimate, before they exhaust it. */
class MemoryGuardTest {

    private static final long MB = 1L << 20;

    @AfterEach
    void forgetOverride() {
        System.clearProperty("dsv.memory.available");
    }

    @Test
    void thePlanKeepsLowersOrRefusesTheChunk() {
        MemoryGuard.Plan keep = MemoryGuard.plan(10 * MB, 20_000 * MB, 100, 300);
        assertEquals(100, keep.chunk());
        assertNull(keep.note());
        MemoryGuard.Plan lower = MemoryGuard.plan(10 * MB, 400 * MB, 100, 300);
        assertEquals(20, lower.chunk(), "half of 400 MB at 10 MB per candidate");
        assertEquals("chunk size 100 → 20 to fit memory (an estimated 10 MB per candidate, 400 MB available)",
                lower.note());
        MemoryGuard.Plan refuse = MemoryGuard.plan(300 * MB, 400 * MB, 100, 300);
        assertEquals("not enough memory: one candidate's step needs an estimated 300 MB and only 400 MB is available"
                + " (a run may use half): close other programs or use a smaller model", refuse.refusal());
        assertEquals(1, MemoryGuard.plan(0, 3 * MB, 100, 300).chunk(), "never less than 1 MB per candidate");
        assertEquals(5, MemoryGuard.plan(10 * MB, -1, 100, 5).chunk(), "unknown memory: the configured chunk");
    }

    private static KktResult run(int perClass) throws Exception {
        CardOverrides digits = new CardOverrides(new int[] {1, 28, 28},
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(), new double[] {0.2860},
                new double[] {0.3530}, null);
        KktConfig config = new KktConfig("test", 3, 1, 1, 1, 0.01, 0.01, Distance.L1_MEAN, List.of("all"), 1, 0.1,
                0.05, 0.05, 0.9, 0.999, new Augmentation(0.125, 0.2, 0.15, 0, 0.01), 1, 64, 1);
        return compute(() -> {
            try (Classifier model = ModelLoader.load(resource("torchscript/tiny_convnet.pt"), digits, Device.cpu());
                    AutogradBridge bridge = AutogradBridge.load()) {
                KktRequest request = new KktRequest(KktRequest.hardTargets(new int[] {0, 3, 7}, perClass, 10), null,
                        "noise", 5, config);
                return new KktJob(model, bridge, request).run(p -> { }, () -> false);
            }
        });
    }

    @Test
    void aRunThatWouldNotFitRunsInSmallerChunks() throws Exception {
        // 64 MB "available": the plan may use 32 MB and a candidate counts at least 1 MB, so 36 candidates cannot
        // share one chunk whatever this machine measures (a tiny model's candidate needs far less than 32 MB)
        System.setProperty("dsv.memory.available", Long.toString(64 * MB));
        KktResult r = run(12);
        assertTrue(r.completed(), String.valueOf(r.stopReason()));
        assertEquals(1, r.notes().size(), r.notes().toString());
        assertTrue(r.notes().get(0).startsWith("chunk size 36 → "), r.notes().get(0));
        assertEquals(36, r.candidates().size());
    }

    @Test
    void aRunThatCannotFitIsRefusedWithTheEstimate() throws Exception {
        System.setProperty("dsv.memory.available", Long.toString(MB));
        KktResult r = run(2);
        assertEquals(0, r.stepsDone());
        assertTrue(r.stopReason().startsWith("not enough memory: one candidate's step needs an estimated "),
                r.stopReason());
        assertTrue(r.stopReason().contains("and only 1 MB is available"), r.stopReason());
        assertEquals(KktResult.Stop.REFUSED, r.stop());
    }
}
