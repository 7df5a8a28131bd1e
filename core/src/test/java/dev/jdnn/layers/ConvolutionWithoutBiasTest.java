package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.finiteDifferences;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.ConvolutionVariantsTest.NaiveConv;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution2D without a bias (PyTorch's bias=False): only a weight parameter, and forward, backward data and
 * backward weights against ConvolutionVariantsTest's naive loops with a zero bias and finite differences.
 */
class ConvolutionWithoutBiasTest {
    private static final double TOLERANCE = 1e-4;

    /** batch, height, width, layer. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(2, 7, 8, new Convolution2D(3, 5, 3, 1, Padding.SAME).withoutBias()),
                Arguments.of(2, 9, 8, new Convolution2D(4, 6, 3, 2, new Pads(1, 0, 2, 1), 2, 2).withoutBias()),
                Arguments.of(1, 8, 8, new Convolution2D(8, 16, 3, 1, Padding.SAME, 1, 8).withoutBias()));
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}x{2} {3}")
    @MethodSource("cases")
    void forwardMatchesTheNaiveLoopWithoutBiasInBothModes(int n, int h, int w, Convolution2D layer) {
        NaiveConv naive = new NaiveConv(n, h, w, layer);
        Random random = new Random(53 + h * 7L + w);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        double[] expected = naive.forward(toDouble(x), toDouble(weight), new double[naive.cout]);
        for (Mode mode : Mode.values()) {
            try (LayerTestBench bench = new LayerTestBench(layer, mode, true, n, layer.inChannels(), h, w)) {
                bench.setParameter(0, weight);
                assertClose(expected, bench.forward(x), TOLERANCE, layer.name() + " forward, " + mode);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}x{2} {3}")
    @MethodSource("cases")
    void backwardMatchesTheNaiveLoopsAndFiniteDifferences(int n, int h, int w, Convolution2D layer) {
        NaiveConv naive = new NaiveConv(n, h, w, layer);
        Random random = new Random(59 + h * 5L + w);
        float[] x = random(random, naive.inputSize());
        float[] weight = random(random, naive.weightSize());
        float[] r = random(random, naive.outputSize());
        double[] dx = toDouble(x);
        double[] dw = toDouble(weight);
        double[] zero = new double[naive.cout];
        try (LayerTestBench bench = LayerTestBench.training(layer, n, layer.inChannels(), h, w)) {
            bench.setParameter(0, weight);
            for (int step = 1; step <= 2; step++) { // the second step checks that gradients are overwritten
                bench.forward(x);
                float[] gradInput = bench.backward(r);
                String what = layer.name() + " step " + step + ": ";
                assertClose(naive.backwardData(toDouble(r), dw), gradInput, TOLERANCE,
                        what + "input gradient vs naive loop");
                assertClose(finiteDifferences(v -> naive.forward(v, dw, zero), dx.clone(), r, 1e-3), gradInput,
                        TOLERANCE, what + "input gradient vs finite differences");
                assertClose(naive.backwardWeights(dx, toDouble(r))[0], bench.grad(0), TOLERANCE,
                        what + "weight gradient vs naive loop");
                assertClose(finiteDifferences(v -> naive.forward(dx, v, zero), dw.clone(), r, 1e-3), bench.grad(0),
                        TOLERANCE, what + "weight gradient vs finite differences");
            }
        }
    }

    @Test
    void onlyTheWeightIsAParameterAndTheNameSaysSo() {
        Convolution2D withBias = new Convolution2D(4, 6, 3, 1, Padding.SAME, 1, 2);
        Convolution2D without = withBias.withoutBias();
        assertTrue(withBias.bias(), "every existing constructor keeps the bias");
        assertFalse(without.bias());
        List<ParameterSpec> specs = without.parameters(new long[] {4, 5, 5});
        assertEquals(1, specs.size());
        assertEquals("weight", specs.get(0).name());
        assertArrayEquals(new long[] {6, 2, 3, 3}, specs.get(0).dims());
        assertEquals(2, withBias.parameters(new long[] {4, 5, 5}).size());
        assertEquals("conv2d(4->6, 3x3, groups 2, same, no bias)", without.name());
        assertEquals("conv2d(4->6, 3x3, groups 2, same)", withBias.name());
        assertEquals(new Convolution2D(4, 6, 3, 1, Padding.SAME, null, 1, 2, false), without);
    }
}
