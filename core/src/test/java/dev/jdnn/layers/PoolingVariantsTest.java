package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.distinct;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pooling2D with explicit padding (average pooling counting the padding or not, PyTorch's count_include_pad) and
 * GlobalAveragePooling2D, against naive loops: forward, backward, and finite differences of the forward loop.
 */
class PoolingVariantsTest {
    private static final double TOLERANCE = 1e-4;

    /** batch, channels, height, width, layer. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, 3, 7, 8, new Pooling2D(3, 2, PoolMode.AVG, new Pads(1, 0, 2, 1), true)),
                Arguments.of(2, 3, 7, 8, new Pooling2D(3, 2, PoolMode.AVG, new Pads(1, 0, 2, 1), false)),
                Arguments.of(1, 4, 6, 6, new Pooling2D(3, 1, PoolMode.AVG, Pads.of(1), true)),   // PyTorch's 3/1/1
                Arguments.of(1, 4, 6, 6, new Pooling2D(3, 1, PoolMode.AVG, Pads.of(1), false)),
                Arguments.of(3, 2, 5, 9, new Pooling2D(2, 2, PoolMode.AVG, new Pads(0, 1, 1, 0), true)),
                Arguments.of(2, 16, 5, 5, new Pooling2D(3, 2, PoolMode.AVG, Pads.of(1), true)),  // 16 channels
                Arguments.of(2, 3, 7, 8, new Pooling2D(3, 2, PoolMode.MAX, new Pads(1, 0, 2, 1), false)),
                Arguments.of(2, 3, 7, 9, new Pooling2D(3, 2, PoolMode.AVG, Padding.SAME, null, true)));
    }

    @ParameterizedTest(name = "[{index}] n{0} c{1} {2}x{3} {4}")
    @MethodSource("cases")
    void forwardMatchesTheNaiveLoopInBothModes(int n, int c, int h, int w, Pooling2D layer) {
        NaivePool naive = new NaivePool(n, c, h, w, layer);
        float[] x = random(new Random(13 + h * 7L + w), (long) n * c * h * w);
        double[] expected = naive.forward(toDouble(x));
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, n, c, h, w)) {
                assertArrayEquals(new long[] {n, c, naive.outH, naive.outW}, bench.plan.output().dims(),
                        "output dims of " + layer.name());
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward, " + mode);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} c{1} {2}x{3} {4}")
    @MethodSource("cases")
    void backwardMatchesTheNaiveLoopAndFiniteDifferences(int n, int c, int h, int w, Pooling2D layer) {
        NaivePool naive = new NaivePool(n, c, h, w, layer);
        Random random = new Random(17 + h * 5L + w);
        long count = (long) n * c * h * w;
        float[] x = layer.mode() == PoolMode.MAX ? distinct(random, count, 0.01f) : random(random, count);
        float[] r = random(random, (long) n * c * naive.outH * naive.outW);
        double[] dx = toDouble(x);
        try (LayerTestBench bench = LayerTestBench.training(layer, n, c, h, w)) {
            for (int step = 1; step <= 2; step++) { // backward overwrites, never accumulates
                bench.forward(x);
                float[] gradInput = bench.backward(r);
                String what = layer.name() + " step " + step + ": input gradient vs ";
                assertClose(naive.backward(dx, toDouble(r)), gradInput, TOLERANCE, what + "naive loop");
                assertClose(finiteDifferences(naive::forward, dx.clone(), r, 1e-3), gradInput, TOLERANCE,
                        what + "finite differences");
            }
        }
    }

    @Test
    void theTwoConventionsDifferOnlyWherePaddingIsCounted() {
        Pooling2D excluded = new Pooling2D(3, 1, PoolMode.AVG, Pads.of(1), false);
        Pooling2D included = new Pooling2D(3, 1, PoolMode.AVG, Pads.of(1), true);
        float[] ones = new float[16];
        java.util.Arrays.fill(ones, 1f);
        try (LayerTestBench a = new LayerTestBench(excluded, Mode.INFERENCE, false, 1, 1, 4, 4);
             LayerTestBench b = new LayerTestBench(included, Mode.INFERENCE, false, 1, 1, 4, 4)) {
            float[] mean = a.forward(ones);
            float[] counted = b.forward(ones);
            assertEquals(1f, mean[0], 1e-6, "padding left out: the mean of ones is 1");
            assertEquals(4f / 9, counted[0], 1e-6, "a corner window holds 4 inputs and 5 padded zeros");
            assertEquals(6f / 9, counted[1], 1e-6, "an edge window holds 6 inputs");
            assertEquals(1f, counted[5], 1e-6, "an inner window holds no padding");
        }
    }

    /** batch, channels, height, width. */
    static Stream<Arguments> globalShapes() {
        return Stream.of(Arguments.of(2, 3, 5, 7), Arguments.of(1, 1, 1, 1), Arguments.of(3, 16, 4, 4),
                Arguments.of(2, 5, 9, 2));
    }

    @ParameterizedTest(name = "[{index}] n{0} c{1} {2}x{3}")
    @MethodSource("globalShapes")
    void globalAveragePoolingMatchesChannelMeansForwardAndBackward(int n, int c, int h, int w) {
        GlobalAveragePooling2D layer = new GlobalAveragePooling2D();
        assertArrayEquals(new long[] {c, 1, 1}, layer.outputShape(new long[] {c, h, w}));
        Random random = new Random(19 + h * 3L + w);
        float[] x = random(random, (long) n * c * h * w);
        float[] r = random(random, (long) n * c);
        double[] dx = toDouble(x);
        java.util.function.Function<double[], double[]> means = v -> {
            double[] y = new double[n * c];
            for (int i = 0; i < v.length; i++) y[i / (h * w)] += v[i] / (h * w);
            return y;
        };
        double[] expectedGrad = new double[x.length];
        for (int i = 0; i < x.length; i++) expectedGrad[i] = r[i / (h * w)] / (double) (h * w);
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, n, c, h, w)) {
                assertArrayEquals(new long[] {n, c, 1, 1}, bench.plan.output().dims());
                assertClose(means.apply(dx), bench.forward(x), TOLERANCE, layer.name() + " forward, " + mode);
                if (mode == Mode.TRAINING) {
                    float[] gradInput = bench.backward(r);
                    assertClose(expectedGrad, gradInput, TOLERANCE, "input gradient vs the mean's derivative");
                    assertClose(finiteDifferences(means, dx.clone(), r, 1e-3), gradInput, TOLERANCE,
                            "input gradient vs finite differences");
                }
            }
        }
    }

    @Test
    void globalAveragePoolingReadsTheBlockedOutputOfAConvolution() {
        Random random = new Random(7);
        Convolution2D conv = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        try (LayerTestBench bench = LayerTestBench.training(new Sequential(List.of(conv, new GlobalAveragePooling2D(),
                new Flatten())), 2, 3, 5, 6);
             LayerTestBench convOnly = LayerTestBench.training(conv, 2, 3, 5, 6)) {
            float[] weights = random(random, 16 * 27);
            float[] bias = random(random, 16);
            float[] x = random(random, 2 * 3 * 30);
            for (LayerTestBench b : List.of(bench, convOnly)) {
                b.setParameter(0, weights);
                b.setParameter(1, bias);
            }
            float[] convOut = convOnly.forward(x);
            assertFalse(convOnly.plan.output().isPlain(), "the test needs a blocked convolution output");
            double[] expected = new double[2 * 16];
            for (int i = 0; i < convOut.length; i++) expected[i / 30] += convOut[i] / 30.0;
            assertClose(expected, bench.forward(x), TOLERANCE, "global average of a blocked convolution output");
        }
    }

    @Test
    void namesAndShapes() {
        assertEquals("avgpool2d(3x3, stride 2, pads (1, 0, 2, 1), padding counted)",
                new Pooling2D(3, 2, PoolMode.AVG, new Pads(1, 0, 2, 1), true).name());
        assertEquals("maxpool2d(2x2, stride 2, valid)", new Pooling2D(2, 2, PoolMode.MAX).name(), "unchanged");
        assertEquals("avgpool2d(2x2, stride 2, valid)", new Pooling2D(2, 2, PoolMode.AVG, Padding.VALID).name());
        assertArrayEquals(new long[] {3, 4, 4},
                new Pooling2D(3, 2, PoolMode.AVG, new Pads(1, 0, 2, 1), true).outputShape(new long[] {3, 7, 8}));
        assertEquals("globalavgpool2d", new GlobalAveragePooling2D().name());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> new GlobalAveragePooling2D().outputShape(new long[] {3, 4}));
        assertTrue(rank.getMessage().contains("globalavgpool2d") && rank.getMessage().contains("[3, 4]"),
                rank.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheFieldTheValueAndTheRange() {
        assertRefused(() -> new Pooling2D(3, 1, PoolMode.AVG, new Pads(0, 0, -1, 0), true),
                "pads bottom must be >= 0, got -1");
        assertRefused(() -> new Pooling2D(2, 1, PoolMode.AVG, new Pads(0, 2, 0, 0), false),
                "pool pads (0, 2, 0, 0) must each be < the filter size 2");
        assertRefused(() -> new Pooling2D(2, 1, PoolMode.MAX, Pads.of(1), true),
                "countIncludePad applies to average pooling only, got pool mode max");
        assertRefused(() -> new Pooling2D(2, 1, PoolMode.AVG, Padding.SAME, Pads.of(1), false),
                "got padding SAME and pads (1, 1, 1, 1)");
        assertRefused(() -> new Pooling2D(2, 1, PoolMode.AVG, (Pads) null, false), "padding must be 'same' or 'valid'");
    }

    private static void assertRefused(Executable executable, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    /**
     * Pooling by definition, in double, with its own padding arithmetic. Average pooling divides by the inputs
     * inside the window, or by the whole window when the padding counts (PyTorch's count_include_pad=True).
     */
    static final class NaivePool {
        final int n, c, h, w, k, s, outH, outW, padTop, padLeft;
        final boolean max;
        final boolean countPadding;

        NaivePool(int n, int c, int h, int w, Pooling2D layer) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            k = (int) layer.filterSize();
            s = (int) layer.stride();
            max = layer.mode() == PoolMode.MAX;
            countPadding = layer.countIncludePad();
            if (layer.pads() != null) {
                Pads p = layer.pads();
                padTop = (int) p.top();
                padLeft = (int) p.left();
                outH = (h + padTop + (int) p.bottom() - k) / s + 1;
                outW = (w + padLeft + (int) p.right() - k) / s + 1;
            } else if (layer.padding() == Padding.SAME) {
                outH = Math.ceilDiv(h, s);
                outW = Math.ceilDiv(w, s);
                padTop = Math.max((outH - 1) * s + k - h, 0) / 2;
                padLeft = Math.max((outW - 1) * s + k - w, 0) / 2;
            } else {
                padTop = 0;
                padLeft = 0;
                outH = (h - k) / s + 1;
                outW = (w - k) / s + 1;
            }
        }

        /** The input indices of output {@code (plane, oy, ox)}'s window that lie inside the image. */
        private int[] window(int plane, int oy, int ox) {
            int[] inside = new int[k * k];
            int count = 0;
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    int iy = oy * s + ky - padTop;
                    int ix = ox * s + kx - padLeft;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) inside[count++] = plane * h * w + iy * w + ix;
                }
            }
            return java.util.Arrays.copyOf(inside, count);
        }

        double[] forward(double[] x) {
            double[] y = new double[n * c * outH * outW];
            for (int plane = 0; plane < n * c; plane++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int[] inside = window(plane, oy, ox);
                        double result = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int i : inside) result = max ? Math.max(result, x[i]) : result + x[i];
                        y[(plane * outH + oy) * outW + ox] = max ? result
                                : result / (countPadding ? k * k : inside.length);
                    }
                }
            }
            return y;
        }

        /** dL/dx for dL/dy = {@code gradOutput}: to each window's maximum, or shared by the window's divisor. */
        double[] backward(double[] x, double[] gradOutput) {
            double[] gx = new double[x.length];
            for (int plane = 0; plane < n * c; plane++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int[] inside = window(plane, oy, ox);
                        double g = gradOutput[(plane * outH + oy) * outW + ox];
                        if (max) {
                            int best = inside[0];
                            for (int i : inside) if (x[i] > x[best]) best = i;
                            gx[best] += g;
                        } else {
                            for (int i : inside) gx[i] += g / (countPadding ? k * k : inside.length);
                        }
                    }
                }
            }
            return gx;
        }
    }
}
