package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The losses against PyTorch (computed in float64 on the same float32 inputs) and against finite differences. */
class LossTest {
    /** A power of two, so that x +- H is exact in float32 for every |x| below 2^13 used here. */
    private static final double H = 0x1p-10;

    static Stream<Arguments> fixtures() {
        List<Arguments> cases = new ArrayList<>();
        Fixtures.read("losses.json").get("cases").forEach(c -> cases.add(Arguments.of(c.get("kind").asText(), c)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPyTorch(String kind, JsonNode fixture) {
        int batch = fixture.get("batch").asInt();
        int width = fixture.get("width").asInt();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment output = Fixtures.segment(arena, Fixtures.floats(fixture.get("output")));
            MemorySegment grad = arena.allocate((long) batch * width * Float.BYTES);
            double loss;
            double lossAlone;
            if (kind.equals("cross-entropy-labels")) {
                int[] labels = Fixtures.ints(fixture.get("labels"));
                loss = new CrossEntropy().forwardBackward(output, labels, 0, batch, width, grad);
                lossAlone = new CrossEntropy().forward(output, labels, 0, batch, width);
            } else {
                Loss function = Loss.byName(kind);
                MemorySegment target = Fixtures.segment(arena, Fixtures.floats(fixture.get("target")));
                loss = function.forwardBackward(output, target, batch, width, grad);
                lossAlone = function.forward(output, target, batch, width);
            }
            double expected = fixture.get("loss").asDouble();
            assertTrue(Math.abs(loss - expected) <= 1e-12 * Math.abs(expected),
                    () -> kind + ": loss " + loss + ", PyTorch " + expected + ", difference " + (loss - expected));
            assertEquals(loss, lossAlone, kind + ": forward without gradient");
            double worst = assertGradientClose(kind, Fixtures.doubles(fixture.get("grad")),
                    Fixtures.floats(grad, (long) batch * width));
            System.out.printf("%s: loss difference %.3g, largest gradient difference %.3g%n",
                    kind, loss - expected, worst);
        }
    }

    @Test
    void classIndicesMatchOneHotTargetsAtAnOffset() {
        int batch = 6;
        int width = 4;
        SplittableRandom random = new SplittableRandom(11);
        try (Arena arena = Arena.ofConfined()) {
            float[] logits = gaussian(random, batch * width, 5);
            int[] labels = {9, 9, 9, 3, 0, 2, 1, 3, 0, 9};
            float[] oneHot = new float[batch * width];
            for (int row = 0; row < batch; row++) {
                oneHot[row * width + labels[3 + row]] = 1;
            }
            MemorySegment output = Fixtures.segment(arena, logits);
            MemorySegment fromLabels = arena.allocate(logits.length * 4L);
            MemorySegment fromOneHot = arena.allocate(logits.length * 4L);
            CrossEntropy loss = new CrossEntropy();
            double a = loss.forwardBackward(output, labels, 3, batch, width, fromLabels);
            double b = loss.forwardBackward(output, Fixtures.segment(arena, oneHot), batch, width, fromOneHot);
            assertTrue(Math.abs(a - b) <= 1e-14 * Math.abs(b), "labels " + a + " vs one-hot " + b);
            assertGradientClose("labels vs one-hot", toDoubles(Fixtures.floats(fromOneHot, logits.length)),
                    Fixtures.floats(fromLabels, logits.length));
        }
    }

    static Stream<Arguments> finiteDifferenceCases() {
        return Stream.of(
                Arguments.of("cross-entropy", 4, 5, 3.0, Target.PROBABILITIES),
                Arguments.of("cross-entropy", 3, 6, 20.0, Target.ONE_HOT),
                Arguments.of("binary-cross-entropy", 4, 5, 4.0, Target.UNIT_INTERVAL),
                Arguments.of("binary-cross-entropy", 2, 7, 40.0, Target.ONE_HOT),
                Arguments.of("mse", 4, 5, 2.0, Target.GAUSSIAN));
    }

    enum Target { PROBABILITIES, ONE_HOT, UNIT_INTERVAL, GAUSSIAN }

    /** The gradient is the derivative of the returned mean loss: central differences in double, exact steps. */
    @ParameterizedTest(name = "{0} {1}x{2} scale {3} {4}")
    @MethodSource("finiteDifferenceCases")
    void gradientMatchesFiniteDifferences(String name, int batch, int width, double scale, Target kind) {
        SplittableRandom random = new SplittableRandom(name.hashCode() + batch);
        int n = batch * width;
        float[] logits = gaussian(random, n, scale);
        float[] target = target(random, kind, batch, width);
        Loss loss = Loss.byName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment output = Fixtures.segment(arena, logits);
            MemorySegment targets = Fixtures.segment(arena, target);
            MemorySegment grad = arena.allocate(n * 4L);
            loss.forwardBackward(output, targets, batch, width, grad);
            double[] numeric = new double[n];
            for (int i = 0; i < n; i++) {
                float x = logits[i];
                output.setAtIndex(Fixtures.FLOAT, i, (float) (x + H));
                double plus = loss.forward(output, targets, batch, width);
                output.setAtIndex(Fixtures.FLOAT, i, (float) (x - H));
                double minus = loss.forward(output, targets, batch, width);
                output.setAtIndex(Fixtures.FLOAT, i, x);
                numeric[i] = (plus - minus) / (2 * H);
            }
            double worst = assertGradientClose(name + " vs finite differences", numeric, Fixtures.floats(grad, n),
                    1e-6);
            System.out.printf("%s %s: largest difference to finite differences %.3g%n", name, kind, worst);
        }
    }

    @Test
    void hugeLogitsStayFinite() {
        float[] logits = {3e38f, -3e38f, 1e4f, -1e4f, 0, 88.8f};
        float[] target = {0, 1, 0.5f, 1, 0, 0};
        try (Arena arena = Arena.ofConfined()) {
            for (String name : List.of("cross-entropy", "binary-cross-entropy")) {
                MemorySegment grad = arena.allocate(logits.length * 4L);
                double value = Loss.byName(name).forwardBackward(Fixtures.segment(arena, logits),
                        Fixtures.segment(arena, target), 2, 3, grad);
                assertTrue(Double.isFinite(value), name + ": loss " + value);
                for (float g : Fixtures.floats(grad, logits.length)) {
                    assertTrue(Float.isFinite(g), name + ": gradient " + g);
                }
            }
        }
    }

    /** Buffers sized for a full batch serve a shorter last batch; the gradient may overwrite the output. */
    @Test
    void usesOnlyTheBatchAndMayWriteOverTheOutput() {
        int width = 5;
        SplittableRandom random = new SplittableRandom(3);
        float[] logits = gaussian(random, 4 * width, 2);
        float[] target = target(random, Target.PROBABILITIES, 4, width);
        for (String name : Loss.NAMES) {
            Loss loss = Loss.byName(name);
            try (Arena arena = Arena.ofConfined()) {
                float[] head = Arrays.copyOf(logits, 2 * width);
                MemorySegment exactGrad = arena.allocate(2L * width * 4);
                double exact = loss.forwardBackward(Fixtures.segment(arena, head),
                        Fixtures.segment(arena, Arrays.copyOf(target, 2 * width)), 2, width, exactGrad);
                MemorySegment output = Fixtures.segment(arena, logits);
                float sentinel = 42.5f;
                output.setAtIndex(Fixtures.FLOAT, 2L * width, sentinel);
                double inPlace = loss.forwardBackward(output, Fixtures.segment(arena, target), 2, width, output);
                assertEquals(exact, inPlace, name + ": loss of the first two rows");
                assertEquals(-1, exactGrad.mismatch(output.asSlice(0, 2L * width * 4)), name + ": gradient in place");
                assertEquals(sentinel, output.getAtIndex(Fixtures.FLOAT, 2L * width), name + ": beyond the batch");
            }
        }
    }

    @Test
    void byNameAndItsErrors() {
        assertInstanceOf(CrossEntropy.class, Loss.byName("Cross-Entropy"));
        assertInstanceOf(BinaryCrossEntropy.class, Loss.byName("binary-cross-entropy"));
        assertInstanceOf(MeanSquaredError.class, Loss.byName("MSE"));
        for (String name : Loss.NAMES) {
            assertEquals(name, Loss.byName(name).name());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Loss.byName("hinge"));
        assertEquals("unknown loss 'hinge'; allowed: cross-entropy, binary-cross-entropy, mse", e.getMessage());
    }

    @Test
    void rejectsBadShapesSegmentsAndLabels() {
        CrossEntropy ce = new CrossEntropy();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment six = arena.allocate(6 * 4L);
            MemorySegment five = arena.allocate(5 * 4L);
            assertMessage("cross-entropy: batch must be > 0, got 0", () -> ce.forward(six, six, 0, 3));
            assertMessage("mse: width must be > 0, got -1", () -> new MeanSquaredError().forward(six, six, 2, -1));
            assertMessage("binary-cross-entropy: target holds 20 bytes, needs at least 24 (6 float32 values)",
                    () -> new BinaryCrossEntropy().forward(six, five, 2, 3));
            assertMessage("mse: gradOutput holds 20 bytes, needs at least 24 (6 float32 values)",
                    () -> new MeanSquaredError().forwardBackward(six, six, 2, 3, five));
            assertMessage("cross-entropy: output holds 20 bytes, needs at least 24 (6 float32 values)",
                    () -> ce.forward(five, new int[] {0, 1}, 0, 2, 3));
            assertMessage("cross-entropy: labels[4] = 3 is not a class index in [0, 3)",
                    () -> ce.forward(six, new int[] {9, 9, 9, 0, 3}, 3, 2, 3));
            assertMessage("cross-entropy: labels[1] = -1 is not a class index in [0, 3)",
                    () -> ce.forward(six, new int[] {0, -1}, 0, 2, 3));
            assertMessage("cross-entropy: labels[2 .. 4) is outside the 3 labels given",
                    () -> ce.forward(six, new int[] {0, 1, 2}, 2, 2, 3));
            assertThrows(NullPointerException.class, () -> ce.forward(six, (int[]) null, 0, 2, 3));
        }
    }

