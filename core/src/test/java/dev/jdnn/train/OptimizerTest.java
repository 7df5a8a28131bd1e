package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Names, defaults, validation messages, state layout and the no-allocation promise of the optimizers. */
class OptimizerTest {
    static final List<String> NAMES = Optimizer.NAMES;

    @ParameterizedTest
    @FieldSource("NAMES")
    void byNameGivesTheRuleOfThatName(String name) {
        Optimizer optimizer = Optimizer.byName(name.toUpperCase(), 0.25);
        assertEquals(name, optimizer.name());
        assertEquals(0.25, optimizer.learningRate());
        Optimizer faster = optimizer.withLearningRate(0.5);
        assertEquals(0.5, faster.learningRate());
        assertEquals(optimizer.getClass(), faster.getClass());
        assertEquals(optimizer, faster.withLearningRate(0.25), "withLearningRate keeps the other hyper-parameters");
    }

    /** The defaults written out independently, from torch.optim 1.13's signatures and the seed. */
    @Test
    void defaultsAreTorchOptims() {
        assertEquals(new Momentum(0.1, 0.9), Optimizer.byName("momentum", 0.1));
        assertEquals(new RmsProp(0.1, 0.99, 1e-8), Optimizer.byName("rmsprop", 0.1));
        assertEquals(new Adam(0.1, 0.9, 0.999, 1e-8), Optimizer.byName("adam", 0.1));
        assertEquals(new AdaGrad(0.1, 1e-10), Optimizer.byName("adagrad", 0.1));
        assertEquals(new AdaDelta(0.1, 0.9, 1e-6), Optimizer.byName("adadelta", 0.1));
        assertEquals(new AdaMax(0.1, 0.9, 0.999, 1e-8), Optimizer.byName("adamax", 0.1));
        assertEquals(new AdamW(0.1, 0.9, 0.999, 1e-8, 0.01), Optimizer.byName("adamw", 0.1));
        assertEquals(new NAdam(0.1, 0.9, 0.999, 1e-8, 0.004), Optimizer.byName("nadam", 0.1));
        assertInstanceOf(Sgd.class, Optimizer.byName("sgd", 0.1));
    }

