package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution2D with dilation, groups (depthwise included) and explicit asymmetric padding, against naive loops
 * over the definitions: forward, backward data and backward weights, and finite differences of the forward loop.
 */
class ConvolutionVariantsTest {
    private static final double TOLERANCE = 1e-4;

    /** batch, height, width, layer. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, 9, 8, new Convolution2D(4, 6, 3, 1, new Pads(1, 0, 2, 1), 2, 2)),
                Arguments.of(1, 7, 9, new Convolution2D(3, 3, 3, 1, Padding.SAME, 1, 3)),       // depthwise
                Arguments.of(2, 9, 9, new Convolution2D(4, 8, 3, 2, Padding.SAME, 3, 4)),       // 'same' spans 7
                Arguments.of(1, 10, 7, new Convolution2D(2, 4, 2, 1, Padding.VALID, 2, 1)),     // valid spans 3
                Arguments.of(2, 7, 7, new Convolution2D(16, 16, 3, 1, Pads.of(1), 1, 16)),      // blocked depthwise
                Arguments.of(2, 6, 7, new Convolution2D(6, 4, 3, 2, new Pads(0, 2, 1, 0), 1, 2)),
                Arguments.of(1, 8, 8, new Convolution2D(3, 16, 3, 1, Padding.SAME, 2, 1)),      // blocked output
                Arguments.of(2, 5, 6, new Convolution2D(2, 3, 3, 1, new Pads(2, 0, 0, 1), 1, 1)));
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}x{2} {3}")
    @MethodSource("cases")
    void forwardMatchesTheNaiveLoopInBothModes(int n, int h, int w, Convolution2D layer) {
        NaiveConv naive = new NaiveConv(n, h, w, layer);
        Random random = new Random(31 + h * 7L + w);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        float[] bias = random(random, layer.outChannels());
        double[] expected = naive.forward(toDouble(x), toDouble(weight), toDouble(bias));
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, n, layer.inChannels(), h, w)) {
                assertArrayEquals(new long[] {n, layer.outChannels(), naive.outH, naive.outW},
                        bench.plan.output().dims(), "output dims of " + layer.name());
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward, " + mode);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}x{2} {3}")
    @MethodSource("cases")
    void backwardMatchesTheNaiveLoopsAndFiniteDifferences(int n, int h, int w, Convolution2D layer) {
        NaiveConv naive = new NaiveConv(n, h, w, layer);
        Random random = new Random(37 + h * 5L + w);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        float[] bias = random(random, layer.outChannels());
        float[] r = random(random, naive.outputSize());
        double[] dx = toDouble(x);
        double[] dw = toDouble(weight);
        double[] db = toDouble(bias);
        double[] dr = toDouble(r);
        try (LayerTestBench bench = LayerTestBench.training(layer, n, layer.inChannels(), h, w)) {
            bench.setParameter(0, weight);
            bench.setParameter(1, bias);
            for (int step = 1; step <= 2; step++) { // the second step checks that gradients are overwritten
                bench.forward(x);
                float[] gradInput = bench.backward(r);
                String what = layer.name() + " step " + step + ": ";
                assertClose(naive.backwardData(dr, dw), gradInput, TOLERANCE, what + "input gradient vs naive loop");
                assertClose(finiteDifferences(v -> naive.forward(v, dw, db), dx.clone(), r, 1e-3), gradInput,
                        TOLERANCE, what + "input gradient vs finite differences");
                double[][] weightGrads = naive.backwardWeights(dx, dr);
                assertClose(weightGrads[0], bench.grad(0), TOLERANCE, what + "weight gradient vs naive loop");
                assertClose(finiteDifferences(v -> naive.forward(dx, v, db), dw.clone(), r, 1e-3), bench.grad(0),
                        TOLERANCE, what + "weight gradient vs finite differences");
                assertClose(weightGrads[1], bench.grad(1), TOLERANCE, what + "bias gradient vs naive loop");
            }
        }
    }

    @Test
    void weightsAreStoredAsPyTorchsOutByInPerGroup() {
        Convolution2D depthwise = new Convolution2D(8, 16, 3, 1, Padding.SAME, 1, 8);
        assertArrayEquals(new long[] {16, 1, 3, 3}, depthwise.parameters(new long[] {8, 5, 5}).get(0).dims());
        assertArrayEquals(new long[] {16}, depthwise.parameters(new long[] {8, 5, 5}).get(1).dims());
    }

    @Test
    void shapesAndNames() {
        long[] in = {4, 10, 9};
        assertArrayEquals(new long[] {6, 10, 9},
                new Convolution2D(4, 6, 3, 1, Padding.SAME, 2, 2).outputShape(in), "'same' keeps the size");
        assertArrayEquals(new long[] {6, 6, 5},
                new Convolution2D(4, 6, 3, 1, Padding.VALID, 2, 2).outputShape(in), "a 3x3 filter dilated 2 spans 5");
        assertArrayEquals(new long[] {6, 13, 8},
                new Convolution2D(4, 6, 3, 1, new Pads(1, 0, 4, 1), 1, 1).outputShape(in), "10 + 5 - 2, 9 + 1 - 2");
        assertEquals(5, new Convolution2D(4, 6, 3, 1, Padding.SAME, 2, 1).effectiveFilterSize());
        assertEquals("conv2d(4->6, 3x3, stride 2, dilation 2, groups 2, pads (1, 0, 2, 1))",
                new Convolution2D(4, 6, 3, 2, new Pads(1, 0, 2, 1), 2, 2).name());
        assertEquals("conv2d(4->6, 3x3, same)", new Convolution2D(4, 6, 3, 1, Padding.SAME, 1, 1).name(),
                "the defaults' name is unchanged");
        assertEquals(new Convolution2D(4, 6, 3, 1, Padding.SAME), new Convolution2D(4, 6, 3, 1, Padding.SAME, 1, 1));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new Convolution2D(4, 6, 3, 1, Padding.VALID, 5, 1).outputShape(in));
        assertTrue(small.getMessage().contains("dilation 5") && small.getMessage().contains("window 11"),
                small.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheFieldTheValueAndTheRange() {
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, 0, 1), "dilation must be >= 1, got 0");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, -2, 1), "dilation must be >= 1, got -2");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, 1, 0), "groups must be >= 1, got 0");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, 1, 4),
                "groups must divide both channel counts, got groups 4 for 4 input and 6 output channels");
        assertRefused(() -> new Convolution2D(3, 6, 3, 1, Padding.SAME, 1, 2),
                "groups must divide both channel counts, got groups 2 for 3 input and 6 output channels");
        assertRefused(() -> new Pads(0, -1, 0, 0), "pads left must be >= 0, got -1");
        assertRefused(() -> new Pads(0, 0, -3, 0), "pads bottom must be >= 0, got -3");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, (Padding) null, 1, 1), "padding must be 'same' or 'valid'");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, Pads.of(1), 1, 1),
                "got padding SAME and pads (1, 1, 1, 1)");
        assertRefused(() -> new Convolution2D(4, 6, 3, 1, Padding.SAME, Long.MAX_VALUE / 2 + 1, 1),
                "filterSize 3 with dilation " + (Long.MAX_VALUE / 2 + 1));
    }

    private static void assertRefused(Executable executable, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    /**
     * Grouped, dilated cross-correlation with bias by definition, in double, with its own padding arithmetic: the
     * explicit pads, none for 'valid', and for 'same' TensorFlow's split of the total over the dilated span.
     */
    static final class NaiveConv {
        final int n, cin, cout, h, w, k, s, d, g, outH, outW, padTop, padLeft;

