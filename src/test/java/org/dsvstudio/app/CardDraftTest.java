package org.dsvstudio.app;

import org.dsvstudio.model.CardOverrides;
import org.dsvstudio.model.ModelCard;
import org.dsvstudio.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The card dialog's logic: parsing what a user types, messages that name the field, saving a card. */
class CardDraftTest {

    private static CardDraft good() {
        return new CardDraft().setInputShape("1,28,28").setClassNames("zero, one, two").setMean("0.1307")
                .setStd("0.3081");
    }

    @Test
    void goodInputMakesCompleteOverrides() {
        CardOverrides o = good().toOverrides();
        assertArrayEquals(new int[] {1, 28, 28}, o.inputShape());
        assertEquals(List.of("zero", "one", "two"), o.classNames());
        assertArrayEquals(new double[] {0.1307}, o.mean());
        assertArrayEquals(new double[] {0.3081}, o.std());
        assertNull(o.name(), "a blank name leaves the file name to the loader");
        assertTrue(good().isValid());
        assertTrue(good().problems().isEmpty());
    }

    @Test
    void acceptsTheUsualWaysOfWritingIt() {
        CardDraft d = new CardDraft().setInputShape(" 3 x 32 × 32 ").setClassNames("cat\n\n  dog \nbird\n")
                .setMean("0.485, 0.456 0.406").setStd("0.229;0.224;0.225").setName("  my net ");
        CardOverrides o = d.toOverrides();
        assertArrayEquals(new int[] {3, 32, 32}, o.inputShape());
        assertEquals(List.of("cat", "dog", "bird"), o.classNames());
        assertArrayEquals(new double[] {0.485, 0.456, 0.406}, o.mean());
        assertArrayEquals(new double[] {0.229, 0.224, 0.225}, o.std());
        assertEquals("my net", o.name());
        // one value applies to every channel
        assertArrayEquals(new double[] {0.5}, d.setMean("0.5").toOverrides().mean());
    }

    @Test
    void oneNamePerLineKeepsCommasInsideNames() {
        assertEquals(List.of("tench, Tinca tinca", "goldfish, Carassius auratus"),
                CardDraft.parseClassNames("tench, Tinca tinca\ngoldfish, Carassius auratus"));
        assertEquals(List.of("a", "b"), CardDraft.parseClassNames("a,b"));
        assertEquals(List.of("a", "b"), CardDraft.parseClassNames("a\r\nb\r\n"));
    }

    @Test
    void eachBadFieldIsNamedInItsMessage() {
        assertProblem(good().setInputShape(""), CardDraft.Field.INPUT_SHAPE, "input shape needs three whole numbers");
        assertProblem(good().setInputShape("1,28"), CardDraft.Field.INPUT_SHAPE, "got '1,28'");
        assertProblem(good().setInputShape("1,a,28"), CardDraft.Field.INPUT_SHAPE, "input shape needs three");
        assertProblem(good().setInputShape("0,28,28"), CardDraft.Field.INPUT_SHAPE, "C (channels) must be between 1");
        assertProblem(good().setInputShape("1,28,5000"), CardDraft.Field.INPUT_SHAPE, "W (width) must be between 1");
        assertProblem(good().setClassNames("only"), CardDraft.Field.CLASS_NAMES, "at least two");
        assertProblem(good().setClassNames("  \n \n"), CardDraft.Field.CLASS_NAMES, "at least two");
        assertProblem(good().setClassNames("a\nb\na"), CardDraft.Field.CLASS_NAMES, "'a' appears twice");
        assertProblem(good().setMean(""), CardDraft.Field.MEAN, "mean needs 1 value");
        assertProblem(good().setMean("abc"), CardDraft.Field.MEAN, "mean needs numbers separated by commas");
        assertProblem(good().setMean("NaN"), CardDraft.Field.MEAN, "got 'NaN'");
        assertProblem(good().setMean("0,5"), CardDraft.Field.MEAN, "use a dot for decimals");
        assertProblem(good().setInputShape("3,32,32").setMean("0.5,0.5"), CardDraft.Field.MEAN,
                "mean needs 1 or 3 values (one per channel), got 2");
        assertProblem(good().setStd("0,353"), CardDraft.Field.STD, "std needs 1 value (one per channel), got 2 (use a dot");
        assertProblem(good().setStd("0"), CardDraft.Field.STD, "std values must be greater than 0");
        assertProblem(good().setStd("-0.2"), CardDraft.Field.STD, "std values must be greater than 0");
        assertProblem(good().setName("two\nlines"), CardDraft.Field.NAME, "model name must be a single line");
    }