    private static void assertMessage(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    private static double assertGradientClose(String what, double[] expected, float[] actual) {
        return assertGradientClose(what, expected, actual, 1e-9);
    }

    /** |actual - expected| <= absolute + 1e-6 |expected| everywhere; returns the largest difference. */
    private static double assertGradientClose(String what, double[] expected, float[] actual, double absolute) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double difference = Math.abs(actual[i] - expected[i]);
            int at = i;
            assertTrue(difference <= absolute + 1e-6 * Math.abs(expected[i]),
                    () -> what + ": gradient [" + at + "] " + actual[at] + ", expected " + expected[at]);
            worst = Math.max(worst, difference);
        }
        return worst;
    }

    private static float[] gaussian(SplittableRandom random, int n, double scale) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (scale * random.nextGaussian());
        }
        return values;
    }

    private static float[] target(SplittableRandom random, Target kind, int batch, int width) {
        float[] values = new float[batch * width];
        for (int row = 0; row < batch; row++) {
            switch (kind) {
                case ONE_HOT -> values[row * width + random.nextInt(width)] = 1;
                case PROBABILITIES -> {
                    double sum = 0;
                    for (int j = 0; j < width; j++) {
                        values[row * width + j] = (float) random.nextDouble();
                        sum += values[row * width + j];
                    }
                    for (int j = 0; j < width; j++) {
                        values[row * width + j] /= (float) sum;
                    }
                }
                case UNIT_INTERVAL -> {
                    for (int j = 0; j < width; j++) {
                        values[row * width + j] = (float) random.nextDouble();
                    }
                }
                case GAUSSIAN -> {
                    for (int j = 0; j < width; j++) {
                        values[row * width + j] = (float) random.nextGaussian();
                    }
                }
            }
        }
        return values;
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }
}
