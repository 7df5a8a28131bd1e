package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Output lengths and the split of 'same' padding, by TensorFlow/Keras's rule, worked out by hand. */
class PaddingTest {
    @ParameterizedTest(name = "{0} in={1} k={2} s={3} -> {4}, pads ({5}, {6})")
    @CsvSource({
            "SAME, 7, 2, 2, 4, 0, 1",
            "SAME, 28, 3, 1, 28, 1, 1",
            "SAME, 28, 5, 1, 28, 2, 2",
            "SAME, 8, 2, 1, 8, 0, 1",
            "SAME, 8, 4, 1, 8, 1, 2",
            "SAME, 7, 4, 2, 4, 1, 2",
            "SAME, 7, 3, 2, 4, 1, 1",
            "SAME, 8, 3, 2, 4, 0, 1",
            "SAME, 6, 1, 2, 3, 0, 0",   // the formula gives -1: never negative
            "SAME, 7, 2, 3, 3, 0, 1",
            "SAME, 1, 3, 1, 1, 1, 1",
            "VALID, 28, 2, 2, 14, 0, 0",
            "VALID, 7, 2, 2, 3, 0, 0",
            "VALID, 9, 3, 2, 4, 0, 0",
            "VALID, 5, 5, 1, 1, 0, 0",
    })
    void lengthsAndSplits(Padding padding, long in, long k, long s, long out, long before, long after) {
        assertEquals(out, padding.outputLength(in, k, s), "output length");
        assertArrayEquals(new long[] {before, after}, padding.beforeAfter(in, k, s), "pads before, after");
    }

    @Test
    void validRejectsAWindowLargerThanTheInputAndNamesParseCaseInsensitively() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Padding.VALID.outputLength(2, 3, 1));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("3"), e.getMessage());
        assertEquals(Padding.SAME, Padding.of("Same"));
        assertEquals(Padding.VALID, Padding.of("VALID"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Padding.of("full"));
        assertTrue(unknown.getMessage().contains("'full'"), unknown.getMessage());
    }
}
