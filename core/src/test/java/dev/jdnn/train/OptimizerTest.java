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

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(() -> new Sgd(0), "sgd: learningRate must be a finite number > 0, got 0.0"),
                bad(() -> new Sgd(-1e-3), "sgd: learningRate must be a finite number > 0, got -0.001"),
                bad(() -> new Sgd(Double.NaN), "sgd: learningRate must be a finite number > 0, got NaN"),
                bad(() -> new Adam(Double.POSITIVE_INFINITY),
                        "adam: learningRate must be a finite number > 0, got Infinity"),
                bad(() -> new Momentum(0.1, 1), "momentum: momentum must be in [0, 1), got 1.0"),
                bad(() -> new Momentum(0.1, -0.5), "momentum: momentum must be in [0, 1), got -0.5"),
                bad(() -> new RmsProp(0.1, 1.5, 1e-8), "rmsprop: alpha must be in [0, 1), got 1.5"),
                bad(() -> new RmsProp(0.1, 0.9, 0), "rmsprop: eps must be a finite number > 0, got 0.0"),
                bad(() -> new Adam(0.1, 1, 0.999, 1e-8), "adam: beta1 must be in [0, 1), got 1.0"),
                bad(() -> new Adam(0.1, 0.9, -0.1, 1e-8), "adam: beta2 must be in [0, 1), got -0.1"),
                bad(() -> new Adam(0.1, 0.9, 0.999, -1e-8), "adam: eps must be a finite number > 0, got -1.0E-8"),
                bad(() -> new AdaGrad(0.1, 0), "adagrad: eps must be a finite number > 0, got 0.0"),
                bad(() -> new AdaDelta(0.1, 1, 1e-6), "adadelta: rho must be in [0, 1), got 1.0"),
                bad(() -> new AdaMax(0.1, 0.9, Double.NaN, 1e-8), "adamax: beta2 must be in [0, 1), got NaN"),
                bad(() -> new AdamW(0.1, 0.9, 0.999, 1e-8, -0.01),
                        "adamw: weightDecay must be a finite number >= 0, got -0.01"),
                bad(() -> new NAdam(0.1, 0.9, 0.999, 1e-8, -1),
                        "nadam: momentumDecay must be a finite number >= 0, got -1.0"),
                bad(() -> new Adam(0.1).withLearningRate(0), "adam: learningRate must be a finite number > 0, got 0.0"),
                bad(() -> Optimizer.byName("nadam", -2), "nadam: learningRate must be a finite number > 0, got -2.0"));
    }

    private static Arguments bad(Supplier<Optimizer> make, String message) {
        return Arguments.of(make, message);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsOutOfRangeHyperParametersNamingThem(Supplier<Optimizer> make, String message) {
        var e = assertThrows(IllegalArgumentException.class, make::get);
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
