package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sample statistics of the initializers against their closed forms, determinism by seed, names and errors. */
class InitializerTest {
    private static final int SAMPLES = 100_000;
    /** W1's second convolution: 32 input channels, 64 output channels, 3x3 kernels. */
    private static final long FAN_IN = 32 * 9;
    private static final long FAN_OUT = 64 * 9;

    /** name, normal (else uniform), the closed-form standard deviation (normal) or bound (uniform). */
    static Stream<Arguments> distributions() {
        return Stream.of(
                Arguments.of("kaiming-normal", true, Math.sqrt(2.0 / FAN_IN)),
                Arguments.of("kaiming-uniform", false, Math.sqrt(6.0 / FAN_IN)),
                Arguments.of("xavier-normal", true, Math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
                Arguments.of("xavier-uniform", false, Math.sqrt(6.0 / (FAN_IN + FAN_OUT))),
                Arguments.of("none", true, 0.01));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void samplesFollowTheClosedForm(String name, boolean normal, double scale) {
        float[] w = sample(Initializer.byName(name), SAMPLES, 1234);
        double std = normal ? scale : scale / Math.sqrt(3);
        double sum = 0;
        double squares = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int withinOneStd = 0;
        for (float x : w) {
            sum += x;
            squares += (double) x * x;
            min = Math.min(min, x);
            max = Math.max(max, x);
            withinOneStd += Math.abs(x) < std ? 1 : 0;
        }
        double mean = sum / SAMPLES;
        double sampleStd = Math.sqrt(squares / SAMPLES - mean * mean);
        double fraction = (double) withinOneStd / SAMPLES;
        String stats = String.format("%s: mean %.3g, std %.5g (closed form %.5g), min %.4g, max %.4g, P(|x|<std) %.4f",
                name, mean, sampleStd, std, min, max, fraction);
        System.out.println(stats);
        // Five standard errors: the mean's is std / sqrt(n), the standard deviation's about std / sqrt(2n).
        assertTrue(Math.abs(mean) < 5 * std / Math.sqrt(SAMPLES), stats);
        assertTrue(Math.abs(sampleStd / std - 1) < 5 / Math.sqrt(2.0 * SAMPLES), stats);
        if (normal) {
            // Tells a normal (68.3% within one std) from a uniform of the same std (57.7%).
            assertTrue(Math.abs(fraction - 0.6827) < 0.01, stats);
            assertTrue(max > 3.5 * std && min < -3.5 * std, stats);
        } else {
            float bound = (float) scale; // the float32 samples reach at most the float32 bound
            assertTrue(min >= -bound && max <= bound, stats + ": outside the bound " + bound);
            assertTrue(min < -0.999 * scale && max > 0.999 * scale, stats + ": does not reach the bound " + scale);
            assertTrue(Math.abs(fraction - 1 / Math.sqrt(3)) < 0.01, stats);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void sameSeedSameWeightsOtherSeedOtherWeights(String name, boolean normal, double scale) {
        Initializer initializer = Initializer.byName(name);
        float[] first = sample(initializer, 1000, 42);
        float[] again = sample(initializer, 1000, 42);
        float[] other = sample(initializer, 1000, 43);
        assertTrue(Arrays.equals(first, again), name + ": same seed, same weights");
        assertFalse(Arrays.equals(first, other), name + ": another seed, other weights");
    }

    @Test
    void writesExactlyCountValues() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(11 * 4L);
            w.fill((byte) 0x7f);
            new KaimingNormal().fill(w, 10, 3, 3, new SplittableRandom(1));
            assertEquals(0x7f7f7f7f, w.getAtIndex(ValueLayout.JAVA_INT, 10), "beyond count");
            assertNotEquals(0x7f7f7f7f, w.getAtIndex(ValueLayout.JAVA_INT, 9), "last value");
            MemorySegment untouched = arena.allocate(4).fill((byte) 0x7f);
            new XavierUniform().fill(untouched, 0, 3, 3, new SplittableRandom(1));
            assertEquals(0x7f7f7f7f, untouched.get(ValueLayout.JAVA_INT, 0), "count 0");
        }
    }

    @Test
    void namesAndAliases() {
        assertEquals(new KaimingNormal(), Initializer.byName("he"));
        assertEquals(new KaimingNormal(), Initializer.byName("Kaiming-Normal"));
        assertEquals(new KaimingUniform(), Initializer.byName("kaiming-uniform"));
        assertEquals(new XavierNormal(), Initializer.byName("glorot"));
        assertEquals(new XavierNormal(), Initializer.byName("xavier-normal"));
        assertEquals(new XavierUniform(), Initializer.byName("xavier-uniform"));
        assertEquals(new SmallNormal(), Initializer.byName("none"));
        for (String name : Initializer.NAMES) {
            String canonical = Initializer.byName(name).name();
            assertEquals(Initializer.byName(canonical), Initializer.byName(name), name + " -> " + canonical);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Initializer.byName("lecun"));
        assertEquals("unknown initializer 'lecun'; allowed: kaiming-normal, he, kaiming-uniform, xavier-normal,"
                + " glorot, xavier-uniform, none", e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        Initializer he = new KaimingNormal();
        SplittableRandom rng = new SplittableRandom(0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(8 * 4L);
            assertMessage("kaiming-normal: fanIn must be > 0, got 0", () -> he.fill(w, 8, 0, 1, rng));
            assertMessage("xavier-normal: fanOut must be > 0, got -1",
                    () -> new XavierNormal().fill(w, 8, 1, -1, rng));
            assertMessage("none: count must be >= 0, got -1", () -> new SmallNormal().fill(w, -1, 1, 1, rng));
            assertMessage("kaiming-uniform: weights holds 32 bytes, needs at least 36 (9 float32 values)",
                    () -> new KaimingUniform().fill(w, 9, 1, 1, rng));
            assertThrows(NullPointerException.class, () -> he.fill(w, 8, 1, 1, null));
        }
    }

    private static void assertMessage(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    private static float[] sample(Initializer initializer, int count, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(count * 4L);
            initializer.fill(w, count, FAN_IN, FAN_OUT, new SplittableRandom(seed));
            return Fixtures.floats(w, count);
        }
    }
}
