package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.distinct;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pooling2D against naive Java loops, forward and backward, on plain and blocked inputs. */
class PoolingTest {
    private static final double TOLERANCE = 1e-4;

    /** batch, channels, height, width, filter, stride, padding; each case runs for max and avg. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 7, 7, 2, 2, Padding.SAME),   // 7 -> 4: pads (0, 1), the extra row at the end
                Arguments.of(3, 4, 7, 9, 2, 2, Padding.SAME),
                Arguments.of(1, 3, 7, 9, 3, 2, Padding.SAME),   // 7 -> 4, 9 -> 5 with pads (1, 1)
                Arguments.of(3, 2, 8, 6, 3, 2, Padding.SAME),   // 8 -> 4 with pads (0, 1)
                Arguments.of(3, 5, 8, 5, 3, 1, Padding.SAME),
                Arguments.of(2, 3, 7, 8, 2, 3, Padding.SAME),   // window smaller than the stride
                Arguments.of(1, 1, 28, 28, 2, 2, Padding.VALID), // the seed's default: 28 -> 14
                Arguments.of(3, 4, 7, 9, 2, 2, Padding.VALID),  // odd sizes drop the last row and column
                Arguments.of(1, 3, 7, 9, 3, 2, Padding.VALID),
                Arguments.of(3, 2, 6, 6, 3, 1, Padding.VALID));
    }

    static Stream<Arguments> cases() {
        return shapes().flatMap(a -> Stream.of(PoolMode.MAX, PoolMode.AVG).map(mode -> {
            Object[] args = a.get();
            Object[] withMode = java.util.Arrays.copyOf(args, args.length + 1);
            withMode[args.length] = mode;
            return Arguments.of(withMode);
        }));
    }

    @ParameterizedTest(name = "[{index}] n{0} c{1} {2}x{3} k{4} s{5} {6} {7}")
    @MethodSource("cases")
    void forwardMatchesNaiveLoopsInBothModes(int n, int c, int h, int w, int k, int s, Padding padding,
                                             PoolMode mode) {
        Pooling2D layer = new Pooling2D(k, s, mode, padding);
        NaivePool naive = new NaivePool(n, c, h, w, k, s, padding, mode);
        float[] x = random(new Random(7 + n * 31L + h * 7L + w), (long) n * c * h * w);
        double[] expected = naive.forward(toDouble(x));
        for (Mode planMode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, planMode, true, n, c, h, w)) {
                assertArrayEquals(new long[] {n, c, naive.outH, naive.outW}, bench.plan.output().dims(),
                        "output dims of " + layer.name());
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward, " + planMode);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} c{1} {2}x{3} k{4} s{5} {6} {7}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(int n, int c, int h, int w, int k, int s, Padding padding,
                                          PoolMode mode) {
        Pooling2D layer = new Pooling2D(k, s, mode, padding);
        NaivePool naive = new NaivePool(n, c, h, w, k, s, padding, mode);
        Random random = new Random(11 + n * 13L + h * 5L + w);
        long count = (long) n * c * h * w;
        float[] x = mode == PoolMode.MAX ? distinct(random, count, 0.01f) : random(random, count);
        float[] r = random(random, (long) n * c * naive.outH * naive.outW);
        double[] expected = finiteDifferences(naive::forward, toDouble(x), r, 1e-3);
        try (LayerTestBench bench = LayerTestBench.training(layer, n, c, h, w)) {
            bench.forward(x);
            assertClose(expected, bench.backward(r), TOLERANCE, layer.name() + " gradient of the input");
            // A second step must give the same gradient: backward overwrites, never accumulates.
            bench.forward(x);
            assertClose(expected, bench.backward(r), TOLERANCE, layer.name() + " gradient, second step");
        }
    }

    @Test
    void poolsTheBlockedOutputOfAConvolutionWithoutReordering() {
        Random random = new Random(3);
        Convolution2D conv = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        Pooling2D pool = new Pooling2D(2, 2, PoolMode.MAX, Padding.SAME);
        try (LayerTestBench bench = LayerTestBench.training(conv, 2, 3, 7, 9)) {
            bench.setParameter(0, random(random, 16 * 3 * 3 * 3));
            bench.setParameter(1, random(random, 16));
            float[] convOut = bench.forward(random(random, 2 * 3 * 7 * 9));
            Tensor blocked = bench.plan.output();
            assertFalse(blocked.isPlain(), "the test needs a blocked convolution output to pool");

            LayerPlan plan = pool.plan(bench.context, blocked, Mode.TRAINING, List.of(), true);
            assertTrue(plan.gradInput().desc().sameAs(blocked.desc()), "gradient of the input in the input's layout");
            plan.forward();
            NaivePool naive = new NaivePool(2, 16, 7, 9, 2, 2, Padding.SAME, PoolMode.MAX);
            assertClose(naive.forward(toDouble(convOut)), bench.plainValues(plan.output()), TOLERANCE,
                    "max pool of a blocked input");

            float[] r = random(random, plan.output().elementCount());
            plan.bindGradOutput(bench.tensorIn(plan.output().desc(), r));
            plan.backward();
            // Convolution outputs are continuous random values: ties have probability zero.
            double[] expected = finiteDifferences(naive::forward, toDouble(convOut), r, 1e-4);
            assertClose(expected, bench.plainValues(plan.gradInput()), 1e-3, "max pool gradient in a blocked layout");
        }
    }

    @Test
    void stepsAllocateNoNativeMemory() {
        for (PoolMode mode : PoolMode.values()) {
            try (LayerTestBench bench = LayerTestBench.training(new Pooling2D(3, 2, mode, Padding.SAME), 2, 3, 7, 7)) {
                bench.forward(random(new Random(1), 2 * 3 * 49));
                bench.backward(random(new Random(2), 2 * 3 * 16)); // binds the gradient: allocation allowed here
                long before = CountingArena.allocatedBytes();
                for (int step = 0; step < 3; step++) {
                    bench.plan.forward();
                    bench.plan.backward();
                }
                assertEquals(before, CountingArena.allocatedBytes(), mode + " pooling steps allocated native memory");
            }
        }
    }

    @Test
    void planWithoutInputGradientHasNoBackward() {
        try (LayerTestBench bench = new LayerTestBench(new Pooling2D(2, 2, PoolMode.MAX), Mode.TRAINING, false,
                1, 2, 4, 4)) {
            bench.forward(random(new Random(1), 32));
            assertNull(bench.backward(random(new Random(2), 8)), "no gradient of the input was asked for");
        }
        try (LayerTestBench bench = new LayerTestBench(new Pooling2D(2, 2, PoolMode.AVG), Mode.INFERENCE, true,
                1, 2, 4, 4)) {
            assertNull(bench.plan.gradInput(), "inference plans compute no gradient");
        }
    }

    @Test
    void shapesAndErrors() {
        Pooling2D seedDefault = new Pooling2D(2, 2, PoolMode.MAX);
        assertEquals(Padding.VALID, seedDefault.padding(), "default padding");
        assertArrayEquals(new long[] {6, 14, 14}, seedDefault.outputShape(new long[] {6, 28, 28}));
        assertArrayEquals(new long[] {12, 7, 7}, seedDefault.outputShape(new long[] {12, 14, 14}));
        assertArrayEquals(new long[] {3, 4, 4},
                new Pooling2D(2, 2, PoolMode.AVG, Padding.SAME).outputShape(new long[] {3, 7, 7}));
        assertArrayEquals(new long[] {3, 3, 3}, seedDefault.outputShape(new long[] {3, 7, 7}));
        assertTrue(seedDefault.parameters(new long[] {3, 7, 7}).isEmpty(), "pooling has no parameters");

        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> new Pooling2D(3, 1, PoolMode.MAX).outputShape(new long[] {1, 2, 5}));
        assertTrue(tooSmall.getMessage().contains("maxpool2d(3x3, valid)") && tooSmall.getMessage().contains("2"),
                tooSmall.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> seedDefault.outputShape(new long[] {28, 28}));
        assertTrue(rank.getMessage().contains("[28, 28]"), rank.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> new Pooling2D(2, 0, PoolMode.AVG));
        assertTrue(stride.getMessage().contains("stride") && stride.getMessage().contains("0"), stride.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Pooling2D(2, 2, null));
        assertEquals(PoolMode.AVG, PoolMode.of("Avg"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> PoolMode.of("min"));
        assertTrue(unknown.getMessage().contains("'min'"), unknown.getMessage());
    }

    @Test
    void rejectsAGradientOfTheWrongShape() {
        try (LayerTestBench bench = LayerTestBench.training(new Pooling2D(2, 2, PoolMode.MAX), 1, 2, 4, 4)) {
            Tensor wrong = Tensor.plain(bench.arena, DataType.F32, 1, 2, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bench.plan.bindGradOutput(wrong));
            assertTrue(e.getMessage().contains("[1, 2, 2, 2]") && e.getMessage().contains("[1, 2, 3, 3]"),
                    e.getMessage());
        }
    }

    /** Pooling by definition, in double, with TensorFlow's 'same' padding worked out independently. */
    static final class NaivePool {
        final int n, c, h, w, k, s, outH, outW, padTop, padLeft;
        final PoolMode mode;