    @Test
    void unknownNameListsTheAllowedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizer.byName("adamm", 0.1));
        assertEquals("unknown optimizer 'adamm'; allowed: sgd, momentum, rmsprop, adam, adagrad, adadelta, adamax,"
                + " adamw, nadam", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Optimizer.byName(null, 0.1));
    }

    /** The ranges written out: a float32's smallest and largest values, as Java prints them. */
    private static final String ABOVE_0 = "allowed: 1.4E-45 to 3.4028235E38 once rounded to float32";
    private static final String FROM_0 = "allowed: 0 to 3.4028235E38 once rounded to float32";

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(() -> new Sgd(0), "sgd: learningRate = 0.0 is out of range; " + ABOVE_0),
                bad(() -> new Sgd(-1e-3), "sgd: learningRate = -0.001 is out of range; " + ABOVE_0),
                bad(() -> new Sgd(Double.NaN), "sgd: learningRate = NaN is out of range; " + ABOVE_0),
                bad(() -> new Adam(Double.POSITIVE_INFINITY), "adam: learningRate = Infinity is out of range; " + ABOVE_0),
                bad(() -> new Momentum(0.1, 1), "momentum: momentum = 1.0 is out of range; allowed: 0 <= momentum < 1"),
                bad(() -> new Momentum(0.1, -0.5), "momentum: momentum = -0.5 is out of range; allowed: 0 <= momentum < 1"),
                bad(() -> new RmsProp(0.1, 1.5, 1e-8), "rmsprop: alpha = 1.5 is out of range; allowed: 0 <= alpha < 1"),
                bad(() -> new RmsProp(0.1, 0.9, 0), "rmsprop: eps = 0.0 is out of range; " + ABOVE_0),
                bad(() -> new Adam(0.1, 1, 0.999, 1e-8), "adam: beta1 = 1.0 is out of range; allowed: 0 <= beta1 < 1"),
                bad(() -> new Adam(0.1, 0.9, -0.1, 1e-8), "adam: beta2 = -0.1 is out of range; allowed: 0 <= beta2 < 1"),
                bad(() -> new Adam(0.1, 0.9, 0.999, -1e-8), "adam: eps = -1.0E-8 is out of range; " + ABOVE_0),
                bad(() -> new AdaGrad(0.1, 0), "adagrad: eps = 0.0 is out of range; " + ABOVE_0),
                bad(() -> new AdaDelta(0.1, 1, 1e-6), "adadelta: rho = 1.0 is out of range; allowed: 0 <= rho < 1"),
                bad(() -> new AdaMax(0.1, 0.9, Double.NaN, 1e-8),
                        "adamax: beta2 = NaN is out of range; allowed: 0 <= beta2 < 1"),
                bad(() -> new AdamW(0.1, 0.9, 0.999, 1e-8, -0.01), "adamw: weightDecay = -0.01 is out of range; " + FROM_0),
                bad(() -> new NAdam(0.1, 0.9, 0.999, 1e-8, -1), "nadam: momentumDecay = -1.0 is out of range; " + FROM_0),
                bad(() -> new Adam(0.1).withLearningRate(0), "adam: learningRate = 0.0 is out of range; " + ABOVE_0),
                bad(() -> Optimizer.byName("nadam", -2), "nadam: learningRate = -2.0 is out of range; " + ABOVE_0),
                // Issue 15: finite doubles that the float32 updates turned into an infinite step (NaN weights) or
                // a step of 0 were accepted.
                bad(() -> new Sgd(1e300), "sgd: learningRate = 1.0E300 is out of range; " + ABOVE_0),
                bad(() -> new Adam(1e-50), "adam: learningRate = 1.0E-50 is out of range; " + ABOVE_0),
                bad(() -> new Adam(0.1, 0.9, 0.999, 1e-50), "adam: eps = 1.0E-50 is out of range; " + ABOVE_0),
                bad(() -> new AdaDelta(0.1, 0.9, 3.5e38), "adadelta: eps = 3.5E38 is out of range; " + ABOVE_0),
                bad(() -> new AdamW(0.1, 0.9, 0.999, 1e-8, 1e39), "adamw: weightDecay = 1.0E39 is out of range; " + FROM_0),
                bad(() -> new NAdam(0.1, 0.9, 0.999, 1e-8, Double.POSITIVE_INFINITY),
                        "nadam: momentumDecay = Infinity is out of range; " + FROM_0),
                bad(() -> new AdamW(0.1, 0.9, 0.999, 1e-8, Double.NaN), "adamw: weightDecay = NaN is out of range; " + FROM_0));
    }

    /** The ends of every range are accepted: float32's smallest and largest positive values, 0 and just below 1. */
    @Test
    void theEndsOfEachRangeAreAccepted() {
        double below1 = Math.nextDown(1.0);
        for (double rate : new double[] {Float.MIN_VALUE, Float.MAX_VALUE}) {
            assertEquals(rate, new Sgd(rate).learningRate());
            assertEquals(rate, new Adam(rate, 0, below1, rate).eps());
            assertEquals(rate, new AdaGrad(0.1, rate).eps());
        }
        assertEquals(0, new AdamW(0.1, 0, 0, 1e-8, 0).weightDecay());
        assertEquals(Float.MAX_VALUE, new AdamW(0.1, 0.9, 0.999, 1e-8, Float.MAX_VALUE).weightDecay());
        assertEquals(Float.MAX_VALUE, new NAdam(0.1, 0.9, 0.999, 1e-8, Float.MAX_VALUE).momentumDecay());
        // The ends as printed round to them: the range is stated and checked in float32.
        assertEquals(1.4e-45, new Sgd(1.4e-45).learningRate());
        assertEquals(3.4028235e38, new Adam(0.1, 0.9, 0.999, 3.4028235e38).eps());
        assertEquals(3.4028235e38, new AdamW(0.1, 0.9, 0.999, 1e-8, 3.4028235e38).weightDecay());
        assertEquals(below1, new Momentum(0.1, below1).momentum());
        assertEquals(below1, new RmsProp(0.1, below1, 1e-8).alpha());
        assertEquals(below1, new AdaDelta(0.1, below1, 1e-6).rho());
    }

    private static Arguments bad(Supplier<Optimizer> make, String message) {
        return Arguments.of(make, message);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsOutOfRangeHyperParametersNamingThem(Supplier<Optimizer> make, String message) {
        var e = assertThrows(OutOfRangeException.class, make::get);
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void stateIsZeroedAndMirrorsTheParameters(String name) {
        int expectedBuffers = switch (name) {
            case "sgd" -> 0;
            case "momentum", "rmsprop", "adagrad" -> 1;
            default -> 2;
        };
        try (Arena arena = Arena.ofConfined()) {
            Updater updater = Optimizer.byName(name, 0.1).bind(1001, arena);
            assertEquals(expectedBuffers, updater.state().size(), name + " state buffers");
            for (MemorySegment buffer : updater.state()) {
                assertEquals(1001L * Float.BYTES, buffer.byteSize());
                assertEquals(-1, buffer.mismatch(MemorySegment.ofArray(new float[1001])), "zeroed");
            }
            assertThrows(UnsupportedOperationException.class, () -> updater.state().add(MemorySegment.NULL));
            assertEquals(0, updater.steps());
        }
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void rejectsBadSizesAndCounts(String name) {
        Optimizer optimizer = Optimizer.byName(name, 0.1);
        try (Arena arena = Arena.ofConfined()) {
            var zero = assertThrows(IllegalArgumentException.class, () -> optimizer.bind(0, arena));
            assertEquals(name + ": parameterCount must be > 0, got 0", zero.getMessage());
            assertThrows(NullPointerException.class, () -> optimizer.bind(10, null));
            Updater updater = optimizer.bind(10, arena);
            MemorySegment ten = arena.allocate(10 * Float.BYTES);
            MemorySegment eleven = arena.allocate(11 * Float.BYTES);
            var params = assertThrows(IllegalArgumentException.class, () -> updater.step(eleven, ten));
            assertEquals(name + ": params holds 44 bytes, expected 40 (10 float32 parameters)", params.getMessage());
            var grads = assertThrows(IllegalArgumentException.class, () -> updater.step(ten, eleven));
            assertEquals(name + ": grads holds 44 bytes, expected 40 (10 float32 parameters)", grads.getMessage());
            assertEquals(0, updater.steps(), "a rejected step is not counted");
            var restore = assertThrows(IllegalArgumentException.class, () -> updater.restore(-1));
            assertEquals(name + ": steps must be >= 0, got -1", restore.getMessage());
        }
    }

    /** A step allocates nothing on the heap, also over several chunks (measured after warm-up). */
    @ParameterizedTest
    @FieldSource("NAMES")
    void stepAllocatesNothing(String name) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int count = 10_000;
        try (Arena arena = Arena.ofConfined()) {
            Updater updater = Optimizer.byName(name, 1e-4).bind(count, arena);
            MemorySegment params = arena.allocate((long) count * Float.BYTES);
            MemorySegment grads = arena.allocate((long) count * Float.BYTES);
            for (int i = 0; i < count; i++) {
                params.setAtIndex(Fixtures.FLOAT, i, (float) Math.sin(i));
                grads.setAtIndex(Fixtures.FLOAT, i, (float) Math.cos(i));
            }
            for (int i = 0; i < 3_000; i++) {
                updater.step(params, grads);
            }
            int steps = 1_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            long allocated = Long.MAX_VALUE;
            // The least of three rounds: a JIT recompilation in one round may allocate, a step may not.
            for (int round = 0; round < 3; round++) {
                long start = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < steps; i++) {
                    updater.step(params, grads);
                }
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - start);
            }
            assertTrue(before > 0, "the JVM counts allocated bytes (-1 would make this test vacuous)");
            System.out.printf("%s: %d bytes allocated by %d steps%n", name, allocated, steps);
            assertEquals(0, allocated, name + ": bytes allocated by " + steps + " steps");
            assertTrue(Float.isFinite(params.getAtIndex(Fixtures.FLOAT, 0)));
        }
    }
}
