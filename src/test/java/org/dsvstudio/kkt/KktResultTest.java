package org.dsvstudio.kkt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a run says its candidates are support vectors, and when it says the KKT conditions were not met. */
class KktResultTest {

    private static KktResult run(double stationarity, int feasible, int of) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < of; i++) {
            float[] p = new float[] {0.9f, 0.1f};
            candidates.add(new Candidate(i, 0, new float[] {1, 0}, 1.0, false, -1, i < feasible ? 0 : 1,
                    new float[2], p, 0.3, new float[4]));
        }
        LossTerms end = new LossTerms(1, 0.1, stationarity, 0, 0, 0, 0, 1.0);
        return new KktResult(KktPresets.get("quick"), 1, "noise", candidates, List.of(end), 100, null, null, 0, 1,
                1, 0.3, 100, List.of("w"), List.of());
    }

    @Test
    void aRunThatExplainsTheWeightsHasNoWarning() {
        assertNull(run(0.09, 10, 10).kktWarning());
    }

    @Test
    void stationarityThatBarelyFellIsSaidWithWhatToTry() {
        String w = run(0.72, 10, 10).kktWarning();
        assertEquals("KKT conditions not approximately met: stationarity ended at 0.72 of its λ = 0 value, so λ ≥ 0"
                + " does not make these support vectors of the model. Try more candidates per class, more steps, or"
                + " stationarity on the head's weights only", w);
    }

    @Test
    void candidatesNotClassifiedAsTheirClassAreSaid() {
        String w = run(0.1, 7, 10).kktWarning();
        assertTrue(w.contains("only 70 % of kept candidates are classified as their class"), w);
        assertTrue(run(0.9, 7, 10).kktWarning().contains("stationarity ended at 0.90 of its λ = 0 value and only 70 %"));
    }
}
