package dev.jdnn.layers;

import static dev.jdnn.layers.BinaryOpTest.assertMentions;
import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.LayerTestBench.Input;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concat against a naive loop: forward, and each input's gradient against its slice of the output gradient and
 * finite differences, for two and three inputs of different channel counts in plain, blocked and mixed layouts.
 */
class ConcatTest {
    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(List.of(Input.plain(2, 3, 4, 5), Input.plain(2, 5, 4, 5))),
                Arguments.of(List.of(Input.plain(3, 4), Input.plain(3, 6), Input.plain(3, 1))),       // features
                Arguments.of(List.of(Input.blocked(2, 16, 3, 3), Input.blocked(2, 32, 3, 3))),     // stays blocked
                Arguments.of(List.of(Input.blocked(2, 16, 3, 3), Input.plain(2, 4, 3, 3))),        // padded block
                Arguments.of(List.of(Input.blocked(2, 16, 3, 3), Input.blocked(2, 4, 3, 3),
                        Input.blocked(2, 7, 3, 3))),                                                // cuts blocks
                Arguments.of(List.of(Input.plain(2, 5, 3, 4), Input.blocked(2, 16, 3, 4),
                        Input.plain(2, 2, 3, 4))),
                Arguments.of(List.of(Input.plain(1, 2, 3, 3), Input.plain(1, 3, 3, 3))));           // one sample
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void forwardMatchesTheNaiveLoopInBothModes(List<Input> inputs) {
        Naive naive = new Naive(inputs);
        float[][] x = naive.randomInputs(new Random(5 + naive.total));
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(new Concat(inputs.size()), mode, true, inputs)) {
                assertArrayEquals(naive.out, bench.plan.output().dims(), "output dims");
                assertClose(naive.forward(toDoubles(x)), bench.forward(x), 0, "concat forward, " + mode);
                if (mode == Mode.INFERENCE) {
                    bench.plan.bindGradOutput(bench.plan.output());
                    for (int i = 0; i < inputs.size(); i++) {
                        assertNull(bench.plan.gradInput(i), "inference plans compute no gradient");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void eachInputsGradientIsItsSliceOfTheOutputGradient(List<Input> inputs) {
        Naive naive = new Naive(inputs);
        Random random = new Random(9 + naive.total);
        try (LayerTestBench bench = new LayerTestBench(new Concat(inputs.size()), Mode.TRAINING, true, inputs)) {
            for (int step = 1; step <= 2; step++) {
                float[][] inputValues = naive.randomInputs(random);
                double[][] x = toDoubles(inputValues);
                float[] r = random(random, naive.outCount);
                bench.forward(inputValues);
                bench.backward(r);
                double[][] expected = naive.backward(toDouble(r));
                for (int i = 0; i < inputs.size(); i++) {
                    String what = "step " + step + ": gradient of input " + i;
                    Tensor gradient = bench.plan.gradInput(i);
                    assertTrue(gradient.desc().sameAs(bench.inputs.get(i).desc()), what + " in its layout");
                    assertClose(expected[i], bench.gradInput(i), 0, what + " vs its slice");
                    int slot = i;
                    assertClose(finiteDifferences(v -> naive.forward(with(x, slot, v)), x[i].clone(), r, 1e-2),
                            bench.gradInput(i), TOLERANCE, what + " vs finite differences");
                }
            }
        }
    }

    @Test
    void theOutputIsBlockedWhenEveryInputStartsOnABlockOfABlockedLayout() {
        assertOutputLayout(true, Input.blocked(2, 16, 3, 3), Input.blocked(2, 32, 3, 3));
        assertOutputLayout(true, Input.plain(2, 16, 3, 3), Input.blocked(2, 5, 3, 3));
        assertOutputLayout(false, Input.blocked(2, 16, 3, 3), Input.blocked(2, 4, 3, 3), Input.blocked(2, 7, 3, 3));
        assertOutputLayout(false, Input.plain(2, 16, 3, 3), Input.plain(2, 16, 3, 3));
    }

    private static void assertOutputLayout(boolean blocked, Input... inputs) {
        try (LayerTestBench bench = new LayerTestBench(new Concat(inputs.length), Mode.TRAINING, true,
                List.of(inputs))) {
            Tensor output = bench.plan.output();
            String what = Arrays.toString(inputs) + " give " + output.desc();
            if (blocked) {
                assertTrue(output.desc().sameAs(MemoryDesc.of(bench.arena, DataType.F32, FormatTag.NCHW16C,
                        output.dims())), what + ", expected blocks of 16 channels");
            } else {
                assertTrue(output.isPlain(), what + ", expected plain");
            }
        }
    }

    @Test
    void inputsThatDifferOutsideTheChannelsAreRefusedNamingTheOpAndTheShapes() {
        Concat concat = new Concat(2);
        IllegalArgumentException graph = assertThrows(IllegalArgumentException.class,
                () -> concat.outputShape(List.of(new long[] {3, 4, 4}, new long[] {3, 5, 4})));
        assertMentions(graph, "concat(2)", "[3, 4, 4]", "[3, 5, 4]");
        IllegalArgumentException plan = assertThrows(IllegalArgumentException.class,
                () -> new LayerTestBench(concat, Mode.TRAINING, true,
                        List.of(Input.plain(2, 3, 4, 4), Input.plain(2, 3, 5, 4))).close());
        assertMentions(plan, "concat(2)", "[2, 3, 4, 4]", "[2, 3, 5, 4]");
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> new LayerTestBench(concat, Mode.TRAINING, true,
                        List.of(Input.plain(2, 3, 4, 4), Input.plain(3, 3, 4, 4))).close());
        assertMentions(batch, "concat(2)", "[2, 3, 4, 4]", "[3, 3, 4, 4]");
        try (LayerTestBench bench = new LayerTestBench(concat, Mode.TRAINING, true,
                List.of(Input.plain(2, 3, 4, 4), Input.plain(2, 5, 4, 4)))) {
            Tensor wrong = Tensor.plain(bench.arena, DataType.F32, 2, 3, 4, 4);
            IllegalArgumentException gradient = assertThrows(IllegalArgumentException.class,
                    () -> bench.plan.bindGradOutput(wrong));
            assertMentions(gradient, "concat(2)", "[2, 8, 4, 4]", "[2, 3, 4, 4]");
        }
    }

    private static double[][] with(double[][] x, int slot, double[] values) {
        double[][] copy = x.clone();
        copy[slot] = values;
        return copy;
    }

    private static double[][] toDoubles(float[][] x) {
        return Arrays.stream(x).map(LayerTestBench::toDouble).toArray(double[][]::new);
    }

    /** Concatenation by definition, in double: each sample holds its inputs' slices one after the other. */
    static final class Naive {
        final long[] out;
        final int outCount;
        final int samples;
        /** Elements per sample of each input, and in all. */
        final int[] perSample;
        final int total;

        Naive(List<Input> inputs) {
            samples = (int) inputs.getFirst().dims()[0];
            perSample = new int[inputs.size()];
            out = inputs.getFirst().dims().clone();
            out[1] = 0;
            int sum = 0;
            for (int i = 0; i < inputs.size(); i++) {
                long[] dims = inputs.get(i).dims();
                out[1] += dims[1];
                perSample[i] = Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact) / samples);
                sum += perSample[i];
            }
            total = sum;
            outCount = samples * total;
        }

        float[][] randomInputs(Random random) {
            float[][] x = new float[perSample.length][];
            for (int i = 0; i < x.length; i++) x[i] = random(random, (long) samples * perSample[i]);
            return x;
        }

        double[] forward(double[][] x) {
            double[] y = new double[outCount];
            for (int n = 0; n < samples; n++) {
                int at = n * total;
                for (int i = 0; i < x.length; i++) {
                    System.arraycopy(x[i], n * perSample[i], y, at, perSample[i]);
                    at += perSample[i];
                }
            }
            return y;
        }

        /** dL/dx_i for dL/dy = {@code r}: input i's slice of r. */
        double[][] backward(double[] r) {
            double[][] gx = new double[perSample.length][];
            for (int i = 0; i < gx.length; i++) gx[i] = new double[samples * perSample[i]];
            for (int n = 0; n < samples; n++) {
                int at = n * total;
                for (int i = 0; i < gx.length; i++) {
                    System.arraycopy(r, at, gx[i], n * perSample[i], perSample[i]);
                    at += perSample[i];
                }
            }
            return gx;
        }
    }
}
