package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.LayerTestBench.Input;
import dev.jdnn.runtime.DataType;
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
 * Add and Mul against a naive broadcasting loop: forward, and the gradients of both inputs against the loop's
 * analytic gradient and finite differences, for equal shapes and for either input broadcast, in plain and blocked
 * layouts.
 */
class BinaryOpTest {
    private static final double TOLERANCE = 1e-4;

    /** op, first input, second input. */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (Op op : List.of(new Add(), new Mul())) {
            cases.add(Arguments.of(op, Input.plain(2, 3, 4, 5), Input.plain(2, 3, 4, 5)));
            cases.add(Arguments.of(op, Input.plain(3, 7), Input.plain(3, 7)));                  // features
            cases.add(Arguments.of(op, Input.plain(3, 7), Input.plain(3, 1)));                  // one per sample
            cases.add(Arguments.of(op, Input.plain(2, 16, 4, 5), Input.plain(2, 16, 1, 1)));    // per channel
            cases.add(Arguments.of(op, Input.plain(2, 16, 1, 1), Input.plain(2, 16, 4, 5)));    // the first one
            cases.add(Arguments.of(op, Input.plain(2, 1, 4, 5), Input.plain(2, 3, 4, 5)));      // per pixel
            cases.add(Arguments.of(op, Input.plain(2, 3, 1, 5), Input.plain(2, 1, 4, 1)));      // both broadcast
            cases.add(Arguments.of(op, Input.blocked(2, 16, 4, 5), Input.blocked(2, 16, 4, 5)));
            cases.add(Arguments.of(op, Input.blocked(2, 32, 3, 3), Input.plain(2, 32, 3, 3)));  // two layouts
            cases.add(Arguments.of(op, Input.plain(2, 20, 3, 3), Input.blocked(2, 20, 3, 3)));  // padded blocks
            cases.add(Arguments.of(op, Input.blocked(2, 16, 4, 5), Input.plain(2, 16, 1, 1)));
            cases.add(Arguments.of(op, Input.blocked(2, 16, 1, 1), Input.blocked(2, 16, 4, 5)));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2}")
    @MethodSource("cases")
    void forwardMatchesTheNaiveLoopInBothModes(Op op, Input a, Input b) {
        Naive naive = new Naive(op, a.dims(), b.dims());
        Random random = new Random(3 + Arrays.hashCode(a.dims()) * 31L + Arrays.hashCode(b.dims()));
        float[] x = random(random, naive.aCount);
        float[] y = random(random, naive.bCount);
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(op, mode, true, List.of(a, b))) {
                assertArrayEquals(naive.out, bench.plan.output().dims(), "output dims of " + op.name());
                assertClose(naive.forward(toDouble(x), toDouble(y)), bench.forward(x, y), TOLERANCE,
                        op.name() + " forward, " + mode);
                if (mode == Mode.INFERENCE) {
                    bench.plan.bindGradOutput(bench.plan.output());
                    assertNull(bench.plan.gradInput(0), "inference plans compute no gradient");
                    assertNull(bench.plan.gradInput(1), "inference plans compute no gradient");
                }
            }
        }
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2}")
    @MethodSource("cases")
    void backwardMatchesTheNaiveLoopAndFiniteDifferences(Op op, Input a, Input b) {
        Naive naive = new Naive(op, a.dims(), b.dims());
        Random random = new Random(7 + Arrays.hashCode(a.dims()) * 31L + Arrays.hashCode(b.dims()));
        try (LayerTestBench bench = new LayerTestBench(op, Mode.TRAINING, true, List.of(a, b))) {
            for (int step = 1; step <= 2; step++) { // backward overwrites, never accumulates
                float[] x = random(random, naive.aCount);
                float[] y = random(random, naive.bCount);
                float[] r = random(random, naive.outCount);
                double[] dx = toDouble(x);
                double[] dy = toDouble(y);
                bench.forward(x, y);
                bench.backward(r);
                double[][] expected = naive.backward(dx, dy, toDouble(r));
                String what = op.name() + " step " + step + ": gradient of input ";
                for (int i = 0; i < 2; i++) {
                    Tensor gradient = bench.plan.gradInput(i);
                    assertTrue(gradient.desc().sameAs(bench.inputs.get(i).desc()), what + i + " in its layout");
                    assertClose(expected[i], bench.gradInput(i), TOLERANCE, what + i + " vs naive loop");
                }
                assertClose(finiteDifferences(v -> naive.forward(v, dy), dx.clone(), r, 1e-2), bench.gradInput(0),
                        TOLERANCE, what + "0 vs finite differences");
                assertClose(finiteDifferences(v -> naive.forward(dx, v), dy.clone(), r, 1e-2), bench.gradInput(1),
                        TOLERANCE, what + "1 vs finite differences");
            }
        }
    }

    @Test
    void acceptsAGradientInAnotherLayoutThanTheOutput() {
        Input a = Input.blocked(2, 16, 3, 3);
        Input b = Input.plain(2, 16, 1, 1);
        Naive naive = new Naive(new Mul(), a.dims(), b.dims());
        Random random = new Random(11);
        float[] x = random(random, naive.aCount);
        float[] y = random(random, naive.bCount);
        float[] r = random(random, naive.outCount);
        try (LayerTestBench bench = new LayerTestBench(new Mul(), Mode.TRAINING, true, List.of(a, b))) {
            bench.forward(x, y);
            assertFalse(bench.plan.output().isPlain(), "the output takes the blocked layout of the full input");
            Tensor plainGradient = Tensor.plain(bench.arena, DataType.F32, naive.out);
            plainGradient.copyFrom(r);
            bench.plan.bindGradOutput(plainGradient);
            bench.plan.backward();
            double[][] expected = naive.backward(toDouble(x), toDouble(y), toDouble(r));
            assertClose(expected[0], bench.plainValues(bench.plan.gradInput(0)), TOLERANCE, "gradient of input 0");
            assertClose(expected[1], bench.plainValues(bench.plan.gradInput(1)), TOLERANCE, "gradient of input 1");
        }
    }

    @Test
    void shapesThatDoNotBroadcastAreRefusedNamingTheOpAndBothShapes() {
        for (Op op : List.of(new Add(), new Mul())) {
            IllegalArgumentException graph = assertThrows(IllegalArgumentException.class,
                    () -> op.outputShape(List.of(new long[] {16, 5, 5}, new long[] {8, 5, 5})));
            assertMentions(graph, op.name(), "[16, 5, 5]", "[8, 5, 5]");
            IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                    () -> op.outputShape(List.of(new long[] {16, 5, 5}, new long[] {16})));
            assertMentions(rank, op.name(), "[16, 5, 5]", "[16]");
            IllegalArgumentException plan = assertThrows(IllegalArgumentException.class,
                    () -> new LayerTestBench(op, Mode.TRAINING, true,
                            List.of(Input.plain(2, 16, 5, 5), Input.plain(2, 8, 5, 5))).close());
            assertMentions(plan, op.name(), "[2, 16, 5, 5]", "[2, 8, 5, 5]");
        }
        try (LayerTestBench bench = new LayerTestBench(new Add(), Mode.TRAINING, true,
                List.of(Input.plain(2, 3, 4, 4), Input.plain(2, 3, 1, 1)))) {
            Tensor wrong = Tensor.plain(bench.arena, DataType.F32, 2, 3, 1, 1);
            IllegalArgumentException gradient = assertThrows(IllegalArgumentException.class,
                    () -> bench.plan.bindGradOutput(wrong));
            assertMentions(gradient, "add", "[2, 3, 4, 4]", "[2, 3, 1, 1]");
        }
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
        }
    }

    /** Broadcasting by definition, in double: each output element reads the input elements at its coordinates. */
    static final class Naive {
        final boolean product;
        final long[] out;
        final int outCount;
        final int aCount;
        final int bCount;
        /** For each output element, the index of the element of input a (b) it reads. */
        final int[] a;
        final int[] b;

        Naive(Op op, long[] aDims, long[] bDims) {
            product = op instanceof Mul;
            out = new long[aDims.length];
            for (int d = 0; d < out.length; d++) out[d] = Math.max(aDims[d], bDims[d]);
            outCount = Math.toIntExact(Arrays.stream(out).reduce(1, Math::multiplyExact));
            aCount = Math.toIntExact(Arrays.stream(aDims).reduce(1, Math::multiplyExact));
            bCount = Math.toIntExact(Arrays.stream(bDims).reduce(1, Math::multiplyExact));
            a = sources(aDims, out);
            b = sources(bDims, out);
        }

        private static int[] sources(long[] dims, long[] out) {
            int count = Math.toIntExact(Arrays.stream(out).reduce(1, Math::multiplyExact));
            int[] index = new int[count];
            for (int o = 0; o < count; o++) {
                int rest = o;
                int source = 0;
                int stride = 1;
                for (int d = out.length - 1; d >= 0; d--) {
                    int coordinate = rest % (int) out[d];
                    rest /= (int) out[d];
                    if (dims[d] != 1) source += coordinate * stride;
                    stride *= (int) dims[d];
                }
                index[o] = source;
            }
            return index;
        }

        double[] forward(double[] x, double[] y) {
            double[] result = new double[outCount];
            for (int o = 0; o < outCount; o++) result[o] = product ? x[a[o]] * y[b[o]] : x[a[o]] + y[b[o]];
            return result;
        }

        /** dL/dx and dL/dy for dL/dout = {@code r}: each output's gradient goes to the elements it read. */
        double[][] backward(double[] x, double[] y, double[] r) {
            double[] gx = new double[x.length];
            double[] gy = new double[y.length];
            for (int o = 0; o < outCount; o++) {
                gx[a[o]] += product ? r[o] * y[b[o]] : r[o];
                gy[b[o]] += product ? r[o] * x[a[o]] : r[o];
            }
            return new double[][] {gx, gy};
        }
    }
}
