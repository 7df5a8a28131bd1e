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

import dev.jdnn.runtime.DataType;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Dense against a naive loop, on feature vectors and on C x H x W inputs read as features. */
class DenseTest {
    private static final double TOLERANCE = 1e-4;

    /** Batch-first input dims and the number of outputs. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new long[] {1, 7}, 3),
                Arguments.of(new long[] {4, 10}, 5),
                Arguments.of(new long[] {3, 1}, 1),
                Arguments.of(new long[] {2, 3, 4, 5}, 7),
                Arguments.of(new long[] {1, 16, 3, 3}, 5),
                Arguments.of(new long[] {3, 1, 7, 9}, 2));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("cases")
    void forwardMatchesNaiveLoopInBothModes(long[] dims, int out) {
        int n = (int) dims[0];
        int in = features(dims);
        Dense layer = new Dense(in, out);
        Random random = new Random(in * 31L + out);
        float[] x = random(random, (long) n * in);
        float[] weight = random(random, (long) out * in);
        float[] bias = random(random, out);
        double[] expected = naive(n, in, out, toDouble(x), toDouble(weight), toDouble(bias));
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, dims)) {
                assertArrayEquals(new long[] {n, out}, bench.plan.output().dims(), "output dims");
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward on " + dims.length
                        + "-D input, " + mode);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(long[] dims, int out) {
        int n = (int) dims[0];
        int in = features(dims);
        Dense layer = new Dense(in, out);
        Random random = new Random(in * 17L + out);
        double[] x = toDouble(random(random, (long) n * in));
        double[] w = toDouble(random(random, (long) out * in));
        double[] b = toDouble(random(random, out));
        float[] r = random(random, (long) n * out);
        for (boolean needGradInput : new boolean[] {true, false}) {
            try (LayerTestBench bench = new LayerTestBench(layer, Mode.TRAINING, needGradInput, dims)) {
                bench.setParameter(0, toFloat(w));
                bench.setParameter(1, toFloat(b));
                for (int step = 1; step <= 2; step++) { // gradients are overwritten, not accumulated
                    bench.forward(toFloat(x));
                    float[] gradInput = bench.backward(r);
                    String what = layer.name() + " on " + dims.length + "-D input, step " + step + ": ";
                    if (needGradInput) {
                        assertClose(finiteDifferences(v -> naive(n, in, out, v, w, b), x.clone(), r, 1e-3), gradInput,
                                TOLERANCE, what + "gradient of the input");
                    } else {
                        assertNull(gradInput, what + "no gradient of the input was asked for");
                    }
                    assertClose(finiteDifferences(v -> naive(n, in, out, x, v, b), w.clone(), r, 1e-3), bench.grad(0),
                            TOLERANCE, what + "gradient of the weights");
                    assertClose(finiteDifferences(v -> naive(n, in, out, x, w, v), b.clone(), r, 1e-3), bench.grad(1),
                            TOLERANCE, what + "gradient of the bias");
                }
            }
        }
    }

    @Test
    void fourDimensionalInputEqualsTheSameFeaturesFlattenedByHand() {
        int n = 2, c = 3, h = 4, w = 5, out = 6;
        int in = c * h * w;
        Random random = new Random(9);
        float[][][][] image = new float[n][c][h][w];
        float[] x4 = new float[n * in];
        float[] x2 = new float[n * in];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        image[b][ch][y][z] = random.nextFloat() * 2 - 1;
                        x4[((b * c + ch) * h + y) * w + z] = image[b][ch][y][z]; // NCHW
                        x2[b * in + ch * h * w + y * w + z] = image[b][ch][y][z]; // feature index (c, y, x)
                    }
                }
            }
        }
        float[] weight = random(random, (long) out * in);
        float[] bias = random(random, out);
        float[] r = random(random, (long) n * out);
        Dense layer = new Dense(in, out);
        try (LayerTestBench four = LayerTestBench.training(layer, n, c, h, w);
             LayerTestBench two = LayerTestBench.training(layer, n, in)) {
            for (LayerTestBench bench : List.of(four, two)) {
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
            }
            assertClose(two.forward(x2), four.forward(x4), 1e-6, "output, 4-D vs flattened input");
            assertClose(two.backward(r), four.backward(r), 1e-6, "gradient of the input, 4-D vs flattened");
            assertClose(two.grad(0), four.grad(0), 1e-6, "weight gradient, 4-D vs flattened");
            assertClose(two.grad(1), four.grad(1), 1e-6, "bias gradient, 4-D vs flattened");
        }
    }

    @Test
    void readsTheBlockedOutputOfAConvolution() {
        Random random = new Random(21);
        Convolution2D conv = new Convolution2D(2, 16, 3, 1, Padding.SAME);
        Dense dense = new Dense(16 * 5 * 3, 4);
        try (LayerTestBench bench = LayerTestBench.training(conv, 3, 2, 5, 3)) {
            bench.setParameter(0, random(random, 16 * 2 * 9));
            bench.setParameter(1, random(random, 16));
            float[] features = bench.forward(random(random, 3 * 2 * 5 * 3));
            Tensor blocked = bench.plan.output();
            assertFalse(blocked.isPlain(), "the test needs a blocked convolution output");
            ParameterBlock parameters = new ParameterBlock(dense.parameters(new long[] {16, 5, 3}), bench.arena);
            float[] weight = random(random, 4 * 16 * 5 * 3);
            float[] bias = random(random, 4);
            parameters.parameters().get(0).value().copyFrom(MemorySegment.ofArray(weight));
            parameters.parameters().get(1).value().copyFrom(MemorySegment.ofArray(bias));
            LayerPlan plan = dense.plan(bench.context, blocked, Mode.TRAINING, parameters.parameters(), true);
            plan.forward();
            double[] x = toDouble(features);
            assertClose(naive(3, 240, 4, x, toDouble(weight), toDouble(bias)), bench.plainValues(plan.output()),
                    TOLERANCE, "dense on a blocked input");
            float[] r = random(random, 3 * 4);
            plan.bindGradOutput(bench.tensorIn(plan.output().desc(), r));
            plan.backward();
            assertTrue(plan.gradInput().desc().sameAs(blocked.desc()), "gradient of the input in the input's layout");
            assertClose(finiteDifferences(v -> naive(3, 240, 4, v, toDouble(weight), toDouble(bias)), x, r, 1e-3),
                    bench.plainValues(plan.gradInput()), TOLERANCE, "gradient of a blocked input");
        }
    }

    @Test
    void shapeMismatchNamesBothFeatureCounts() {
        Dense dense = new Dense(10, 5);
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                () -> dense.outputShape(new long[] {12}));
        assertTrue(flat.getMessage().contains("dense(10->5)") && flat.getMessage().contains("10")
                && flat.getMessage().contains("[12]"), flat.getMessage());
        IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                () -> dense.outputShape(new long[] {3, 2, 2}));
        assertTrue(image.getMessage().contains("10 input features") && image.getMessage().contains("12 features"),
                image.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> dense.outputShape(new long[] {2, 5}));
        assertTrue(rank.getMessage().contains("[2, 5]"), rank.getMessage());
        try (LayerTestBench bench = LayerTestBench.training(new Dense(12, 5), 2, 12)) {
            Tensor wrong = Tensor.plain(bench.arena, DataType.F32, 2, 3, 2, 2);
            ParameterBlock parameters = new ParameterBlock(new Dense(12, 5).parameters(new long[] {12}), bench.arena);
            IllegalArgumentException plan = assertThrows(IllegalArgumentException.class,
                    () -> dense.plan(bench.context, wrong, Mode.TRAINING, parameters.parameters(), true));
            assertTrue(plan.getMessage().contains("10") && plan.getMessage().contains("12"), plan.getMessage());
        }
        assertArrayEquals(new long[] {5}, dense.outputShape(new long[] {10}));
        assertArrayEquals(new long[] {5}, dense.outputShape(new long[] {10, 1, 1}));
    }

    static int features(long[] dims) {
        long f = 1;
        for (int i = 1; i < dims.length; i++) f *= dims[i];
        return Math.toIntExact(f);
    }

    /** y = W x + b per sample, with x the per-sample features in plain (c, y, x) order. */
    static double[] naive(int n, int in, int out, double[] x, double[] weight, double[] bias) {
        double[] y = new double[n * out];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[o];
                for (int i = 0; i < in; i++) sum += weight[o * in + i] * x[b * in + i];
                y[b * out + o] = sum;
            }
        }
        return y;
    }

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }
}
