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
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Convolution2D against a naive cross-correlation loop, forward and backward. */
class ConvolutionTest {
    private static final double TOLERANCE = 1e-4;

    /** batch, in channels, out channels, height, width, filter, stride, padding. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(1, 1, 3, 7, 9, 3, 1, Padding.SAME),
                Arguments.of(2, 3, 5, 7, 9, 2, 1, Padding.SAME),   // even filter: pads (0, 1)
                Arguments.of(2, 5, 1, 8, 8, 4, 1, Padding.SAME),   // pads (1, 2)
                Arguments.of(1, 1, 5, 7, 9, 4, 2, Padding.SAME),   // 7 -> 4 pads (1, 2); 9 -> 5 pads (1, 2)
                Arguments.of(2, 3, 5, 7, 9, 3, 2, Padding.SAME),
                Arguments.of(1, 3, 3, 7, 9, 3, 1, Padding.VALID),
                Arguments.of(2, 5, 3, 9, 7, 2, 2, Padding.VALID),
                Arguments.of(1, 5, 5, 5, 5, 5, 1, Padding.VALID),  // one output pixel
                Arguments.of(2, 3, 16, 7, 9, 3, 1, Padding.SAME)); // wide enough for a blocked output
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}->{2} {3}x{4} k{5} s{6} {7}")
    @MethodSource("cases")
    void forwardMatchesNaiveCrossCorrelationInBothModes(int n, int cin, int cout, int h, int w, int k, int s,
                                                        Padding padding) {
        Convolution2D layer = new Convolution2D(cin, cout, k, s, padding);
        NaiveConv naive = new NaiveConv(n, cin, cout, h, w, k, s, padding);
        Random random = new Random(5 + cin * 7L + cout * 3L + k);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        float[] bias = random(random, cout);
        double[] expected = naive.forward(toDouble(x), toDouble(weight), toDouble(bias));
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, n, cin, h, w)) {
                assertArrayEquals(new long[] {n, cout, naive.outH, naive.outW}, bench.plan.output().dims(),
                        "output dims of " + layer.name());
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward, " + mode);
                if (mode == Mode.INFERENCE) assertNull(bench.plan.gradInput(), "inference plans compute no gradient");
            }
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}->{2} {3}x{4} k{5} s{6} {7}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(int n, int cin, int cout, int h, int w, int k, int s, Padding padding) {
        checkBackward(n, cin, cout, h, w, k, s, padding, true);
    }

    @Test
    void firstLayerComputesWeightGradientsWithoutAnInputGradient() {
        checkBackward(2, 3, 5, 7, 9, 3, 1, Padding.SAME, false);
        checkBackward(1, 1, 16, 6, 5, 2, 2, Padding.SAME, false);
    }

    private static void checkBackward(int n, int cin, int cout, int h, int w, int k, int s, Padding padding,
                                      boolean needGradInput) {
        Convolution2D layer = new Convolution2D(cin, cout, k, s, padding);
        NaiveConv naive = new NaiveConv(n, cin, cout, h, w, k, s, padding);
        Random random = new Random(17 + cin * 7L + cout * 3L + k * 11L + s);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        float[] bias = random(random, cout);
        float[] r = random(random, naive.outputSize());
        double[] dx = toDouble(x);
        double[] dw = toDouble(weight);
        double[] db = toDouble(bias);
        double h0 = 1e-3;
        try (LayerTestBench bench = new LayerTestBench(layer, Mode.TRAINING, needGradInput, n, cin, h, w)) {
            bench.setParameter(0, weight);
            bench.setParameter(1, bias);
            for (int step = 1; step <= 2; step++) { // the second step checks that gradients are overwritten
                bench.forward(x);
                float[] gradInput = bench.backward(r);
                String what = layer.name() + " step " + step + ": ";
                if (needGradInput) {
                    assertClose(finiteDifferences(v -> naive.forward(v, dw, db), dx.clone(), r, h0), gradInput,
                            TOLERANCE, what + "gradient of the input");
                } else {
                    assertNull(gradInput, what + "no gradient of the input was asked for");
                    assertNull(bench.plan.gradInput(), what + "gradInput()");
                }
                assertClose(finiteDifferences(v -> naive.forward(dx, v, db), dw.clone(), r, h0), bench.grad(0),
                        TOLERANCE, what + "gradient of the weights");
                assertClose(finiteDifferences(v -> naive.forward(dx, dw, v), db.clone(), r, h0), bench.grad(1),
                        TOLERANCE, what + "gradient of the bias");
            }
        }
    }

    @Test
    void chainedConvolutionsReadAndReturnBlockedTensors() {
        // conv(3->16) gives a blocked output; the second convolution must read it and hand its gradient
        // back in that same blocked layout.
        Convolution2D first = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        Convolution2D second = new Convolution2D(16, 5, 2, 2, Padding.SAME);
        NaiveConv naiveFirst = new NaiveConv(2, 3, 16, 7, 9, 3, 1, Padding.SAME);
        NaiveConv naiveSecond = new NaiveConv(2, 16, 5, 7, 9, 2, 2, Padding.SAME);
        Random random = new Random(23);
        float[] x = random(random, naiveFirst.inputSize());
        double[] w1 = toDouble(random(random, naiveFirst.weightSize()));
        double[] b1 = toDouble(random(random, 16));
        double[] w2 = toDouble(random(random, naiveSecond.weightSize()));
        double[] b2 = toDouble(random(random, 5));
        float[] r = random(random, naiveSecond.outputSize());
        try (LayerTestBench bench = LayerTestBench.training(new Sequential(List.of(first, second)), 2, 3, 7, 9)) {
            double[][] values = {w1, b1, w2, b2};
            for (int i = 0; i < values.length; i++) bench.setParameter(i, DenseTest.toFloat(values[i]));
            double[] dx = toDouble(x);
            assertClose(naiveSecond.forward(naiveFirst.forward(dx, w1, b1), w2, b2), bench.forward(x), TOLERANCE,
                    "two convolutions");
            float[] gradInput = bench.backward(r);
            assertClose(finiteDifferences(v -> naiveSecond.forward(naiveFirst.forward(v, w1, b1), w2, b2), dx, r,
                    1e-3), gradInput, TOLERANCE, "gradient of the input through two convolutions");
            assertClose(finiteDifferences(v -> naiveSecond.forward(naiveFirst.forward(dx, v, b1), w2, b2),
                    w1.clone(), r, 1e-3), bench.grad(0), TOLERANCE, "gradient of the first weights");
            assertClose(finiteDifferences(v -> naiveSecond.forward(naiveFirst.forward(dx, w1, b1), v, b2),
                    w2.clone(), r, 1e-3), bench.grad(2), TOLERANCE, "gradient of the second weights");
        }
    }

    @Test
    void acceptsAPlainGradientForABlockedOutput() {
        Convolution2D layer = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        Random random = new Random(29);
        float[] x = random(random, 2 * 3 * 5 * 5);
        float[] weight = random(random, 16 * 3 * 9);
        float[] bias = random(random, 16);
        float[] r = random(random, 2 * 16 * 25);
        try (LayerTestBench reference = LayerTestBench.training(layer, 2, 3, 5, 5);
             LayerTestBench plainGradient = LayerTestBench.training(layer, 2, 3, 5, 5)) {
            for (LayerTestBench bench : List.of(reference, plainGradient)) {
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
                bench.forward(x);
            }
            float[] expected = reference.backward(r);
            assertFalse(plainGradient.plan.output().isPlain(), "the test needs a blocked output");
            Tensor gradOutput = Tensor.plain(plainGradient.arena, DataType.F32, 2, 16, 5, 5);
            gradOutput.copyFrom(r);
            plainGradient.plan.bindGradOutput(gradOutput);
            plainGradient.plan.backward();
            assertClose(expected, plainGradient.plan.gradInput().toArray(), 1e-6, "gradient of the input");
            assertClose(reference.grad(0), plainGradient.grad(0), 1e-6, "gradient of the weights");
            assertClose(reference.grad(1), plainGradient.grad(1), 1e-6, "gradient of the bias");
        }
    }

    @Test
    void shapeErrorsNameTheLayerAndTheShape() {
        Convolution2D conv = new Convolution2D(3, 8, 5, 1, Padding.VALID);
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> conv.outputShape(new long[] {1, 28, 28}));
        assertTrue(channels.getMessage().contains("conv2d(3->8, 5x5, valid)")
                && channels.getMessage().contains("3 input channels") && channels.getMessage().contains("[1, 28, 28]"),
                channels.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> conv.outputShape(new long[] {3, 28}));
        assertTrue(rank.getMessage().contains("[3, 28]"), rank.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> conv.outputShape(new long[] {3, 4, 28}));
        assertTrue(small.getMessage().contains("conv2d(3->8, 5x5, valid)") && small.getMessage().contains("4"),
                small.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> new Convolution2D(3, 8, 3, 0, Padding.SAME));
        assertTrue(stride.getMessage().contains("stride"), stride.getMessage());
        assertArrayEquals(new long[] {8, 24, 24}, conv.outputShape(new long[] {3, 28, 28}));
        assertArrayEquals(new long[] {8, 14, 14},
                new Convolution2D(3, 8, 3, 2, Padding.SAME).outputShape(new long[] {3, 28, 27}));
    }

    /** Cross-correlation with bias by definition, in double, with TF's 'same' padding worked out here. */
    static final class NaiveConv {
        final int n, cin, cout, h, w, k, s, outH, outW, padTop, padLeft;

