package org.dsvstudio.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void parseAcceptsAnyCase() {
        assertEquals(Split.TRAIN, Split.parse("train"));
        assertEquals(Split.TEST, Split.parse(" TeSt "));
    }

    @Test
    void parseRejectsOtherWordsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse("val"));
        assertTrue(e.getMessage().contains("'val'") && e.getMessage().contains("train or test"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Split.parse(null));
    }
}
