package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer against torch.optim 1.13 in float32: the same 37 starting parameters and gradients, the
 * parameters compared after each step (fixtures from src/test/python/make_train_fixtures.py).
 */
class OptimizerFixtureTest {
    /** Relative to max(|expected|, 1): float32 rounding differences, a few ulps, not a different formula. */
    private static final double TOLERANCE = 1e-6;
    /** Crosses several chunks of the updater's walk and ends inside one. */
    private static final int TILED_COUNT = 3 * 4096 + 1000;

    private static final JsonNode INPUTS = Fixtures.read("optimizer_inputs.json");
    private static final float[] INITIAL = Fixtures.floats(INPUTS.get("initial"));
    private static final List<float[]> GRADS = new ArrayList<>();

    static {
        INPUTS.get("grads").forEach(g -> GRADS.add(Fixtures.floats(g)));
    }

    static Stream<Arguments> cases() {
        return Optimizer.NAMES.stream().flatMap(name -> {
            JsonNode cases = Fixtures.read(name + ".json").get("cases");
            List<Arguments> arguments = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                arguments.add(Arguments.of(name, i, cases.get(i)));
            }
            return arguments.stream();
        });
    }

    @ParameterizedTest(name = "{0} case {1}")
    @MethodSource("cases")
    void matchesPyTorchAfterEveryStep(String name, int index, JsonNode fixture) {
        try (Arena arena = Arena.ofConfined()) {
            Updater updater = optimizer(name, fixture.get("hyper")).bind(INITIAL.length, arena);
            MemorySegment params = Fixtures.segment(arena, INITIAL);
            double worst = 0;
            for (int step = 0; step < GRADS.size(); step++) {
                updater.step(params, Fixtures.segment(arena, GRADS.get(step)));
                worst = Math.max(worst, assertClose(name + " step " + (step + 1), expected(fixture, step),
                        Fixtures.floats(params, INITIAL.length), 1));
            }
            assertEquals(GRADS.size(), updater.steps(), "steps()");
            System.out.printf("%s case %d: largest relative difference to PyTorch over %d steps %.3g%n",
                    name, index, GRADS.size(), worst);
        }
    }

    @ParameterizedTest(name = "{0} case {1}")
    @MethodSource("cases")
    void matchesPyTorchAcrossChunks(String name, int index, JsonNode fixture) {
        try (Arena arena = Arena.ofConfined()) {
            Updater updater = optimizer(name, fixture.get("hyper")).bind(TILED_COUNT, arena);
            MemorySegment params = Fixtures.segment(arena, tile(INITIAL));
            for (float[] grad : GRADS) {
                updater.step(params, Fixtures.segment(arena, tile(grad)));
            }
            assertClose(name + " after " + GRADS.size() + " steps over " + TILED_COUNT + " parameters",
                    tile(expected(fixture, GRADS.size() - 1)), Fixtures.floats(params, TILED_COUNT), 1);
        }
    }

    /** A checkpoint mid-way (state buffers and step count copied into a fresh updater) changes nothing. */
    @ParameterizedTest(name = "{0} case {1}")
    @MethodSource("cases")
    void resumesFromCopiedState(String name, int index, JsonNode fixture) {
        int split = GRADS.size() / 2;
        Optimizer optimizer = optimizer(name, fixture.get("hyper"));
        try (Arena first = Arena.ofConfined(); Arena second = Arena.ofConfined()) {
            Updater before = optimizer.bind(INITIAL.length, first);
            MemorySegment params = Fixtures.segment(first, INITIAL);
            for (int step = 0; step < split; step++) {
                before.step(params, Fixtures.segment(first, GRADS.get(step)));
            }
            Updater after = optimizer.bind(INITIAL.length, second);
            for (int k = 0; k < before.state().size(); k++) {
                after.state().get(k).copyFrom(before.state().get(k));
            }
            after.restore(before.steps());
            MemorySegment resumed = Fixtures.segment(second, Fixtures.floats(params, INITIAL.length));
            for (int step = split; step < GRADS.size(); step++) {
                after.step(resumed, Fixtures.segment(second, GRADS.get(step)));
            }
            assertEquals(GRADS.size(), after.steps(), "steps() after restore");
            assertClose(name + " resumed at step " + split, expected(fixture, GRADS.size() - 1),
                    Fixtures.floats(resumed, INITIAL.length), 1);
        }
    }

    static Optimizer optimizer(String name, JsonNode h) {
        double lr = h.get("learningRate").asDouble();
        return switch (name) {
            case "sgd" -> new Sgd(lr);
            case "momentum" -> new Momentum(lr, h.get("momentum").asDouble());
            case "rmsprop" -> new RmsProp(lr, h.get("alpha").asDouble(), h.get("eps").asDouble());
            case "adam" -> new Adam(lr, h.get("beta1").asDouble(), h.get("beta2").asDouble(), h.get("eps").asDouble());
            case "adagrad" -> new AdaGrad(lr, h.get("eps").asDouble());
            case "adadelta" -> new AdaDelta(lr, h.get("rho").asDouble(), h.get("eps").asDouble());
            case "adamax" -> new AdaMax(lr, h.get("beta1").asDouble(), h.get("beta2").asDouble(),
                    h.get("eps").asDouble());
            case "adamw" -> new AdamW(lr, h.get("beta1").asDouble(), h.get("beta2").asDouble(),
                    h.get("eps").asDouble(), h.get("weightDecay").asDouble());
            case "nadam" -> new NAdam(lr, h.get("beta1").asDouble(), h.get("beta2").asDouble(),
                    h.get("eps").asDouble(), h.get("momentumDecay").asDouble());
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static float[] expected(JsonNode fixture, int step) {
        return Fixtures.floats(fixture.get("params").get(step));
    }

    private static float[] tile(float[] values) {
        float[] tiled = new float[TILED_COUNT];
        for (int i = 0; i < TILED_COUNT; i++) {
            tiled[i] = values[i % values.length];
        }
        return tiled;
    }

    /**
     * Asserts |actual - expected| <= TOLERANCE * max(|expected|, floor) everywhere, reporting the worst element;
     * returns the largest relative difference.
     */
    static double assertClose(String what, float[] expected, float[] actual, double floor) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double relative = Math.abs((double) actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
            if (!(relative <= worst)) {
                worst = relative;
                at = i;
            }
        }
        double worstRelative = worst;
        int worstAt = at;
        assertTrue(worstRelative <= TOLERANCE, () -> what + ": largest relative difference " + worstRelative
                + " at [" + worstAt + "]: expected " + expected[worstAt] + ", got " + actual[worstAt]);
        return worstRelative;
    }
}
