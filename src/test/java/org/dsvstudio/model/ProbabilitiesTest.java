package org.dsvstudio.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Softmax, argmax and entropy against values worked out by hand. */
class ProbabilitiesTest {

    @Test
    void softmaxOfARowMatchesTheClosedFormAndSurvivesHugeLogits() {
        double e = Math.E;
        double[] p = Probabilities.softmax(new double[] {9, 9, 0, 1, 2}, 2, 3);
        assertArrayEquals(new double[] {1 / (1 + e + e * e), e / (1 + e + e * e), e * e / (1 + e + e * e)}, p, 1e-15);
        float[] big = Probabilities.softmax(new float[] {1000f, 1001f}, 0, 2);
        assertEquals(1 / (1 + e), big[0], 1e-7);
        assertEquals(e / (1 + e), big[1], 1e-7);
    }

    @Test
    void argMaxTakesTheFirstOfEqualMaximaAndEntropyOfUniformIsLogK() {
        assertEquals(1, Probabilities.argMax(new float[] {0.1f, 0.4f, 0.4f, 0.1f}));
        assertEquals(2, Probabilities.argMax(new double[] {-3, -2, -1}));
        assertEquals(Math.log(4), Probabilities.entropy(new float[] {0.25f, 0.25f, 0.25f, 0.25f}), 1e-7);
        assertEquals(0, Probabilities.entropy(new float[] {0, 1, 0}));
    }
}