        NaivePool(int n, int c, int h, int w, int k, int s, Padding padding, PoolMode mode) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.k = k;
            this.s = s;
            this.mode = mode;
            boolean same = padding == Padding.SAME;
            outH = same ? Math.ceilDiv(h, s) : (h - k) / s + 1;
            outW = same ? Math.ceilDiv(w, s) : (w - k) / s + 1;
            padTop = same ? Math.max((outH - 1) * s + k - h, 0) / 2 : 0;
            padLeft = same ? Math.max((outW - 1) * s + k - w, 0) / 2 : 0;
        }

        double[] forward(double[] x) {
            double[] y = new double[n * c * outH * outW];
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int plane = (b * c + ch) * h * w;
                    for (int oy = 0; oy < outH; oy++) {
                        for (int ox = 0; ox < outW; ox++) {
                            double max = Double.NEGATIVE_INFINITY;
                            double sum = 0;
                            int count = 0;
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * s + ky - padTop;
                                    int ix = ox * s + kx - padLeft;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    double v = x[plane + iy * w + ix];
                                    max = Math.max(max, v);
                                    sum += v;
                                    count++;
                                }
                            }
                            y[((b * c + ch) * outH + oy) * outW + ox] = mode == PoolMode.MAX ? max : sum / count;
                        }
                    }
                }
            }
            return y;
        }
    }
}
