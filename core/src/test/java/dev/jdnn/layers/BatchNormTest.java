package dev.jdnn.layers;

import static dev.jdnn.layers.BatchNormReference.assertClose;
import static dev.jdnn.layers.BatchNormReference.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BatchNorm2D and BatchNorm1D plans against the double-precision reference and finite differences. */
class BatchNormTest {
    private static final double FORWARD_TOLERANCE = 1e-4;
    private static final double GRADIENT_TOLERANCE = 1e-4;

    /** Per-sample shapes with their layer; batch sizes come from the tests (training needs >= 2 values). */
    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of(new BatchNorm2D(3), new long[] {2, 3, 5, 7}),
                Arguments.of(new BatchNorm2D(1, 0.8, 1e-3), new long[] {3, 1, 4, 4}),
                Arguments.of(new BatchNorm2D(16), new long[] {4, 16, 3, 3}),
                Arguments.of(new BatchNorm2D(5), new long[] {1, 5, 3, 1}),
                Arguments.of(new BatchNorm2D(17), new long[] {2, 17, 1, 1}),
                Arguments.of(new BatchNorm1D(4), new long[] {2, 4}),
                Arguments.of(new BatchNorm1D(6, 0.5, 1e-5), new long[] {7, 6}),
                Arguments.of(new BatchNorm1D(33), new long[] {5, 33}));
    }

    /** Inputs with a different mean and spread in each channel. */
    private static float[] input(long[] dims, long seed) {
        BatchNormReference ref = new BatchNormReference(dims, 1e-5);
        Random random = new Random(seed);
        float[] x = new float[ref.batch * ref.channels * ref.spatial];
        for (int n = 0; n < ref.batch; n++) {
            for (int c = 0; c < ref.channels; c++) {
                for (int s = 0; s < ref.spatial; s++) {
                    x[ref.index(n, c, s)] = (float) ((0.5 + c % 4) * random.nextGaussian() + c * 0.3 - 1);
                }
            }
        }
        return x;
    }

    private static float[] gaussian(int count, double mean, double spread, long seed) {
        Random random = new Random(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) out[i] = (float) (mean + spread * random.nextGaussian());
        return out;
    }

    @ParameterizedTest
    @MethodSource("layers")
    void trainingForwardNormalizesWithBatchStatisticsAndUpdatesRunningOnes(BatchNorm layer, long[] dims) {
        try (BatchNormHarness h = new BatchNormHarness(layer, dims, Mode.TRAINING)) {
            BatchNormReference ref = new BatchNormReference(dims, layer.epsilon());
            int c = ref.channels;
            float[] scale = gaussian(c, 1, 0.5, 1);
            float[] shift = gaussian(c, 0, 0.5, 2);
            float[] runningMean = gaussian(c, 0, 1, 3);
            float[] runningVariance = gaussian(c, 2, 0.3, 4);
            h.parameter(0, scale);
            h.parameter(1, shift);
            h.parameter(2, runningMean);
            h.parameter(3, runningVariance);
            float[] x = input(dims, 5);
            h.input(x);
            double[] xd = toDouble(x);
            assertClose(layer.name() + " training output", h.forward(),
                    ref.training(xd, toDouble(scale), toDouble(shift)), FORWARD_TOLERANCE);

            double[] mean = ref.mean(xd);
            double[] variance = ref.variance(xd, mean);
            double m = layer.momentum();
            long count = (long) ref.batch * ref.spatial;
            double[] expectedMean = new double[c];
            double[] expectedVariance = new double[c];
            for (int i = 0; i < c; i++) {
                expectedMean[i] = m * runningMean[i] + (1 - m) * mean[i];
                expectedVariance[i] = m * runningVariance[i] + (1 - m) * variance[i] * count / (count - 1);
            }
            assertClose(layer.name() + " running mean", h.parameter(2), expectedMean, FORWARD_TOLERANCE);
            assertClose(layer.name() + " running variance", h.parameter(3), expectedVariance, FORWARD_TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void inferenceForwardUsesRunningStatisticsAndLeavesThem(BatchNorm layer, long[] dims) {
        for (long batch : new long[] {1, dims[0]}) {
            long[] batchDims = dims.clone();
            batchDims[0] = batch;
            try (BatchNormHarness h = new BatchNormHarness(layer, batchDims, Mode.INFERENCE)) {
                BatchNormReference ref = new BatchNormReference(batchDims, layer.epsilon());
                int c = ref.channels;
                float[] scale = gaussian(c, 1, 0.5, 11);
                float[] shift = gaussian(c, 0, 0.5, 12);
                float[] runningMean = gaussian(c, 0, 1, 13);
                float[] runningVariance = gaussian(c, 2, 0.3, 14);
                h.parameter(0, scale);
                h.parameter(1, shift);
                h.parameter(2, runningMean);
                h.parameter(3, runningVariance);
                float[] x = input(batchDims, 15);
                h.input(x);
                assertClose(layer.name() + " inference output, batch " + batch, h.forward(),
                        ref.normalize(toDouble(x), toDouble(scale), toDouble(shift), toDouble(runningMean),
                                toDouble(runningVariance)), FORWARD_TOLERANCE);
                assertArrayEquals(runningMean, h.parameter(2), "inference must not touch the running mean");
                assertArrayEquals(runningVariance, h.parameter(3), "inference must not touch the running variance");
                assertNull(h.plan.gradInput(), "an inference plan has no input gradient");
                assertThrows(IllegalStateException.class, () -> h.backward(new float[x.length]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void backwardMatchesFiniteDifferences(BatchNorm layer, long[] dims) {
        try (BatchNormHarness h = new BatchNormHarness(layer, dims, Mode.TRAINING)) {
            BatchNormReference ref = new BatchNormReference(dims, layer.epsilon());
            int c = ref.channels;
            float[] scale = gaussian(c, 1, 0.5, 21);
            float[] shift = gaussian(c, 0, 0.5, 22);
            float[] x = input(dims, 23);
            float[] r = gaussian(x.length, 0, 1, 24);
            h.parameter(0, scale);
            h.parameter(1, shift);
            h.input(x);
            h.forward();
            float[] gradInput = h.backward(r);

            double[] xd = toDouble(x);
            double[] scaled = toDouble(scale);
            double[] shiftd = toDouble(shift);
            double[] rd = toDouble(r);
            double step = 1e-4;
            assertClose(layer.name() + " gradInput", gradInput,
                    ref.numericGradient(xd, scaled, shiftd, rd, xd, step), GRADIENT_TOLERANCE);
            assertClose(layer.name() + " scale gradient", h.grad(0),
                    ref.numericGradient(xd, scaled, shiftd, rd, scaled, step), GRADIENT_TOLERANCE);
            assertClose(layer.name() + " shift gradient", h.grad(1),
                    ref.numericGradient(xd, scaled, shiftd, rd, shiftd, step), GRADIENT_TOLERANCE);

            // Backward overwrites: a second step with another gradient must not accumulate.
            float[] r2 = gaussian(x.length, 0, 1, 25);
            h.forward();
            h.backward(r2);
            assertClose(layer.name() + " shift gradient, second step", h.grad(1),
                    ref.numericGradient(xd, scaled, shiftd, toDouble(r2), shiftd, step), GRADIENT_TOLERANCE);
        }
    }

    @Test
    void initializeSetsIdentityParameters() {
        try (BatchNormHarness h = new BatchNormHarness(new BatchNorm2D(3), new long[] {2, 3, 2, 2}, Mode.TRAINING)) {
            h.parameter(0, new float[] {5, 5, 5});
            h.parameter(3, new float[] {7, 7, 7});
            BatchNorm.initialize(h.block.parameters());
            assertArrayEquals(new float[] {1, 1, 1}, h.parameter(0));
            assertArrayEquals(new float[] {0, 0, 0}, h.parameter(1));
            assertArrayEquals(new float[] {0, 0, 0}, h.parameter(2));
            assertArrayEquals(new float[] {1, 1, 1}, h.parameter(3));
        }
    }

    @Test
    void parametersAreScaleShiftAndRunningStatistics() {
        var specs = new BatchNorm2D(8).parameters(new long[] {8, 4, 4});
        assertEquals(4, specs.size());
        assertEquals(new ParameterSpec("scale", ParameterSpec.Kind.SCALE, new long[] {8}), specs.get(0));
        assertEquals(new ParameterSpec("shift", ParameterSpec.Kind.SHIFT, new long[] {8}), specs.get(1));
        assertEquals(new ParameterSpec("running_mean", ParameterSpec.Kind.RUNNING_MEAN, new long[] {8}), specs.get(2));
        assertEquals(new ParameterSpec("running_variance", ParameterSpec.Kind.RUNNING_VARIANCE, new long[] {8}),
                specs.get(3));
        assertArrayEquals(new long[] {8, 4, 4}, new BatchNorm2D(8).outputShape(new long[] {8, 4, 4}));
        assertArrayEquals(new long[] {5}, new BatchNorm1D(5).outputShape(new long[] {5}));
        assertEquals(0.9, new BatchNorm1D(5).momentum());
        assertEquals(1e-5, new BatchNorm2D(5).epsilon());
    }

    @Test
    void rejectsBadHyperParameters() {
        assertMessage(() -> new BatchNorm2D(0), "channels", "0");
        assertMessage(() -> new BatchNorm1D(-2), "features", "-2");
        assertMessage(() -> new BatchNorm2D(3, 1.5, 1e-5), "momentum", "1.5", "[0, 1]");
        assertMessage(() -> new BatchNorm1D(3, -0.1, 1e-5), "momentum", "-0.1", "[0, 1]");
        assertMessage(() -> new BatchNorm2D(3, Double.NaN, 1e-5), "momentum", "NaN");
        assertMessage(() -> new BatchNorm2D(3, 0.9, 0), "epsilon", "0.0", "> 0");
        assertMessage(() -> new BatchNorm1D(3, 0.9, -1e-5), "epsilon", "> 0");
    }

    @Test
    void rejectsInputsThatDoNotFit() {
        assertMessage(() -> new BatchNorm2D(3).outputShape(new long[] {4, 5, 5}), "batchnorm2d(3)", "3", "[4, 5, 5]");
        assertMessage(() -> new BatchNorm2D(3).outputShape(new long[] {3}), "batchnorm2d(3)", "[3, H, W]", "[3]");
        assertMessage(() -> new BatchNorm1D(4).outputShape(new long[] {5}), "batchnorm1d(4)", "4", "[5]");
        assertMessage(() -> new BatchNorm1D(4).outputShape(new long[] {4, 2, 2}), "batchnorm1d(4)", "[4, 2, 2]");
        // The plan checks the tensor it is given too, before any native call.
        assertMessage(() -> new BatchNormHarness(new BatchNorm2D(3), new long[] {2, 4, 3, 3}, Mode.TRAINING),
                "batchnorm2d(3)", "3", "[4, 3, 3]");
        // One value per channel cannot be trained on (PyTorch refuses it as well); inference is fine.
        assertMessage(() -> new BatchNormHarness(new BatchNorm1D(4), new long[] {1, 4}, Mode.TRAINING),
                "batchnorm1d(4)", "more than 1 value", "[1, 4]");
        new BatchNormHarness(new BatchNorm1D(4), new long[] {1, 4}, Mode.INFERENCE).close();
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
        }
    }
}