        NaiveConv(int n, int cin, int cout, int h, int w, int k, int s, Padding padding) {
            this.n = n;
            this.cin = cin;
            this.cout = cout;
            this.h = h;
            this.w = w;
            this.k = k;
            this.s = s;
            boolean same = padding == Padding.SAME;
            outH = same ? Math.ceilDiv(h, s) : (h - k) / s + 1;
            outW = same ? Math.ceilDiv(w, s) : (w - k) / s + 1;
            padTop = same ? Math.max((outH - 1) * s + k - h, 0) / 2 : 0;
            padLeft = same ? Math.max((outW - 1) * s + k - w, 0) / 2 : 0;
        }

        long inputSize() {
            return (long) n * cin * h * w;
        }

        long weightSize() {
            return (long) cout * cin * k * k;
        }

        long outputSize() {
            return (long) n * cout * outH * outW;
        }

        double[] forward(double[] x, double[] weight, double[] bias) {
            double[] y = new double[Math.toIntExact(outputSize())];
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < cout; o++) {
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            double sum = bias[o];
                            for (int c = 0; c < cin; c++) {
                                for (int ky = 0; ky < k; ky++) {
                                    int iy = oy * s + ky - padTop;
                                    if (iy < 0 || iy >= h) continue;
                                    for (int kx = 0; kx < k; kx++) {
                                        int ix = ox * s + kx - padLeft;
                                        if (ix < 0 || ix >= w) continue;
                                        sum += x[((b * cin + c) * h + iy) * w + ix]
                                                * weight[((o * cin + c) * k + ky) * k + kx];
                                    }
                                }
                            }
                            y[((b * cout + o) * outH + oy) * outW + ox] = sum;
                        }
                    }
                }
            }
            return y;
        }
    }
}