        NaiveConv(int n, int h, int w, Convolution2D layer) {
            this.n = n;
            this.h = h;
            this.w = w;
            cin = (int) layer.inChannels();
            cout = (int) layer.outChannels();
            k = (int) layer.filterSize();
            s = (int) layer.stride();
            d = (int) layer.dilation();
            g = (int) layer.groups();
            int span = (k - 1) * d + 1;
            if (layer.pads() != null) {
                Pads p = layer.pads();
                padTop = (int) p.top();
                padLeft = (int) p.left();
                outH = (h + padTop + (int) p.bottom() - span) / s + 1;
                outW = (w + padLeft + (int) p.right() - span) / s + 1;
            } else if (layer.padding() == Padding.SAME) {
                outH = Math.ceilDiv(h, s);
                outW = Math.ceilDiv(w, s);
                padTop = Math.max((outH - 1) * s + span - h, 0) / 2;
                padLeft = Math.max((outW - 1) * s + span - w, 0) / 2;
            } else {
                padTop = 0;
                padLeft = 0;
                outH = (h - span) / s + 1;
                outW = (w - span) / s + 1;
            }
        }

        int inputSize() {
            return n * cin * h * w;
        }

        int weightSize() {
            return cout * (cin / g) * k * k;
        }

        int outputSize() {
            return n * cout * outH * outW;
        }

        /** Calls {@code tap(b, o, oy, ox, c, weightIndex, inputIndex)} for every product the convolution sums. */
        private void forEachTap(Tap tap) {
            int cinG = cin / g;
            int coutG = cout / g;
            for (int b = 0; b < n; b++) {
                for (int o = 0; o < cout; o++) {
                    int firstChannel = o / coutG * cinG;
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            int out = ((b * cout + o) * outH + oy) * outW + ox;
                            for (int c = 0; c < cinG; c++) {
                                for (int ky = 0; ky < k; ky++) {
                                    int iy = oy * s + ky * d - padTop;
                                    if (iy < 0 || iy >= h) continue;
                                    for (int kx = 0; kx < k; kx++) {
                                        int ix = ox * s + kx * d - padLeft;
                                        if (ix < 0 || ix >= w) continue;
                                        tap.accept(out, ((o * cinG + c) * k + ky) * k + kx,
                                                ((b * cin + firstChannel + c) * h + iy) * w + ix);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private interface Tap {
            void accept(int output, int weight, int input);
        }

        double[] forward(double[] x, double[] weight, double[] bias) {
            double[] y = new double[outputSize()];
            for (int i = 0; i < y.length; i++) y[i] = bias[i / (outH * outW) % cout];
            forEachTap((out, wi, in) -> y[out] += x[in] * weight[wi]);
            return y;
        }

        /** dL/dx for dL/dy = {@code gradOutput}. */
        double[] backwardData(double[] gradOutput, double[] weight) {
            double[] gx = new double[inputSize()];
            forEachTap((out, wi, in) -> gx[in] += gradOutput[out] * weight[wi]);
            return gx;
        }

        /** dL/dweight and dL/dbias for dL/dy = {@code gradOutput}. */
        double[][] backwardWeights(double[] x, double[] gradOutput) {
            double[] gw = new double[weightSize()];
            double[] gb = new double[cout];
            forEachTap((out, wi, in) -> gw[wi] += gradOutput[out] * x[in]);
            for (int i = 0; i < gradOutput.length; i++) gb[i / (outH * outW) % cout] += gradOutput[i];
            return new double[][] {gw, gb};
        }
    }
}