    @Test
    void allProblemsAreListedInFieldOrder() {
        CardDraft d = new CardDraft().setInputShape("x").setClassNames("a").setMean("m").setStd("0");
        Map<CardDraft.Field, String> p = d.problems();
        assertEquals(List.of(CardDraft.Field.INPUT_SHAPE, CardDraft.Field.CLASS_NAMES, CardDraft.Field.MEAN,
                CardDraft.Field.STD), List.copyOf(p.keySet()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, d::toOverrides);
        assertEquals(p.get(CardDraft.Field.INPUT_SHAPE), e.getMessage(), "toOverrides reports the first field");
        assertFalse(d.isValid());
    }

    @Test
    void classNamesComeFromATextFileOnePerLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("classes.txt");
        Files.write(file, ("\uFEFFT-shirt/top\n  Trouser \n\n\nPullover\r\nAnkle boot\n\n")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Ankle boot"), CardDraft.readClassNames(file));
        CardDraft d = good().loadClassNames(file);
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Ankle boot"), d.toOverrides().classNames());
        assertThrows(IOException.class, () -> CardDraft.readClassNames(dir.resolve("missing.txt")));
    }

    @Test
    void prefillsFromKnownOverrides() {
        CardDraft d = CardDraft.from(new CardOverrides(new int[] {3, 32, 32}, List.of("a", "b"),
                new double[] {0.5, 0.25, 1}, new double[] {0.2}, "net"));
        assertEquals("3,32,32", d.inputShape());
        assertEquals("a\nb", d.classNames());
        assertEquals("0.5,0.25,1", d.mean());
        assertEquals("0.2", d.std());
        assertEquals("net", d.name());
        assertEquals("", CardDraft.from(CardOverrides.NONE).inputShape());
    }

    @Test
    void savedCardIsWhereTheLoaderLooksAndReadsBackTheSame(@TempDir Path dir) throws IOException {
        Path pt = dir.resolve("fashion_net.pt");
        Files.write(pt, new byte[] {1, 2, 3}); // never loaded: only its name matters here
        assertEquals(dir.resolve("fashion_net.json"), CardDraft.cardPathFor(pt));
        CardDraft d = new CardDraft().setInputShape("1,28,28").setClassNames("T-shirt/top\nTrouser\nPullover")
                .setMean("0.2860").setStd("0.3530");
        Path saved = d.saveBeside(pt);
        assertEquals(dir.resolve("fashion_net.json"), saved);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temp file is left behind");
        }
        ModelCard card = ModelLoader.readCard(saved);
        assertEquals("fashion_net", card.name(), "blank name = the file's stem");
        assertEquals("torchscript", card.architecture());
        assertEquals("fashion_net.pt", card.weightsFile());
        assertArrayEquals(new int[] {1, 28, 28}, card.inputShape());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover"), card.classNames());
        assertArrayEquals(new double[] {0.286}, card.mean());
        assertArrayEquals(new double[] {0.353}, card.std());
        // the same card the loader would build from the overrides; saving again replaces it
        ModelCard expected = d.toOverrides().applyTo(null, "fashion_net", "fashion_net.pt");
        assertEquals(expected.name(), card.name());
        assertEquals(expected.architecture(), card.architecture());
        assertEquals(expected.weightsFile(), card.weightsFile());
        assertArrayEquals(expected.inputShape(), card.inputShape());
        assertEquals(expected.classNames(), card.classNames());
        assertArrayEquals(expected.mean(), card.mean());
        assertArrayEquals(expected.std(), card.std());
        d.setName("renamed").saveBeside(pt);
        assertEquals("renamed", ModelLoader.readCard(saved).name());
    }

    @Test
    void nothingIsSavedWhenAFieldIsWrong(@TempDir Path dir) {
        Path pt = dir.resolve("m.pt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> good().setStd("").saveBeside(pt));
        assertTrue(e.getMessage().startsWith("std"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.json")));
    }

    private static void assertProblem(CardDraft d, CardDraft.Field field, String expected) {
        String p = d.problem(field);
        assertTrue(p != null && p.contains(expected), field + ": expected a message containing '" + expected
                + "', got: " + p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, d::toOverrides);
        assertTrue(e.getMessage().contains(field.label().split(" ")[0]), "message names the field: " + e.getMessage());
    }
}
